"""Every state change of tenders. Keyword-only; one transaction each; the rule checked again here
(``rules.py``) and audited; notifications and tasks after commit."""

from __future__ import annotations

import datetime
import hashlib
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from compagnon import permissions
from compagnon.accounts.models import Role, RoleAssignment
from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.members.models import Member, MemberStatus
from compagnon.notifications.services import Message, notify_many
from compagnon.support.attachments import MAX_BYTES, clean_name, content_type

from . import formats, matching
from . import rules as _rules  # noqa: F401 - registers tenders.*
from .models import (
    REMIND_DAYS,
    AdminDocument,
    AdminKind,
    Answer,
    AnswerFile,
    AnswerMember,
    AnswerState,
    ChecklistItem,
    CpvTrade,
    Invitation,
    Kind,
    Notice,
    NoticeImport,
    Source,
)
from .models import (
    Role as AnswerRole,
)

DEFAULT_CHECKLIST = {
    Kind.TENDER: [
        gettext_noop("Read the consultation rules and the specifications"),
        gettext_noop("Fill in the application forms (DC1, DC2 or ESPD)"),
        gettext_noop("Attach the cooperative's administrative documents"),
        gettext_noop("Write the technical proposal"),
        gettext_noop("Price the offer"),
        gettext_noop("Submit on the buyer's platform"),
    ],
    Kind.GRANT: [
        gettext_noop("Check that the project is eligible"),
        gettext_noop("Write the project description"),
        gettext_noop("Build the budget"),
        gettext_noop("Attach the cooperative's administrative documents"),
        gettext_noop("Submit the application"),
    ],
}


def _audit(actor, obj, action: str, message: str, *, entity, member=None, **params):
    record(actor=actor, action=f"tenders.{action}", obj=obj, message=message, params=params, entity=entity,
           member=member)


def _member(actor) -> Member:
    s = permissions.scope_for(actor)
    member = Member.objects.select_related("entity").filter(pk=s.member_id).first() if s.member_active else None
    if member is None:
        raise PermissionDenied(_("Only a member of the cooperative answers tenders."))
    return member


def _later(fn):
    transaction.on_commit(fn)


# ------------------------------------------------------------------------------------ notices

@dataclass
class ImportResult:
    created: list = field(default_factory=list)  # Parsed (dry run) or Notice
    updated: list = field(default_factory=list)
    problems: list = field(default_factory=list)  # formats.Problem
    notice_import: NoticeImport | None = None
    dry_run: bool = False


def import_notices(*, actor, entity, source: str, name: str, data: bytes, dry_run: bool = False) -> ImportResult:
    """Read a BOAMP or TED file; a dry run says what would be created and updated; otherwise each
    record is created or updated (idempotent on the source's reference), the file is kept with the
    import, the records that cannot be read are named, the matched members are told after commit."""
    require(actor, "tenders.manage", entity)
    if source not in (Source.BOAMP, Source.TED):
        raise ValidationError({"source": _("Choose the file's format: BOAMP (JSON) or TED (XML).")})
    try:
        records = formats.read(source, data)
    except formats.FileError as exc:
        raise ValidationError({"file": str(exc)}) from None
    parsed = [r for r in records if isinstance(r, formats.Parsed)]
    result = ImportResult(problems=[r for r in records if isinstance(r, formats.Problem)], dry_run=dry_run)
    seen: set[str] = set()
    unique = []
    for p in parsed:
        if p.source_id in seen:
            result.problems.append(formats.Problem(p.number, p.source_id, "id",
                                                   _("This reference appears earlier in the file.")))
            continue
        seen.add(p.source_id)
        unique.append(p)
    existing = set(Notice.objects.filter(entity=entity, source=source, source_id__in=seen)
                   .values_list("source_id", flat=True))
    if dry_run:
        result.created = [p for p in unique if p.source_id not in existing]
        result.updated = [p for p in unique if p.source_id in existing]
        return result
    imp = NoticeImport(entity=entity, source=source, name=clean_name(name), created_by=actor)
    imp.file.save(clean_name(name), ContentFile(data), save=False)
    try:
        with transaction.atomic():
            imp.save()
            for p in unique:
                try:
                    with transaction.atomic():
                        notice, made = Notice.objects.select_for_update(of=("self",)).update_or_create(
                            entity=entity, source=source, source_id=p.source_id,
                            defaults={**p.fields(), "notice_import": imp},
                            create_defaults={**p.fields(), "notice_import": imp, "created_by": actor},
                        )
                except IntegrityError as exc:
                    result.problems.append(formats.Problem(p.number, p.source_id, "", str(exc)[:200]))
                    continue
                notice.entity = entity
                (result.created if made else result.updated).append(notice)
            imp.created, imp.updated = len(result.created), len(result.updated)
            imp.problems = [pr.as_dict() for pr in result.problems]
            imp.save(update_fields=["created", "updated", "problems"])
            notices = result.created + result.updated
            matching.match(notices)
            _audit(actor, imp, "imported", gettext_noop("Notices imported from %(name)s: %(created)s new, "
                                                         "%(updated)s updated, %(refused)s refused"),
                   entity=entity, name=imp.name, created=imp.created, updated=imp.updated,
                   refused=len(result.problems))
            ids = [n.pk for n in notices]
            _later(lambda: _enqueue_announce(ids))
    except Exception:
        imp.file.delete(save=False)
        raise
    result.notice_import = imp
    return result


