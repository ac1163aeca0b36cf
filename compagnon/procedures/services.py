"""Writing, reviewing and using procedures. Keyword-only; one transaction each; the rule checked
again here (``core.services.require``); audited; notifications after commit.

The life of a version: a writer saves a **draft** (one open draft per person and procedure) with
its ordered steps, tools and safety warnings; sends it for **review**; a reviewer (a referent of
the trade, or an administrator when the trade has none) **validates** it — it becomes the version
in force, numbered next — or **sends it back** with a comment (the author edits and sends it
again). Anyone who reads a procedure in force may **propose** a new version: a draft copied from
the one in force; the version in force stays until the new one is validated. Validated versions
are never edited again."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.fieldwork import photos as photo_checks
from compagnon.interventions.models import Sheet, SheetState
from compagnon.notifications.services import Message, notify, notify_many

from . import rules as _rules  # noqa: F401 - registers the rules checked below
from . import search
from .models import (
    OPEN_STATES,
    Kind,
    Photo,
    Procedure,
    SheetChecklist,
    State,
    Step,
    Tick,
    TradeReferent,
    Version,
)
from .referents import referent_members

MAX_STEPS = 60
MAX_PHOTOS_PER_STEP = 4
DECISIONS = ("validate", "send_back")
SOURCE_PREFIXES = ("peerhelp.question", "aftersales.case")


def _text(value) -> str:
    return str(value or "").replace("\x00", "").replace("\r\n", "\n").strip()


def _one_line(value, limit: int) -> str:
    return " ".join(_text(value).split())[:limit]


def clean_source(source) -> str:
    """``app.model:id`` from a page that turned something into a procedure; anything else is dropped."""
    source = str(source or "").strip()
    prefix, _sep, ident = source.partition(":")
    if prefix in SOURCE_PREFIXES and ident.isdigit() and len(ident) <= 18:
        return source
    return ""


def _clean(*, title, tools, safety, steps, change_note="") -> dict:
    errors: dict = {}
    title = _one_line(title, 1000)
    tools, safety = _text(tools), _text(safety)
    if not title:
        errors["title"] = [_("Give the procedure a title.")]
    elif len(title) > 200:
        errors["title"] = [_("Keep the title under 200 characters.")]
    if len(tools) > 4000:
        errors["tools"] = [_("Keep the tools and materials under 4,000 characters.")]
    if len(safety) > 4000:
        errors["safety"] = [_("Keep the safety warnings under 4,000 characters.")]
    rows = []
    for n, raw in enumerate(steps or [], start=1):
        text = _text(raw.get("text"))
        if not text:
            if raw.get("photo_ids") or raw.get("uploads"):
                errors.setdefault("steps", []).append(_("Step %(n)s: write what to do.") % {"n": n})
            continue
        if len(text) > 2000:
            errors.setdefault("steps", []).append(_("Step %(n)s: keep it under 2,000 characters.") % {"n": n})
        if len(raw.get("photo_ids") or []) + len(raw.get("uploads") or []) > MAX_PHOTOS_PER_STEP:
            errors.setdefault("steps", []).append(
                _("Step %(n)s: at most %(max)s photos.") % {"n": n, "max": MAX_PHOTOS_PER_STEP})
        for _name, data in raw.get("uploads") or []:
            try:
                photo_checks.check(data, field="steps")
            except ValidationError as exc:
                errors.setdefault("steps", []).extend(
                    _("Step %(n)s: %(problem)s") % {"n": n, "problem": m} for m in exc.message_dict["steps"])
        rows.append({"text": text, "to_tick": bool(raw.get("to_tick")),
                     "photo_ids": [int(p) for p in raw.get("photo_ids") or []], "uploads": raw.get("uploads") or []})
    if not rows:
        errors.setdefault("steps", []).append(_("Write at least one step."))
    elif len(rows) > MAX_STEPS:
        errors.setdefault("steps", []).append(_("At most %(max)s steps.") % {"max": MAX_STEPS})
    if errors:
        raise ValidationError(errors)
    return {"title": title, "tools": tools, "safety": safety, "steps": rows,
            "change_note": _one_line(change_note, 300)}


def _write_steps(actor, version: Version, rows: list[dict]) -> None:
    procedure = version.procedure
    known = set(Photo.objects.filter(procedure=procedure).values_list("pk", flat=True))
    version.steps.all().delete()
    for position, row in enumerate(rows):
        step = Step.objects.create(version=version, position=position, text=row["text"], to_tick=row["to_tick"])
        ids = [p for p in row["photo_ids"] if p in known]
        for _name, data in row["uploads"]:
            photo = Photo(procedure=procedure, uploaded_by=actor)
            image = photo_checks.downscaled(data, name="step")
            photo.file.save(image.name, image, save=False)
            photo.save()
            ids.append(photo.pk)
        if ids:
            step.photos.set(ids)


def _check_kind(kind) -> str:
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose installation, repair, maintenance or safety.")})
    return kind


def _locked(procedure: Procedure) -> Procedure:
    return Procedure.objects.select_for_update(of=("self",)).select_related("entity", "trade").get(pk=procedure.pk)


def _audit(actor, procedure: Procedure, action: str, message: str, **params):
    record(actor=actor, action=f"procedures.{action}", obj=procedure, entity=procedure.entity, message=message,
           params={"procedure": procedure.pk, **params})


@transaction.atomic
def create_procedure(*, actor, entity, trade, kind: str, title: str, steps: list[dict], tools: str = "",
                     safety: str = "", shared: bool = False, source: str = "", language: str | None = None,
                     change_note: str = "") -> Version:
    """A new procedure with its first draft; the author sends it for review."""
    require(actor, "procedures.write_in", entity)
    _check_kind(kind)
    if trade is None:
        raise ValidationError({"trade": _("Choose the trade.")})
    fields = _clean(title=title, tools=tools, safety=safety, steps=steps, change_note=change_note)
    language = language if language in ("fr", "nl", "en") else entity.default_language
    procedure = Procedure.objects.create(entity=entity, trade=trade, kind=kind, title=fields["title"],
                                         language=language, shared=bool(shared), source=clean_source(source),
                                         created_by=actor)
    version = Version.objects.create(procedure=procedure, author=actor, title=fields["title"], tools=fields["tools"],
                                     safety=fields["safety"], change_note=fields["change_note"])
    _write_steps(actor, version, fields["steps"])
    _audit(actor, procedure, "created", gettext_noop("Procedure “%(title)s” drafted"), title=fields["title"])
    return version


@transaction.atomic
def save_draft(*, actor, version: Version, title: str, steps: list[dict], tools: str = "", safety: str = "",
               change_note: str = "", kind: str | None = None, trade=None, shared: bool | None = None) -> Version:
    """Save an open draft. The kind, the trade and sharing change only before a first version is
    in force. A draft waiting for review goes back to draft: its author sends it again."""
    procedure = _locked(version.procedure)
    version = Version.objects.select_for_update(of=("self",)).select_related("procedure").get(pk=version.pk)
    require(actor, "procedures.edit_version", version)
    fields = _clean(title=title, tools=tools, safety=safety, steps=steps, change_note=change_note)
    if procedure.current_id is None:
        changed = []
        if kind is not None and kind != procedure.kind:
            procedure.kind = _check_kind(kind)
            changed.append("kind")
        if trade is not None and trade.pk != procedure.trade_id:
            procedure.trade = trade
            changed.append("trade")
        if shared is not None and bool(shared) != procedure.shared:
            procedure.shared = bool(shared)
            changed.append("shared")
        procedure.title = fields["title"]
        procedure.save(update_fields=[*changed, "title"])
    version.title, version.tools, version.safety = fields["title"], fields["tools"], fields["safety"]
    version.change_note = fields["change_note"]
    if version.state == State.REVIEW:
        version.state = State.DRAFT
    version.save()
    _write_steps(actor, version, fields["steps"])
    return version


@transaction.atomic
def propose_version(*, actor, procedure: Procedure) -> Version:
    """A new draft copied from the version in force (or the actor's draft already open)."""
    procedure = _locked(procedure)
    require(actor, "procedures.propose", procedure)
    mine = Version.objects.filter(procedure=procedure, author=actor, state__in=OPEN_STATES).first()
    if mine is not None:
        return mine
    current = procedure.current
    draft = Version.objects.create(procedure=procedure, author=actor, title=current.title, tools=current.tools,
                                   safety=current.safety, based_on=current)
    for step in current.steps.prefetch_related("photos"):
        copy = Step.objects.create(version=draft, position=step.position, text=step.text, to_tick=step.to_tick)
        copy.photos.set(step.photos.all())
    _audit(actor, procedure, "proposed", gettext_noop("New version of procedure “%(title)s” started"),
           title=procedure.title)
    return draft


def reviewers_of(procedure: Procedure) -> list:
    users = [m.user for m in referent_members(procedure.entity_id, procedure.trade_id).select_related("user")]
    if not users:
        from compagnon.accounts.models import Role, RoleAssignment
        from compagnon.knowledge.rules import held_today

        users = [ra.user for ra in RoleAssignment.objects.filter(held_today(), entity_id=procedure.entity_id,
                                                                  role=Role.ADMIN).select_related("user")]
    return [u for u in {u.pk: u for u in users}.values() if u.is_active]


@transaction.atomic
def submit(*, actor, version: Version) -> Version:
    """Send a draft for review; the reviewers of the trade are told."""
    procedure = _locked(version.procedure)
    version = Version.objects.select_for_update(of=("self",)).get(pk=version.pk)
    require(actor, "procedures.edit_version", version)
    if version.state == State.REVIEW:
        return version
    if not version.steps.exists():
        raise ValidationError({"steps": _("Write at least one step.")})
    version.state, version.submitted_at = State.REVIEW, timezone.now()
    version.save(update_fields=["state", "submitted_at", "updated_at"])
    _audit(actor, procedure, "submitted", gettext_noop("Procedure “%(title)s” sent for review"), title=version.title)
    url = reverse("procedures-version", args=[procedure.pk, version.pk])
    title = version.title
    messages = [Message(user=u, title=lambda: _("A procedure waits for your review"),
                        body=lambda: _("“%(title)s” was sent for review.") % {"title": title}, url=url,
                        key=f"procedures-review-{version.pk}-{version.submitted_at:%Y%m%d%H%M%S}")
                for u in reviewers_of(procedure) if u.pk != actor.pk]
    transaction.on_commit(lambda: notify_many(messages))
    return version


def _validate(actor, procedure: Procedure, version: Version) -> None:
    now = timezone.now()
    last = Version.objects.filter(procedure=procedure).aggregate(n=Max("number"))["n"] or 0
    version.state, version.number, version.validated_at = State.VALIDATED, last + 1, now
    version.reviewed_by, version.reviewed_at = actor, now
    version.save()
    procedure.current, procedure.title, procedure.in_force_since = version, version.title, now
    procedure.save(update_fields=["current", "title", "in_force_since", "shared"])
    steps = list(version.steps.all())
    title, middle, text = search.version_texts(version, steps)
    search.index_procedure(procedure.pk, language=procedure.language, title=title, middle=middle, steps=text)


@transaction.atomic
def review(*, actor, version: Version, decision: str, comment: str = "", shared: bool | None = None) -> Version:
    """A reviewer's decision: ``validate`` (in force as the next version number) or ``send_back``
    (to its author with ``comment``)."""
    procedure = _locked(version.procedure)
    require(actor, "procedures.review", procedure)
    version = Version.objects.select_for_update(of=("self",)).select_related("author").get(pk=version.pk)
    if version.procedure_id != procedure.pk or version.state not in OPEN_STATES:
        raise ValidationError({"decision": _("This version is not waiting for a decision.")})
    if decision not in DECISIONS:
        raise ValidationError({"decision": _("Choose validate or send back.")})
    comment = str(comment or "").strip()
    if len(comment) > 4000:
        raise ValidationError({"comment": _("Keep the comment under 4,000 characters.")})
    if decision == "send_back" and not comment:
        raise ValidationError({"comment": _("Tell the author what to change.")})
    version.review_comment = comment
    if decision == "validate":
        if shared is not None:
            procedure.shared = bool(shared)
        _validate(actor, procedure, version)
        _audit(actor, procedure, "validated",
               gettext_noop("Procedure “%(title)s” validated: version %(version)s in force"),
               title=version.title, version=version.number)
        heading = lambda: _("Your procedure is validated")  # noqa: E731
    else:
        version.state, version.reviewed_by, version.reviewed_at = State.CHANGES, actor, timezone.now()
        version.save()
        _audit(actor, procedure, "sent_back", gettext_noop("Procedure “%(title)s” sent back to its author"),
               title=version.title)
        heading = lambda: _("Your procedure was sent back with a comment")  # noqa: E731
    author = version.author
    if author.pk != actor.pk:
        url = reverse("procedures-version", args=[procedure.pk, version.pk])
        transaction.on_commit(lambda: notify(author, title=heading, body=comment, url=url))
    return version


@transaction.atomic
def discard_draft(*, actor, version: Version) -> None:
    """Delete an open draft; a procedure never in force goes with its last draft."""
    procedure = _locked(version.procedure)
    version = Version.objects.select_for_update(of=("self",)).get(pk=version.pk)
    require(actor, "procedures.edit_version", version)
    _audit(actor, procedure, "draft_discarded", gettext_noop("A draft of procedure “%(title)s” discarded"),
           title=version.title)
    version.delete()
    if procedure.current_id is None and not procedure.versions.exists():
        procedure.delete()


# --- referents -----------------------------------------------------------------------------------


@transaction.atomic
def name_referent(*, actor, entity, trade, member) -> TradeReferent:
    require(actor, "procedures.name_referents", entity)
    if trade is None:
        raise ValidationError({"trade": _("Choose the trade.")})
    if member is None or member.entity_id != entity.pk:
        raise ValidationError({"member": _("Choose a member of this entity.")})
    if member.status == "left":
        raise ValidationError({"member": _("This member has left the cooperative.")})
    referent, created = TradeReferent.objects.get_or_create(
        entity=entity, trade=trade, member=member, defaults={"named_by": actor, "since": timezone.localdate()})
    if created:
        record(actor=actor, action="procedures.referent_named", obj=referent, entity=entity, member=member,
               message=gettext_noop("%(member)s named referent of %(trade)s"),
               params={"member": str(member), "trade": trade.name_en})
    return referent


@transaction.atomic
def remove_referent(*, actor, referent: TradeReferent) -> None:
    referent = TradeReferent.objects.select_for_update(of=("self",)).select_related("entity", "trade", "member").get(
        pk=referent.pk)
    require(actor, "procedures.name_referents", referent.entity)
    record(actor=actor, action="procedures.referent_removed", obj=referent, entity=referent.entity,
           member=referent.member, message=gettext_noop("%(member)s is no longer referent of %(trade)s"),
           params={"member": str(referent.member), "trade": referent.trade.name_en})
    referent.delete()


# --- checklists on intervention sheets -----------------------------------------------------------


def _locked_sheet(sheet: Sheet) -> Sheet:
    return Sheet.objects.select_for_update(of=("self",)).select_related("visit").get(pk=sheet.pk)


def _sheet_open(sheet: Sheet) -> None:
    if sheet.document_id or sheet.state != SheetState.DRAFT:
        raise ValidationError({"sheet": _("This sheet is validated already: it can no longer change.")})


@transaction.atomic
def attach_checklist(*, actor, sheet: Sheet, procedure: Procedure) -> SheetChecklist:
    """Attach the version in force of ``procedure`` to the sheet (once per version)."""
    sheet = _locked_sheet(sheet)
    require(actor, "interventions.fill_sheet", sheet)
    _sheet_open(sheet)
    if procedure.current_id is None:
        raise ValidationError({"procedure": _("Choose a procedure in force.")})
    checklist, created = SheetChecklist.objects.get_or_create(
        sheet=sheet, version_id=procedure.current_id, defaults={"attached_by": actor})
    if created:
        sheet.version += 1
        sheet.save(update_fields=["version", "updated_at"])
        record(actor=actor, action="procedures.checklist_attached", obj=sheet, entity=procedure.entity,
               message=gettext_noop("Procedure “%(title)s” (version %(version)s) attached to an intervention sheet"),
               params={"title": procedure.title, "version": checklist.version.number})
    return checklist


def _set_ticks(checklist: SheetChecklist, done_ids) -> bool:
    allowed = set(checklist.version.steps.filter(to_tick=True).values_list("pk", flat=True))
    wanted = set()
    for raw in done_ids:
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise ValidationError({"ticks": _("Each ticked item must be a step of the checklist.")}) from None
        if value not in allowed:
            raise ValidationError({"ticks": _("Each ticked item must be a step of the checklist.")})
        wanted.add(value)
    have = set(checklist.ticks.values_list("step_id", flat=True))
    if have == wanted:
        return False
    checklist.ticks.exclude(step_id__in=wanted).delete()
    Tick.objects.bulk_create([Tick(checklist=checklist, step_id=s) for s in sorted(wanted - have)])
    return True


def save_from_sheet(*, actor, sheet: Sheet, data) -> None:
    """The sheet's save (``interventions.hooks``): inside ``update_sheet``'s transaction, the sheet
    locked and checked; ``procedure_checklist`` names each checklist shown in the form and
    ``procedure_tick_<checklist id>`` its ticked steps."""
    getlist = data.getlist if hasattr(data, "getlist") else (lambda k: list(data.get(k) or []))
    shown = [c for c in getlist("procedure_checklist") if str(c).isdigit()]
    if not shown:
        return
    for checklist in SheetChecklist.objects.filter(sheet=sheet, pk__in=[int(c) for c in shown]).select_related(
            "version"):
        _set_ticks(checklist, getlist(f"procedure_tick_{checklist.pk}"))


@transaction.atomic
def set_ticks(*, actor, checklist: SheetChecklist, done: list) -> SheetChecklist:
    """The API's ticks: the checklist's ticked steps become ``done``."""
    sheet = _locked_sheet(checklist.sheet)
    require(actor, "interventions.fill_sheet", sheet)
    _sheet_open(sheet)
    checklist = SheetChecklist.objects.select_related("version").get(pk=checklist.pk)
    if _set_ticks(checklist, done):
        sheet.version += 1
        sheet.save(update_fields=["version", "updated_at"])
    return checklist
