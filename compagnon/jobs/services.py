"""Every state change of jobs: declaring one (all its steps in one call), acting on a step, linking
a document. Offers and their hand-over are in ``handover.py``. Keyword-only; one transaction each;
permission checked again here and audited."""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon import permissions
from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.members.models import ActivityStatus, Member, MemberStatus

from . import rules as _rules  # noqa: F401 - registers jobs.*
from . import steps
from .models import Job, JobDocument, JobSettings, JobStep, StepKind, StepState, WaitingFor

MAX_DAYS = 366


def _one_line(text: str) -> str:
    """The description on one line: line breaks and runs of spaces become one space; the
    non-breaking spaces French puts before ":" and "%" stay."""
    return re.sub(r"[ \t\r\n\f\v]+", " ", text).strip()


def _audit(actor, job: Job, action: str, message: str, **params):
    record(actor=actor, action=f"jobs.{action}", obj=job, message=message,
           params={"job": job.description, **params}, entity=job.entity, activity=job.activity, member=job.member)


def _member_of(actor) -> Member:
    s = permissions.scope_for(actor)
    member = Member.objects.select_related("entity").filter(pk=s.member_id).first() if s.member_active else None
    if member is None:
        raise PermissionDenied(_("Only a member of the cooperative declares jobs."))
    return member


def check_job(*, activity, client, client_name, client_email, description, amount, starts_on, ends_on,
              colleagues) -> None:
    errors = {}
    if client is not None and client.activity_id != activity.pk:
        errors["client"] = _("This client belongs to another activity.")
    if client is None and not (client_name or "").strip():
        errors["client_name"] = _("Choose a client or type the new client's name.")
    if not (description or "").strip():
        errors["description"] = _("Say in a few words what the job is.")
    if amount is None or amount < 0:
        errors["amount"] = _("The estimated amount is zero or more, excluding VAT.")
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("The end date comes on or after the start date.")
    elif starts_on and ends_on and (ends_on - starts_on).days >= MAX_DAYS:
        errors["ends_on"] = _("A job lasts at most a year: declare a longer one in parts.")
    for c in colleagues:
        if c.status == MemberStatus.LEFT or not c.activity_memberships.filter(activity_id=activity.pk).exists():
            errors["colleagues"] = _("Colleagues are members working in the same activity.")
            break
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def declare_job(
    *, actor, activity, description: str, amount: Decimal, starts_on, ends_on, client=None, client_name: str = "",
    client_email: str = "", client_is_company: bool = False, street: str = "", postcode: str = "", city: str = "",
    colleagues=(), document_kind: str = "quote", wants_prefinancing: bool = False, client_key=None,
) -> Job:
    """Save the job and run its steps: each step that cannot be done is recorded with why, the
    others go on. ``client_key`` (the form's own key): the same declaration sent again returns the
    job it made, with ``already_declared`` set, and makes nothing more."""
    require(actor, "jobs.declare", activity)
    if client_key is not None:
        done = Job.objects.filter(created_by=actor, client_key=client_key).first()
        if done is not None:
            done.already_declared = True
            return done
    member = _member_of(actor)
    if activity.status == ActivityStatus.CLOSED:
        raise ValidationError({"activity": _("This activity is closed: it takes no new jobs.")})
    colleagues = list(colleagues)
    check_job(activity=activity, client=client, client_name=client_name, client_email=client_email,
              description=description, amount=amount, starts_on=starts_on, ends_on=ends_on, colleagues=colleagues)
    try:
        with transaction.atomic():  # the same key sent twice at once: the second finds the first
            job = Job.objects.create(
                entity=activity.entity, activity=activity, member=member, client=client,
                client_name=(client.name if client else client_name.strip())[:200],
                client_email=(client.email if client else client_email.strip()), client_is_company=client_is_company,
                description=_one_line(description)[:300], amount=amount, starts_on=starts_on, ends_on=ends_on,
                street=street.strip(), postcode=postcode.strip(), city=city.strip(), document_kind=document_kind,
                wants_prefinancing=wants_prefinancing, created_by=actor, client_key=client_key,
            )
    except IntegrityError:
        done = Job.objects.filter(created_by=actor, client_key=client_key).first() if client_key else None
        if done is None:
            raise
        done.already_declared = True
        return done
    job.entity, job.activity, job.member = activity.entity, activity, member
    if colleagues:
        job.colleagues.set(colleagues)
    settings = steps.settings_for(activity.entity)
    ctx = {"settings": settings}
    rows = [steps.run(job, kind, actor=actor, ctx=ctx) for kind in steps.kinds_for(job, settings)]
    JobStep.objects.bulk_create(rows)
    _audit(actor, job, "declared", gettext_noop("Job %(job)s declared"))
    return job