def _enqueue_announce(ids: list[int]) -> None:
    from .tasks import announce_notices

    if ids:
        announce_notices.enqueue(notice_ids=ids)


def check_notice(*, title, deadline, published_on, estimated_value, cpv_codes) -> None:
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Give the notice's title.")
    if deadline and published_on and timezone.localtime(deadline).date() < published_on:
        errors["deadline"] = _("The deadline comes after the publication.")
    if estimated_value is not None and estimated_value < 0:
        errors["estimated_value"] = _("The estimated value is zero or more.")
    for code in cpv_codes:
        if not formats.CPV.match(code):
            errors["cpv_codes"] = _("“%(value)s” is not a CPV code: 8 digits, e.g. 77310000.") % {"value": code}
            break
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_notice(*, actor, entity, kind: str, title: str, buyer: str = "", description: str = "", cpv_codes=(),
                department: str = "", nuts: str = "", postcode: str = "", published_on=None, deadline=None,
                link: str = "", estimated_value=None, notice: Notice | None = None) -> Notice:
    """Enter a notice by hand (a grant call, a tender seen elsewhere), or correct one entered so."""
    require(actor, "tenders.manage", entity)
    cpv_codes = [c.split("-")[0].strip() for c in cpv_codes if c.strip()]
    check_notice(title=title, deadline=deadline, published_on=published_on, estimated_value=estimated_value,
                 cpv_codes=cpv_codes)
    values = dict(kind=kind, title=" ".join(title.split())[:300], buyer=buyer.strip()[:300],
                  description=description.strip(), cpv_codes=list(dict.fromkeys(cpv_codes)),
                  department=department.strip().upper()[:3], nuts=nuts.strip().upper()[:5],
                  postcode=postcode.strip()[:16], published_on=published_on, deadline=deadline, link=link.strip(),
                  estimated_value=estimated_value)
    if notice is None:
        notice = Notice.objects.create(entity=entity, source=Source.HAND, source_id=f"H-{uuid.uuid4().hex[:12]}",
                                       created_by=actor, **values)
        action, message = "notice_created", gettext_noop("Notice %(title)s entered by hand")
    else:
        notice = Notice.objects.select_for_update(of=("self",)).get(pk=notice.pk, entity=entity)
        if notice.source != Source.HAND:
            raise ValidationError(_("An imported notice is changed by importing it again."))
        for k, v in values.items():
            setattr(notice, k, v)
        notice.save()
        action, message = "notice_changed", gettext_noop("Notice %(title)s changed")
    notice.entity = entity
    matching.match([notice])
    _audit(actor, notice, action, message, entity=entity, title=notice.title)
    ids = [notice.pk]
    _later(lambda: _enqueue_announce(ids))
    return notice


