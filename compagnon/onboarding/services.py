"""The member's first steps: giving a path, marking steps done, signing, meetings attended.
Keyword-only; one transaction each; the rule checked again here; audited."""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.members.models import Member, MemberStatus
from compagnon.notifications.services import notify

from . import progress
from . import rules as _rules  # noqa: F401 - registers the rules checked below
from .models import Assignment, Completion, Path, Signature, Step, StepKind


def path_for(member: Member) -> Path | None:
    return Path.objects.filter(entity_id=member.entity_id, maturity=member.maturity).first()


def assign(member: Member, *, actor=None, path: Path | None = None) -> Assignment | None:
    """Give ``member`` the path of their entity and maturity (or ``path``): it becomes their
    current one; a path they had before keeps its steps done. Nothing when there is no path or the
    member has left. Called by the Member signal (creation, maturity change) and by staff."""
    if member.status == MemberStatus.LEFT:
        return None
    path = path or path_for(member)
    if path is None:
        return None
    with transaction.atomic():
        current = Assignment.objects.select_for_update().filter(member=member, active=True).first()
        if current is not None and current.path_id == path.pk:
            return current
        if current is not None:
            current.active = False
            current.save(update_fields=["active"])
        assignment = Assignment.objects.filter(member=member, path=path).first()
        if assignment is None:
            assignment = Assignment.objects.create(member=member, path=path, last_progress_at=timezone.now())
        else:
            assignment.active = True
            assignment.save(update_fields=["active"])
        progress.refresh(assignment)
        record(actor=actor, action="onboarding.assigned", obj=assignment, entity=member.entity, member=member,
               message=gettext_noop("Onboarding path “%(path)s” given"), params={"path": str(path)})
    user = member.user
    notify(user, title=lambda: _("Your first steps are ready"),
           body=lambda: _("Follow them at your pace: what is done stays done."), url=reverse("onboarding-mine"),
           key=f"onboarding-{assignment.pk}")
    return assignment


def _assignment(actor, member: Member) -> Assignment:
    assignment = (Assignment.objects.select_for_update(of=("self",)).select_related("member__entity")
                  .filter(member=member, active=True).first())
    if assignment is None:
        raise ValidationError({"step": _("You have no onboarding path.")})
    return assignment


def _step(assignment: Assignment, step: Step) -> Step:
    if step.path_id != assignment.path_id or step.archived:
        raise ValidationError({"step": _("This step is not in your path.")})
    return step


def _done(actor, assignment: Assignment, step: Step) -> Completion:
    try:
        with transaction.atomic():
            completion = Completion.objects.create(assignment=assignment, step=step, done_by=actor)
    except IntegrityError:
        return Completion.objects.get(assignment=assignment, step=step)
    progress.refresh(assignment, moved=True)
    return completion


@transaction.atomic
def mark_done(*, actor, member: Member, step: Step) -> Completion:
    """The member did an explanation or a task step. Meetings are marked by the advisor, documents
    are signed."""
    require(actor, "onboarding.walk", member)
    assignment = _assignment(actor, member)
    _step(assignment, step)
    if step.kind == StepKind.MEETING:
        raise ValidationError({"step": _("Your advisor marks the meeting as attended.")})
    if step.kind == StepKind.SIGN:
        raise ValidationError({"step": _("Sign the document to complete this step.")})
    completion = _done(actor, assignment, step)
    return completion


@transaction.atomic
def undo(*, actor, member: Member, step: Step) -> None:
    """Take back an explanation or task marked done by mistake (never a signature or a meeting)."""
    require(actor, "onboarding.walk", member)
    assignment = _assignment(actor, member)
    _step(assignment, step)
    if step.kind not in (StepKind.EXPLAIN, StepKind.TASK):
        raise ValidationError({"step": _("A signed document or an attended meeting stays done.")})
    if Completion.objects.filter(assignment=assignment, step=step).delete()[0]:
        progress.refresh(assignment)


def document_of(step: Step, lang: str) -> dict:
    """What a sign step asks to read, with its fingerprint: the file, the article's published
    version in the reader's language, or the step's own text."""
    if step.file:
        return {"title": step.filename or step.title(lang), "version": step.document_version,
                "sha256": step.document_sha256, "revision": None}
    if step.article_id:
        from compagnon.knowledge.models import Translation

        t = (Translation.objects.filter(article_id=step.article_id, current__isnull=False)
             .select_related("current").order_by("language"))
        chosen = next((x for x in t if x.language == lang), None) or next(iter(t), None)
        if chosen is not None:
            rev = chosen.current
            digest = hashlib.sha256(f"{rev.title}\n{rev.body}".encode()).hexdigest()
            return {"title": rev.title, "version": rev.version, "sha256": digest, "revision": rev}
    text = f"{step.title(lang)}\n{step.text(lang)}"
    return {"title": step.title(lang), "version": step.document_version,
            "sha256": hashlib.sha256(text.encode()).hexdigest(), "revision": None}


@transaction.atomic
def sign(*, actor, member: Member, step: Step, typed_name: str, language: str = "fr", ip_address=None,
         user_agent: str = "") -> Signature:
    """The member signs a document by typing their name: the name, the time, the document's title,
    version and fingerprint, their address and browser are kept as evidence."""
    require(actor, "onboarding.walk", member)
    assignment = _assignment(actor, member)
    _step(assignment, step)
    if step.kind != StepKind.SIGN:
        raise ValidationError({"step": _("This step has nothing to sign.")})
    typed = " ".join(str(typed_name or "").split())
    expected = " ".join(member.user.get_full_name().split())
    if not typed:
        raise ValidationError({"typed_name": _("Type your full name to sign.")})
    if expected and typed.casefold() != expected.casefold():
        raise ValidationError({"typed_name": _("Type your name as it is on your profile: %(name)s.")
                               % {"name": expected}})
    doc = document_of(step, language)
    signature = Signature.objects.create(
        member=member, step=step, typed_name=typed[:200], document_title=doc["title"][:200],
        document_version=doc["version"] or 1, document_sha256=doc["sha256"], article_revision=doc["revision"],
        language=language if language in ("fr", "nl", "en") else "fr", ip_address=ip_address or None,
        user_agent=str(user_agent or "")[:300])
    _done(actor, assignment, step)
    record(actor=actor, action="onboarding.signed", obj=signature, entity=assignment.member.entity, member=member,
           message=gettext_noop("“%(document)s” (version %(version)s) signed"),
           params={"document": signature.document_title, "version": signature.document_version})
    return signature


@transaction.atomic
def mark_attended(*, actor, member: Member, step: Step) -> Completion:
    """The advisor (or an administrator) marks a meeting step attended."""
    require(actor, "onboarding.follow", member)
    assignment = _assignment(actor, member)
    _step(assignment, step)
    if step.kind != StepKind.MEETING:
        raise ValidationError({"step": _("Only a meeting is marked as attended.")})
    completion = _done(actor, assignment, step)
    record(actor=actor, action="onboarding.attended", obj=completion, entity=assignment.member.entity,
           member=member, message=gettext_noop("Meeting “%(step)s” attended"), params={"step": str(step)})
    return completion
