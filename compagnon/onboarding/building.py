"""What administrators change: the paths and their steps, the kit. Keyword-only; one transaction
each; the rule checked again here; audited. A step that members already did is never deleted: it is
removed from the path (archived), so their signatures and history stay."""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.members.models import Maturity, Member, MemberStatus

from . import progress
from . import rules as _rules  # noqa: F401 - registers the rules checked below
from .models import LANGUAGES, Assignment, KitContact, KitFile, Path, Step, StepKind

MAX_FILE_BYTES = 10 * 1024 * 1024


def _texts(values: dict, field: str, limit: int | None) -> dict:
    out = {}
    for lang in LANGUAGES:
        raw = str(values.get(f"{field}_{lang}") or "")
        out[f"{field}_{lang}"] = (" ".join(raw.split())[:limit] if limit else raw.replace("\r\n", "\n").strip())
    return out


def _file_checked(uploaded, field="file"):
    if uploaded is None:
        return None
    if uploaded.size > MAX_FILE_BYTES:
        raise ValidationError({field: _("The file is too large (at most %(max)s MB).")
                               % {"max": MAX_FILE_BYTES // 1048576}})
    return uploaded


def _sha256(uploaded) -> str:
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()


@transaction.atomic
def save_path(*, actor, entity, maturity: str, path: Path | None = None, **values) -> Path:
    """Create or change the path of ``entity`` for ``maturity``: a title in one language at least."""
    if path is not None:
        path = Path.objects.select_for_update().get(pk=path.pk)
        entity, maturity = path.entity, path.maturity
    require(actor, "onboarding.manage", entity)
    if maturity not in Maturity.values:
        raise ValidationError({"maturity": _("Choose new, developing or established.")})
    titles = _texts(values, "title", 150)
    if not any(titles.values()):
        raise ValidationError({"title_" + (entity.default_language or "fr"): _("Give the path a title in one "
                                                                               "language at least.")})
    if path is None and Path.objects.filter(entity=entity, maturity=maturity).exists():
        raise ValidationError({"maturity": _("This entity already has a path for this maturity.")})
    created = path is None
    path = path or Path(entity=entity, maturity=maturity)
    for key, value in {**titles, **_texts(values, "intro", None)}.items():
        setattr(path, key, value)
    path.updated_by = actor
    path.save()
    record(actor=actor, action="onboarding.path_saved", obj=path, entity=entity,
           message=gettext_noop("Onboarding path “%(path)s” created") if created
           else gettext_noop("Onboarding path “%(path)s” changed"), params={"path": str(path)})
    return path


def _check_step(kind, titles, values, path, article, uploaded, step) -> dict:
    errors: dict = {}
    if kind not in StepKind.values:
        errors["kind"] = [_("Choose an explanation, a document to sign, a meeting or a task.")]
    if not any(titles.values()):
        errors["title_" + (path.entity.default_language or "fr")] = [_("Give the step a title in one language "
                                                                       "at least.")]
    if article is not None and article.entity_id != path.entity_id and not article.shared:
        errors["article"] = [_("Choose an article of this entity or a shared one.")]
    if article is not None and article.published_at is None:
        errors["article"] = [_("Choose a published article.")]
    if kind == StepKind.MEETING and not values.get("meeting_at") and not values.get("meeting_place"):
        errors["meeting_at"] = [_("Say when or where the meeting takes place.")]
    has_text = any(values.get(f"text_{lang}") for lang in LANGUAGES)
    if kind == StepKind.SIGN and not (uploaded or article or has_text or (step and step.file)):
        errors["file"] = [_("Give the document to sign: a file, an article or the text of the step.")]
    if errors:
        raise ValidationError(errors)
    return errors


@transaction.atomic
def save_step(*, actor, path: Path, kind: str, step: Step | None = None, article=None, uploaded_file=None,
              meeting_at=None, meeting_place: str = "", **values) -> Step:
    """Add a step at the end of ``path`` or change ``step``. Changing what a sign step asks to read
    (its file or text) makes a new document version: signatures name the version they signed."""
    path = Path.objects.select_for_update().select_related("entity").get(pk=path.pk)
    require(actor, "onboarding.manage", path)
    titles = _texts(values, "title", 150)
    texts = _texts(values, "text", None)
    _file_checked(uploaded_file)
    _check_step(kind, titles, {**texts, "meeting_at": meeting_at, "meeting_place": meeting_place}, path, article,
                uploaded_file, step)
    created = step is None
    if step is None:
        last = Step.objects.filter(path=path).aggregate(p=Max("position"))["p"]
        step = Step(path=path, position=0 if last is None else last + 1)
    else:
        step = Step.objects.select_for_update().get(pk=step.pk, path=path)
    document_changed = (not created and kind == StepKind.SIGN and (
        uploaded_file is not None or any(getattr(step, k) != v for k, v in texts.items())
        or step.article_id != (article.pk if article else None)))
    for key, value in {**titles, **texts}.items():
        setattr(step, key, value)
    step.kind, step.article = kind, article
    step.meeting_at, step.meeting_place = meeting_at, " ".join(str(meeting_place or "").split())[:200]
    if uploaded_file is not None:
        step.document_sha256 = _sha256(uploaded_file)
        step.filename = (uploaded_file.name or "document").rsplit("/", 1)[-1][:200]
        step.file.save(step.filename, uploaded_file, save=False)
    if document_changed:
        step.document_version += 1
    step.save()
    if created:
        progress.refresh_path(path.pk)
    record(actor=actor, action="onboarding.step_saved", obj=step, entity=path.entity,
           message=gettext_noop("Onboarding step “%(step)s” added") if created
           else gettext_noop("Onboarding step “%(step)s” changed"), params={"step": str(step)})
    return step


@transaction.atomic
def move_step(*, actor, step: Step, up: bool) -> None:
    """Swap the step with the one before (``up``) or after it."""
    path = Path.objects.select_for_update().select_related("entity").get(pk=step.path_id)
    require(actor, "onboarding.manage", path)
    steps = list(Step.objects.filter(path=path, archived=False).order_by("position", "id"))
    index = next((i for i, s in enumerate(steps) if s.pk == step.pk), None)
    if index is None:
        return
    other = index - 1 if up else index + 1
    if not 0 <= other < len(steps):
        return
    steps[index], steps[other] = steps[other], steps[index]
    for position, s in enumerate(steps):
        if s.position != position:
            Step.objects.filter(pk=s.pk).update(position=position)
    progress.refresh_path(path.pk)


@transaction.atomic
def remove_step(*, actor, step: Step) -> None:
    """Take a step out of the path: deleted when nobody did it, else archived (kept for history)."""
    path = Path.objects.select_for_update().select_related("entity").get(pk=step.path_id)
    require(actor, "onboarding.manage", path)
    step = Step.objects.get(pk=step.pk)
    name = str(step)
    if step.completions.exists() or step.signatures.exists():
        step.archived = True
        step.save(update_fields=["archived"])
    else:
        step.delete()
    progress.refresh_path(path.pk)
    record(actor=actor, action="onboarding.step_removed", obj=path, entity=path.entity,
           message=gettext_noop("Onboarding step “%(step)s” removed"), params={"step": name})


@transaction.atomic
def give_to_members(*, actor, path: Path) -> int:
    """Give the path to the members of its entity and maturity who are not on it (a path made
    after they joined, a maturity changed outside the members' service). Returns how many got it."""
    require(actor, "onboarding.manage", path)
    from .services import assign

    with_path = Assignment.objects.filter(active=True, path=path).values("member_id")
    members = (Member.objects.filter(entity_id=path.entity_id, maturity=path.maturity)
               .exclude(status=MemberStatus.LEFT).exclude(id__in=with_path).select_related("user", "entity"))
    n = 0
    for member in members:
        if assign(member, actor=actor, path=path):
            n += 1
    return n


# --- the kit -------------------------------------------------------------------------------------


@transaction.atomic
def add_kit_file(*, actor, entity, title: str, uploaded_file, description: str = "", language: str = "",
                 position: int = 0) -> KitFile:
    require(actor, "onboarding.manage", entity)
    title = " ".join(str(title or "").split())[:150]
    if not title:
        raise ValidationError({"title": _("Give the template a title.")})
    if uploaded_file is None:
        raise ValidationError({"file": _("Choose the file to share.")})
    _file_checked(uploaded_file)
    name = (uploaded_file.name or "document").rsplit("/", 1)[-1][:200]
    item = KitFile(entity=entity, title=title, description=" ".join(str(description or "").split())[:300],
                   language=language if language in LANGUAGES else "", filename=name, uploaded_by=actor,
                   position=max(0, min(int(position or 0), 32767)))
    item.file.save(name, uploaded_file, save=False)
    item.save()
    record(actor=actor, action="onboarding.kit_file_added", obj=item, entity=entity,
           message=gettext_noop("Template “%(title)s” added to the kit"), params={"title": title})
    return item


@transaction.atomic
def remove_kit_file(*, actor, item: KitFile) -> None:
    require(actor, "onboarding.manage", item)
    record(actor=actor, action="onboarding.kit_file_removed", obj=item, entity=item.entity,
           message=gettext_noop("Template “%(title)s” removed from the kit"), params={"title": item.title})
    item.file.delete(save=False)
    item.delete()


@transaction.atomic
def save_contact(*, actor, entity, contact: KitContact | None = None, name: str, role: str, email: str = "",
                 phone: str = "", office=None, position: int = 0) -> KitContact:
    if contact is not None:
        contact = KitContact.objects.select_for_update().get(pk=contact.pk)
        entity = contact.entity
    require(actor, "onboarding.manage", entity)
    errors = {}
    name, role = " ".join(str(name or "").split())[:150], " ".join(str(role or "").split())[:200]
    if not name:
        errors["name"] = [_("Give the contact's name.")]
    if not role:
        errors["role"] = [_("Say what to ask them.")]
    if office is not None and office.entity_id != entity.pk:
        errors["office"] = [_("Choose an office of this entity.")]
    if not email and not phone:
        errors["email"] = [_("Give an email address or a phone number.")]
    if errors:
        raise ValidationError(errors)
    created = contact is None
    contact = contact or KitContact(entity=entity)
    contact.name, contact.role, contact.email, contact.phone = name, role, str(email or "")[:254], str(phone or "")[:40]
    contact.office, contact.position = office, max(0, min(int(position or 0), 32767))
    contact.save()
    record(actor=actor, action="onboarding.contact_saved", obj=contact, entity=entity,
           message=gettext_noop("Key contact %(name)s added") if created
           else gettext_noop("Key contact %(name)s changed"), params={"name": name})
    return contact


@transaction.atomic
def remove_contact(*, actor, contact: KitContact) -> None:
    require(actor, "onboarding.manage", contact)
    record(actor=actor, action="onboarding.contact_removed", obj=contact, entity=contact.entity,
           message=gettext_noop("Key contact %(name)s removed"), params={"name": contact.name})
    contact.delete()