@transaction.atomic
def save_mapping(*, actor, entity, trade, cpv_prefix: str = "", keywords: str = "") -> CpvTrade:
    require(actor, "tenders.manage", entity)
    cpv_prefix = (cpv_prefix or "").strip()
    if cpv_prefix and (not cpv_prefix.isdigit() or len(cpv_prefix) > 8):
        raise ValidationError({"cpv_prefix": _("The start of a CPV code: 2 to 8 digits, e.g. 7731.")})
    if cpv_prefix and len(cpv_prefix) < 2:
        raise ValidationError({"cpv_prefix": _("The start of a CPV code: 2 to 8 digits, e.g. 7731.")})
    keywords = ", ".join(k.strip() for k in (keywords or "").split(",") if k.strip())[:300]
    if not cpv_prefix and not keywords:
        raise ValidationError({"cpv_prefix": _("Give the start of the CPV codes, keywords, or both.")})
    row = CpvTrade.objects.create(entity=entity, trade=trade, cpv_prefix=cpv_prefix, keywords=keywords)
    _audit(actor, row, "mapping_added", gettext_noop("CPV codes %(prefix)s linked to the trade %(trade)s"),
           entity=entity, prefix=cpv_prefix or keywords, trade=trade.code)
    return row


@transaction.atomic
def delete_mapping(*, actor, mapping: CpvTrade) -> None:
    require(actor, "tenders.manage", mapping.entity)
    _audit(actor, mapping, "mapping_removed", gettext_noop("CPV codes %(prefix)s no longer linked to %(trade)s"),
           entity=mapping.entity, prefix=mapping.cpv_prefix or mapping.keywords, trade=mapping.trade.code)
    CpvTrade.objects.filter(pk=mapping.pk).delete()


# ------------------------------------------------------------------------------------ answers

def _lock(answer: Answer) -> Answer:
    return Answer.objects.select_for_update(of=("self",)).select_related("notice", "entity", "lead__user").get(
        pk=answer.pk)


def _require_open(answer: Answer) -> None:
    if not answer.is_open:
        raise ValidationError(_("This answer is closed: its outcome is recorded."))


@transaction.atomic
def open_answer(*, actor, notice: Notice) -> Answer:
    """Open an answer to ``notice`` with the actor as lead (the same answer if already opened);
    its checklist starts from the default of the notice's kind."""
    require(actor, "tenders.answer", notice)
    member = _member(actor)
    done = Answer.objects.filter(notice=notice, lead=member).first()
    if done is not None:
        done.already_opened = True
        return done
    if notice.deadline and notice.deadline < timezone.now():
        raise ValidationError(_("The deadline of this notice has passed."))
    try:
        with transaction.atomic():
            answer = Answer.objects.create(notice=notice, entity_id=notice.entity_id, lead=member)
    except IntegrityError:
        done = Answer.objects.get(notice=notice, lead=member)
        done.already_opened = True
        return done
    AnswerMember.objects.create(answer=answer, member=member, role=AnswerRole.LEAD, state=Invitation.ACCEPTED,
                                share=Decimal("100"), answered_at=timezone.now())
    due = timezone.localtime(notice.deadline).date() - datetime.timedelta(days=1) if notice.deadline else None
    ChecklistItem.objects.bulk_create([
        ChecklistItem(answer=answer, label=_(label)[:200], position=i, who=member,
                      due_on=due if i == len(DEFAULT_CHECKLIST[notice.kind]) - 1 else None)
        for i, label in enumerate(DEFAULT_CHECKLIST.get(notice.kind, DEFAULT_CHECKLIST[Kind.TENDER]))])
    _audit(actor, answer, "answer_opened", gettext_noop("Answer to %(title)s opened"), entity=notice.entity,
           member=member, title=notice.title)
    return answer


@transaction.atomic
def invite(*, actor, answer: Answer, member: Member, role: str = AnswerRole.PARTNER,
           share: Decimal = Decimal("0")) -> AnswerMember:
    require(actor, "tenders.lead", answer)
    answer = _lock(answer)
    _require_open(answer)
    if role not in (AnswerRole.PARTNER, AnswerRole.SUBCONTRACTOR):
        raise ValidationError({"role": _("A colleague joins as partner or subcontractor.")})
    if member.entity_id != answer.entity_id or member.status == MemberStatus.LEFT:
        raise ValidationError({"member": _("Invite an active member of your cooperative.")})
    if share is None or share < 0 or share > 100:
        raise ValidationError({"share": _("A share is a percentage from 0 to 100.")})
    row, made = AnswerMember.objects.get_or_create(answer=answer, member=member,
                                                   defaults={"role": role, "share": share})
    if not made:
        if row.state != Invitation.DECLINED:
            raise ValidationError({"member": _("This colleague is already in the group.")})
        row.state, row.role, row.share, row.answered_at = Invitation.INVITED, role, share, None
        row.save(update_fields=["state", "role", "share", "answered_at"])
    _audit(actor, answer, "invited", gettext_noop("%(who)s invited to answer %(title)s"), entity=answer.entity,
           member=member, who=str(member), title=answer.notice.title)
    title, url, user = answer.notice.title, reverse("tenders-answer", args=[answer.pk]), member.user
    lead = str(answer.lead)
    _later(lambda: notify_many([Message(
        user=user, url=url, key=f"tenders:invite:{row.pk}:{timezone.now():%Y%m%d%H%M%S}",
        title=lambda: _("%(lead)s invites you to answer together: %(title)s") % {"lead": lead, "title": title})]))
    return row