def _locked_step(step: JobStep) -> JobStep:
    return (JobStep.objects.select_for_update(of=("self",))
            .select_related("job__entity", "job__activity", "job__member", "job__client", "job__reservation")
            .get(pk=step.pk))


def _save(step: JobStep) -> JobStep:
    step.save(update_fields=["state", "waiting_for", "note", "missing", "data", "automatic", "decided_by",
                             "updated_at"])
    return step


@transaction.atomic
def hold_step(*, actor, step: JobStep) -> JobStep:
    """The member keeps a step from going on (e.g. not registering yet)."""
    step = _locked_step(step)
    require(actor, "jobs.act", step.job)
    if step.state == StepState.DONE:
        raise ValidationError({"step": _("This step is done: it can no longer be held.")})
    if step.state == StepState.HELD:
        return step
    step.state, step.waiting_for, step.note = StepState.HELD, "", {"code": "held", "params": {}}
    _audit(actor, step.job, "step_held", gettext_noop("Step %(step)s of job %(job)s held"), step=step.kind)
    return _save(step)


@transaction.atomic
def ok_step(*, actor, step: JobStep) -> JobStep:
    """The member's OK: a step waiting for it is done; a held or missing step runs again."""
    step = _locked_step(step)
    require(actor, "jobs.act", step.job)
    if step.state == StepState.DONE:
        return step
    if step.state == StepState.WAITING and step.waiting_for == WaitingFor.MEMBER:
        step.state, step.waiting_for, step.decided_by = StepState.DONE, "", actor
        step.note = {"code": "ok", "params": {}}
    elif step.state == StepState.WAITING:
        raise ValidationError({"step": _("This step waits for %(who)s.") % {"who": step.get_waiting_for_display()}})
    else:
        ctx = {"settings": steps.settings_for(step.job.entity)}
        step = steps.run(step.job, step.kind, actor=actor, ctx=ctx, step=step)
    _audit(actor, step.job, "step_ok", gettext_noop("Step %(step)s of job %(job)s OK"), step=step.kind)
    return _save(step)


@transaction.atomic
def validate_step(*, actor, step: JobStep) -> JobStep:
    """An advisor (or an administrator) validates a registration waiting for them."""
    step = _locked_step(step)
    require(actor, "jobs.validate", step.job)
    if step.state == StepState.DONE:
        return step
    if not (step.state == StepState.WAITING and step.waiting_for == WaitingFor.ADVISOR):
        raise ValidationError({"step": _("This step is not waiting for an advisor.")})
    step.state, step.waiting_for, step.decided_by = StepState.DONE, "", actor
    step.note = {"code": "validated", "params": {}}
    _audit(actor, step.job, "step_validated", gettext_noop("Step %(step)s of job %(job)s validated"), step=step.kind)
    return _save(step)


@transaction.atomic
def link_document(*, actor, job: Job, document) -> JobDocument:
    """Attach a quote, an invoice or a credit note of the job's client to the job."""
    require(actor, "jobs.act", job)
    if document.activity_id != job.activity_id or document.client_id != job.client_id:
        raise ValidationError({"document": _("Choose a document of this job's client in the same activity.")})
    link, created = JobDocument.objects.get_or_create(job=job, document=document)
    if created:
        _audit(actor, job, "document_linked", gettext_noop("Document %(document)s linked to job %(job)s"),
               document=str(document))
    return link


def step_of(job: Job, kind: str) -> JobStep | None:
    return JobStep.objects.filter(job=job, kind=kind).first()


__all__ = ["declare_job", "hold_step", "ok_step", "validate_step", "link_document", "StepKind"]


@transaction.atomic
def save_settings(*, actor, entity, registration_automatic_from: str, short_engagement_days: int) -> JobSettings:
    """An administrator sets when registrations are automatic and what a short engagement is."""
    require(actor, "jobs.change_settings", entity)
    current = JobSettings.objects.select_for_update(of=("self",)).filter(entity=entity).first()
    current = current or JobSettings(entity=entity)
    before = {"registration_automatic_from": current.registration_automatic_from,
              "short_engagement_days": current.short_engagement_days}
    current.registration_automatic_from = registration_automatic_from
    current.short_engagement_days = short_engagement_days
    current.full_clean(exclude=["entity"])
    current.save()
    record(actor=actor, action="jobs.settings_changed", obj=current, entity=entity,
           message=gettext_noop("Job registration settings changed"), before=before,
           after={"registration_automatic_from": current.registration_automatic_from,
                  "short_engagement_days": current.short_engagement_days})
    return current