@transaction.atomic
def respond(*, actor, row: AnswerMember, accept: bool) -> AnswerMember:
    require(actor, "tenders.respond", row)
    row = AnswerMember.objects.select_for_update(of=("self",)).select_related("answer__notice", "answer__entity",
                                                                              "member").get(pk=row.pk)
    _require_open(row.answer)
    if row.role == AnswerRole.LEAD:
        raise ValidationError(_("The lead cannot leave the answer: record its outcome instead."))
    row.state = Invitation.ACCEPTED if accept else Invitation.DECLINED
    row.answered_at = timezone.now()
    if not accept:
        row.share = Decimal("0")
    row.save(update_fields=["state", "answered_at", "share"])
    _audit(actor, row.answer, "accepted" if accept else "declined",
           gettext_noop("%(who)s joined the answer to %(title)s") if accept
           else gettext_noop("%(who)s declined the answer to %(title)s"),
           entity=row.answer.entity, member=row.member, who=str(row.member), title=row.answer.notice.title)
    return row


@transaction.atomic
def set_shares(*, actor, answer: Answer, shares: dict[int, Decimal], roles: dict[int, str] | None = None) -> None:
    """The agreed shares (percent) of the group's members; they add up to 100."""
    require(actor, "tenders.lead", answer)
    answer = _lock(answer)
    _require_open(answer)
    rows = {r.pk: r for r in AnswerMember.objects.select_for_update(of=("self",)).filter(
        answer=answer).exclude(state=Invitation.DECLINED)}
    for pk, value in shares.items():
        if pk not in rows:
            raise ValidationError({"shares": _("Shares are those of the group's members.")})
        if value is None or value < 0 or value > 100:
            raise ValidationError({"shares": _("A share is a percentage from 0 to 100.")})
        rows[pk].share = value
    for pk, role in (roles or {}).items():
        if pk in rows and rows[pk].role != AnswerRole.LEAD and role in (AnswerRole.PARTNER, AnswerRole.SUBCONTRACTOR):
            rows[pk].role = role
    total = sum((r.share for r in rows.values()), Decimal("0"))
    if total != Decimal("100"):
        raise ValidationError({"shares": _("The shares add up to 100 %% (now %(total)s %%).") % {
            "total": f"{total.normalize():f}"}})
    AnswerMember.objects.bulk_update(list(rows.values()), ["share", "role"])
    _audit(actor, answer, "shares", gettext_noop("Shares of the answer to %(title)s agreed"), entity=answer.entity,
           title=answer.notice.title)


@transaction.atomic
def add_item(*, actor, answer: Answer, label: str, who: Member | None = None, due_on=None) -> ChecklistItem:
    require(actor, "tenders.work", answer)
    answer = _lock(answer)
    _require_open(answer)
    if not (label or "").strip():
        raise ValidationError({"label": _("Say what is to be done.")})
    if who is not None and not answer.members.filter(member=who, state=Invitation.ACCEPTED).exists():
        raise ValidationError({"who": _("Choose a member of the group.")})
    position = (answer.checklist.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    item = ChecklistItem.objects.create(answer=answer, label=" ".join(label.split())[:200], who=who, due_on=due_on,
                                        position=position)
    _audit(actor, answer, "item_added", gettext_noop("Checklist of %(title)s: %(label)s added"),
           entity=answer.entity, title=answer.notice.title, label=item.label)
    return item


@transaction.atomic
def toggle_item(*, actor, item: ChecklistItem) -> ChecklistItem:
    require(actor, "tenders.work", item.answer)
    item = ChecklistItem.objects.select_for_update(of=("self",)).select_related("answer__entity", "answer__notice").get(
        pk=item.pk)
    _require_open(item.answer)
    item.done = not item.done
    item.done_at = timezone.now() if item.done else None
    item.save(update_fields=["done", "done_at"])
    _audit(actor, item.answer, "item_done" if item.done else "item_reopened",
           gettext_noop("Checklist of %(title)s: %(label)s done") if item.done
           else gettext_noop("Checklist of %(title)s: %(label)s to do again"),
           entity=item.answer.entity, title=item.answer.notice.title, label=item.label)
    return item


def check_upload(upload, *, field_name: str = "file") -> tuple[str, str, bytes]:
    """(name, content type, bytes) of an acceptable file (checked by its content), else a
    ValidationError naming the file and the rule."""
    if upload is None:
        raise ValidationError({field_name: _("Choose a file.")})
    name = clean_name(getattr(upload, "name", ""))
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError({field_name: _("%(name)s is larger than %(max)s MB.") % {
            "name": name, "max": MAX_BYTES // 1048576}})
    data = upload.read(MAX_BYTES + 1)
    if not data:
        raise ValidationError({field_name: _("%(name)s is empty.") % {"name": name}})
    if len(data) > MAX_BYTES:
        raise ValidationError({field_name: _("%(name)s is larger than %(max)s MB.") % {
            "name": name, "max": MAX_BYTES // 1048576}})
    kind = content_type(data, name)
    if not kind:
        raise ValidationError({field_name: _(
            "%(name)s cannot be attached: send a PDF, a photo (JPEG, PNG, WebP, GIF), a text or CSV file, "
            "or an office document (Word, Excel, OpenDocument).") % {"name": name}})
    return name, kind, data


@transaction.atomic
def add_file(*, actor, answer: Answer, upload) -> AnswerFile:
    """A file into the group's folder (only the group reads it)."""
    require(actor, "tenders.work", answer)
    answer = _lock(answer)
    name, kind, data = check_upload(upload)
    item = AnswerFile(answer=answer, name=name, content_type=kind, size=len(data),
                      sha256=hashlib.sha256(data).hexdigest(), uploaded_by=actor)
    item.file.save(name, ContentFile(data), save=False)
    try:
        item.save()
    except Exception:
        item.file.delete(save=False)
        raise
    _audit(actor, answer, "file_added", gettext_noop("%(name)s added to the folder of %(title)s"),
           entity=answer.entity, name=name, title=answer.notice.title)
    return item


@transaction.atomic
def attach_admin_documents(*, actor, answer: Answer) -> list[AnswerFile]:
    """One tap: the cooperative's current administrative documents (newest of each kind, not
    expired) linked into the answer's folder; those already there are left as they are."""
    from .selectors import current_admin_documents

    require(actor, "tenders.work", answer)
    answer = _lock(answer)
    docs = current_admin_documents(answer.entity_id)
    if not docs:
        raise ValidationError(_("The cooperative has no valid administrative document yet: ask its staff."))
    there = set(answer.files.filter(admin_document__isnull=False).values_list("admin_document_id", flat=True))
    made = [AnswerFile(answer=answer, name=d.name, file=d.file.name, content_type=d.content_type, size=d.size,
                       admin_document=d, uploaded_by=actor) for d in docs if d.pk not in there]
    AnswerFile.objects.bulk_create(made)
    if made:
        _audit(actor, answer, "admin_attached",
               gettext_noop("%(count)s administrative documents attached to %(title)s"),
               entity=answer.entity, count=len(made), title=answer.notice.title)
    return made


@transaction.atomic
def submit(*, actor, answer: Answer) -> Answer:
    require(actor, "tenders.lead", answer)
    answer = _lock(answer)
    if answer.state != AnswerState.PREPARING:
        raise ValidationError(_("This answer was already submitted or closed."))
    answer.state, answer.submitted_at = AnswerState.SUBMITTED, timezone.now()
    answer.save(update_fields=["state", "submitted_at"])
    _audit(actor, answer, "submitted", gettext_noop("Answer to %(title)s submitted"), entity=answer.entity,
           title=answer.notice.title)
    return answer


def _job_key(row: AnswerMember) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"compagnon:tenders:answer-member:{row.pk}")


def _declare(actor, row: AnswerMember, answer: Answer, activity):
    from compagnon.jobs.services import declare_job

    amount = (answer.won_amount * row.share / Decimal("100")).quantize(Decimal("0.01"))
    description = _("%(title)s (your share: %(share)s %%)") % {
        "title": answer.notice.title[:240], "share": f"{row.share.normalize():f}"}
    job = declare_job(actor=actor, activity=activity, client_name=(answer.notice.buyer or answer.notice.title)[:200],
                      client_is_company=True, description=description[:300], amount=amount,
                      starts_on=answer.starts_on, ends_on=answer.ends_on, postcode=answer.notice.postcode,
                      client_key=_job_key(row))
    row.job = job
    row.save(update_fields=["job"])
    return job


@transaction.atomic
def record_outcome(*, actor, answer: Answer, outcome: str, reason: str = "", won_amount: Decimal | None = None,
                   starts_on=None, ends_on=None, activity=None) -> Answer:
    """Lost (with why), abandoned, or won: then the amount and the dates are recorded and the
    lead's share becomes a declared job in ``activity`` (``jobs.services.declare_job``); each other
    member declares theirs in one tap (a job is declared by the member who does it)."""
    require(actor, "tenders.lead", answer)
    answer = _lock(answer)
    _require_open(answer)
    if outcome not in (AnswerState.WON, AnswerState.LOST, AnswerState.ABANDONED, AnswerState.SUBMITTED):
        raise ValidationError({"outcome": _("Choose what happened.")})
    if outcome == AnswerState.SUBMITTED:
        return submit(actor=actor, answer=answer)
    errors = {}
    if outcome == AnswerState.LOST and not (reason or "").strip():
        errors["reason"] = _("Say why it was lost: it helps the next answer.")
    rows = list(AnswerMember.objects.select_for_update(of=("self",)).filter(answer=answer,
                                                                           state=Invitation.ACCEPTED))
    if outcome == AnswerState.WON:
        if won_amount is None or won_amount <= 0:
            errors["won_amount"] = _("Give the amount won, excluding VAT.")
        if not starts_on:
            errors["starts_on"] = _("Give the first day of the work.")
        if not ends_on:
            errors["ends_on"] = _("Give the last day of the work.")
        elif starts_on and ends_on < starts_on:
            errors["ends_on"] = _("The end date comes on or after the start date.")
        total = sum((r.share for r in rows), Decimal("0"))
        if total != Decimal("100"):
            errors["outcome"] = _("Agree the shares first: the members who accepted add up to %(total)s %%, "
                                  "not 100 %%.") % {"total": f"{total.normalize():f}"}
        if activity is None:
            errors["activity"] = _("Choose the activity that takes your share.")
    if errors:
        raise ValidationError(errors)
    answer.state, answer.decided_at = outcome, timezone.now()
    answer.lost_reason = reason.strip()[:500] if outcome == AnswerState.LOST else ""
    if outcome == AnswerState.WON:
        answer.won_amount, answer.starts_on, answer.ends_on = won_amount, starts_on, ends_on
    answer.save(update_fields=["state", "decided_at", "lost_reason", "won_amount", "starts_on", "ends_on"])
    _audit(actor, answer, outcome, {
        AnswerState.WON: gettext_noop("Answer to %(title)s won"),
        AnswerState.LOST: gettext_noop("Answer to %(title)s lost"),
        AnswerState.ABANDONED: gettext_noop("Answer to %(title)s abandoned"),
    }[outcome], entity=answer.entity, title=answer.notice.title)
    if outcome == AnswerState.WON:
        lead_row = next(r for r in rows if r.member_id == answer.lead_id)
        if lead_row.share > 0:
            _declare(actor, lead_row, answer, activity)
        others = [(r.member.user, r.pk) for r in AnswerMember.objects.filter(
            pk__in=[r.pk for r in rows if r.member_id != answer.lead_id and r.share > 0]).select_related("member__user")]
        title, url = answer.notice.title, reverse("tenders-answer", args=[answer.pk])
        _later(lambda: notify_many([Message(
            user=u, url=url, key=f"tenders:won:{pk}",
            title=lambda: _("Won: %(title)s. Declare your share as a job.") % {"title": title}) for u, pk in others]))
    return answer


@transaction.atomic
def declare_share(*, actor, row: AnswerMember, activity) -> AnswerMember:
    """A member of a won answer declares their share as a job in one of their activities (once)."""
    require(actor, "tenders.declare_share", AnswerMember.objects.select_related("answer").get(pk=row.pk))
    row = AnswerMember.objects.select_for_update(of=("self",)).select_related("answer__notice", "answer__entity").get(
        pk=row.pk)
    if row.job_id:
        row.already_declared = True
        return row
    if row.share <= 0:
        raise ValidationError(_("Your share of this answer is zero: there is nothing to declare."))
    _declare(actor, row, row.answer, activity)
    return row


# ------------------------------------------------------------------------ administrative documents

@transaction.atomic
def save_admin_document(*, actor, entity, kind: str, title: str, upload, issued_on, expires_on=None) -> AdminDocument:
    require(actor, "tenders.manage", entity)
    errors = {}
    if kind not in AdminKind.values:
        errors["kind"] = _("Choose what kind of document it is.")
    if not issued_on:
        errors["issued_on"] = _("Give the date the document was issued.")
    elif issued_on > timezone.localdate():
        errors["issued_on"] = _("A document is issued today or earlier.")
    if expires_on and issued_on and expires_on < issued_on:
        errors["expires_on"] = _("The expiry date comes after the issue date.")
    if errors:
        raise ValidationError(errors)
    name, ctype, data = check_upload(upload)
    doc = AdminDocument(entity=entity, kind=kind, title=(title or "").strip()[:200] or str(AdminKind(kind).label),
                        name=name, content_type=ctype, size=len(data), issued_on=issued_on, expires_on=expires_on,
                        uploaded_by=actor)
    doc.file.save(name, ContentFile(data), save=False)
    try:
        doc.save()
    except Exception:
        doc.file.delete(save=False)
        raise
    _audit(actor, doc, "admin_document", gettext_noop("Administrative document %(title)s added"), entity=entity,
           title=doc.title)
    return doc


# ------------------------------------------------------------------------------------ daily

def daily(*, today: datetime.date) -> dict:
    """Flag the administrative documents expiring soon or expired to the entity's administrators
    (once per document and state) and remind each open group a few days before its deadline
    (once per answer). Idempotent."""
    from django.utils.formats import date_format

    flagged = 0
    messages = []
    admins: dict[int, list] = {}
    for ra in RoleAssignment.objects.filter(role=Role.ADMIN).select_related("user"):
        admins.setdefault(ra.entity_id, []).append(ra.user)
    with transaction.atomic():
        docs = list(AdminDocument.objects.select_for_update(of=("self",)).filter(expires_on__isnull=False))
        latest = {}
        for d in sorted(docs, key=lambda d: (d.issued_on, d.pk)):
            latest[(d.entity_id, d.kind)] = d.pk
        for d in docs:
            state = d.status(today)
            if state == "valid" or d.flagged == state or latest[(d.entity_id, d.kind)] != d.pk:
                continue
            d.flagged = state
            d.save(update_fields=["flagged"])
            flagged += 1
            url = reverse("tenders-admin-documents")
            for user in admins.get(d.entity_id, []):
                messages.append(Message(
                    user=user, url=url, key=f"tenders:admindoc:{d.pk}:{state}",
                    title=(lambda d=d: _("Expired: %(title)s") % {"title": d.title}) if state == "expired"
                    else (lambda d=d: _("Expires on %(day)s: %(title)s") % {
                        "title": d.title, "day": date_format(d.expires_on, "SHORT_DATE_FORMAT")})))
        reminded = 0
        soon = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=REMIND_DAYS + 1),
                                                             datetime.time.min))
        for answer in (Answer.objects.select_for_update(of=("self",))
                       .filter(state=AnswerState.PREPARING, reminded_on__isnull=True, notice__deadline__lt=soon,
                               notice__deadline__gte=timezone.now()).select_related("notice")):
            answer.reminded_on = today
            answer.save(update_fields=["reminded_on"])
            reminded += 1
            days = (timezone.localtime(answer.notice.deadline).date() - today).days
            for row in answer.members.filter(state=Invitation.ACCEPTED).select_related("member__user"):
                messages.append(Message(
                    user=row.member.user, url=reverse("tenders-answer", args=[answer.pk]),
                    key=f"tenders:remind:{answer.pk}",
                    title=lambda a=answer, n=days: ngettext(
                        "%(days)s day left to answer %(title)s", "%(days)s days left to answer %(title)s", n) % {
                        "days": n, "title": a.notice.title}))
        notify_many(messages)
    return {"flagged": flagged, "reminded": reminded}
