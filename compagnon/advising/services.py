"""Writes of advising: appointments, next steps, appointment requests. Keyword-only; one
transaction each; the permission checked again here (``rules.py``); audited without the notes
(the audit log of a member is theirs to read); the member's ``FollowUp`` row recomputed in the
same transaction; notifications and emails after commit. Reviews: ``reviews.py``; absences and
relays: ``absences.py``."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon import permissions
from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.members.models import Member
from compagnon.notifications.services import Message, notify_many

from . import followup
from . import rules as _rules  # noqa: F401 - registers the rules checked below
from .models import (
    Appointment,
    AppointmentKind,
    AppointmentRequest,
    AppointmentState,
    NextStep,
    RequestState,
    StepOwner,
)

MAX_OPEN_REQUESTS = 3
MAX_DISTANCE = datetime.timedelta(days=3 * 366)
TIME_FIELDS = ("starts_at", "duration_minutes", "place", "video_url")
EDITABLE = ("starts_at", "duration_minutes", "place", "video_url", "topic", "kind", "notes", "notes_shared")


def _text(value, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit]


def _when(appointment) -> str:
    return date_format(timezone.localtime(appointment.starts_at), "DATETIME_FORMAT")


def _email_after_commit(appointment: Appointment, change: str) -> None:
    from .tasks import send_appointment_email

    pk = appointment.pk
    transaction.on_commit(lambda: send_appointment_email.enqueue(appointment_id=pk, change=change))


def _tell(messages: list[Message]) -> None:
    if messages:
        transaction.on_commit(lambda: notify_many(messages))


def _followers_to_tell(member: Member) -> list:
    """Who hears of what a member does: their advisor, and the relay while the advisor is away;
    without an advisor, the advisors of the member's office (in their own right)."""
    from compagnon.accounts.models import Role, RoleAssignment, User

    from .models import Absence

    today = timezone.localdate()
    if member.advisor_id:
        ids = {member.advisor_id}
        ids |= set(Absence.objects.filter(advisor_id=member.advisor_id, starts_on__lte=today, ends_on__gte=today)
                   .values_list("relay_id", flat=True))
    else:
        ids = set(RoleAssignment.objects.filter(role=Role.ADVISOR, office_id=member.office_id,
                                                relay_for__isnull=True).values_list("user_id", flat=True))
    return list(User.objects.filter(pk__in=ids, is_active=True))


def clean_appointment(values: dict, *, now: datetime.datetime | None = None) -> dict:
    """Check an appointment's fields; a ValidationError names each field and its rule."""
    errors: dict = {}
    out = dict(values)
    if "topic" in out:
        out["topic"] = _text(out["topic"], 200)
        if not out["topic"]:
            errors["topic"] = [_("Say what the appointment is about.")]
    if "place" in out:
        out["place"] = _text(out["place"], 200)
    if "video_url" in out:
        out["video_url"] = str(out["video_url"] or "").strip()
        if out["video_url"]:
            try:
                URLValidator(schemes=["https"])(out["video_url"])
            except ValidationError:
                errors["video_url"] = [_("Enter the full video link, starting with https://.")]
    if "duration_minutes" in out:
        try:
            out["duration_minutes"] = int(out["duration_minutes"] or 60)
        except (TypeError, ValueError):
            out["duration_minutes"] = 0
        if not 5 <= out["duration_minutes"] <= 480:
            errors["duration_minutes"] = [_("Give a duration from 5 to 480 minutes.")]
    if "starts_at" in out and not isinstance(out["starts_at"], datetime.datetime):
        errors["starts_at"] = [_("Enter a date and a time.")]
    else:
        if "starts_at" in out and timezone.is_naive(out["starts_at"]):
            out["starts_at"] = timezone.make_aware(out["starts_at"])
        if "starts_at" in out and abs(out["starts_at"] - (now or timezone.now())) > MAX_DISTANCE:
            errors["starts_at"] = [_("Choose a date within three years of today.")]
    if "kind" in out and out["kind"] not in AppointmentKind.values:
        errors["kind"] = [_("Choose a kind of appointment.")]
    if "notes" in out:
        out["notes"] = str(out["notes"] or "").strip()[:10000]
    if "notes_shared" in out:
        out["notes_shared"] = bool(out["notes_shared"])
    if errors:
        raise ValidationError(errors)
    return out


def _where_missing(place: str, video_url: str) -> None:
    if not place and not video_url:
        raise ValidationError({"place": [_("Say where you meet, or give a video link.")]})


@transaction.atomic
def plan_appointment(*, actor, member: Member, starts_at, topic: str, duration_minutes: int = 60, place: str = "",
                     video_url: str = "", kind: str = AppointmentKind.FOLLOW_UP,
                     request: AppointmentRequest | None = None) -> Appointment:
    """Plan an appointment with ``member`` (who follows them). The advisor is the actor when they
    advise the member's office (a relay included), else the member's advisor (an administrator
    planning for them). The member is told and gets an email with the .ics file."""
    member = Member.objects.select_related("user").get(pk=member.pk)
    require(actor, "advising.follow_member", member)
    values = clean_appointment({"starts_at": starts_at, "topic": topic, "duration_minutes": duration_minutes,
                                "place": place, "video_url": video_url, "kind": kind})
    _where_missing(values["place"], values["video_url"])
    advises = member.office_id in permissions.scope_for(actor).advisor_offices
    advisor = actor if advises or member.advisor_id is None else member.advisor
    a = Appointment.objects.create(entity_id=member.entity_id, member=member, advisor=advisor, created_by=actor,
                                   **values)
    _audit(actor, "advising.appointment_planned", a, gettext_noop("Appointment planned for %(date)s: %(topic)s"),
           {"date": a.starts_at, "topic": a.topic})
    followup.refresh([member.pk])
    if a.starts_at > timezone.now():
        _tell_member(a, title=lambda: _("Appointment with %(name)s on %(date)s") % {
            "name": str(a.advisor), "date": _when(a)}, body=a.topic)
        _email_after_commit(a, "planned")
    return a


def _audit(actor, action, appointment, message, params):
    record(actor=actor, action=action, obj=appointment, member=appointment.member, entity=appointment.entity,
           message=message, params=params)


def _tell_member(appointment, *, title, body="") -> None:
    user = appointment.member.user
    _tell([Message(user=user, title=title, body=body,
                   url=reverse("advising-appointment", args=[appointment.pk]))])


def _locked(appointment) -> Appointment:
    return (Appointment.objects.select_for_update(of=("self",)).select_related("member__user", "advisor", "entity")
            .get(pk=appointment.pk))


@transaction.atomic
def update_appointment(*, actor, appointment: Appointment, **changes) -> Appointment:
    """Change an appointment (who follows the member): its time and place while planned; the
    topic, kind and notes (and whether they are shared) at any time. A new time or place is
    told to the member with a new .ics (same UID, next sequence)."""
    a = _locked(appointment)
    require(actor, "advising.follow_member", a.member)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError({k: [_("This field cannot be changed.")] for k in sorted(unknown)})
    values = clean_appointment(changes)
    moved = {k for k in TIME_FIELDS if k in values and values[k] != getattr(a, k)}
    if moved and a.state != AppointmentState.PLANNED:
        raise ValidationError({sorted(moved)[0]: [_("Only a planned appointment can be moved.")]})
    before = {k: getattr(a, k) for k in values}
    was_shared = a.notes_shared and bool(a.notes)
    for k, v in values.items():
        setattr(a, k, v)
    _where_missing(a.place, a.video_url)
    if moved:
        a.sequence += 1
    a.save()
    changed = sorted(k for k in values if before[k] != values[k])
    if changed:
        public = [k for k in changed if k not in ("notes",)]
        _audit(actor, "advising.appointment_changed", a,
               gettext_noop("Appointment of %(date)s changed: %(fields)s"),
               {"date": a.starts_at, "fields": ", ".join(public or ["notes"])})
        followup.refresh([a.member_id])
    if moved and a.starts_at > timezone.now():
        _tell_member(a, title=lambda: _("Your appointment with %(name)s has changed: %(date)s") % {
            "name": str(a.advisor), "date": _when(a)}, body=a.place or a.video_url)
        _email_after_commit(a, "changed")
    if a.notes_shared and a.notes and not was_shared:
        _tell_member(a, title=lambda: _("%(name)s shared the notes of your appointment") % {"name": str(a.advisor)})
    return a


@transaction.atomic
def hold(*, actor, appointment: Appointment, notes: str | None = None, notes_shared: bool | None = None) -> Appointment:
    """Mark a planned appointment as held (on or after its day), with the notes if given."""
    a = _locked(appointment)
    require(actor, "advising.follow_member", a.member)
    if a.state != AppointmentState.PLANNED:
        raise ValidationError({"state": [_("Only a planned appointment can be marked as held.")]})
    if timezone.localdate(a.starts_at) > timezone.localdate():
        raise ValidationError({"state": [_("An appointment can be marked as held from its day on.")]})
    if notes is not None:
        a.notes = str(notes).strip()[:10000]
    if notes_shared is not None:
        a.notes_shared = bool(notes_shared)
    a.state, a.outcome_at = AppointmentState.HELD, timezone.now()
    a.save()
    _audit(actor, "advising.appointment_held", a, gettext_noop("Appointment of %(date)s held"), {"date": a.starts_at})
    followup.refresh([a.member_id])
    if a.notes_shared and a.notes:
        _tell_member(a, title=lambda: _("%(name)s shared the notes of your appointment") % {"name": str(a.advisor)})
    return a


@transaction.atomic
def mark_missed(*, actor, appointment: Appointment) -> Appointment:
    """The member did not come (who follows them), once the time has passed."""
    a = _locked(appointment)
    require(actor, "advising.follow_member", a.member)
    if a.state != AppointmentState.PLANNED:
        raise ValidationError({"state": [_("Only a planned appointment can be marked as missed.")]})
    if a.starts_at > timezone.now():
        raise ValidationError({"state": [_("An appointment can be marked as missed once its time has passed.")]})
    a.state, a.outcome_at = AppointmentState.MISSED, timezone.now()
    a.save()
    _audit(actor, "advising.appointment_missed", a, gettext_noop("Appointment of %(date)s missed"),
           {"date": a.starts_at})
    followup.refresh([a.member_id])
    return a


@transaction.atomic
def cancel(*, actor, appointment: Appointment, reason: str = "") -> Appointment:
    """Cancel a planned appointment: who follows the member, or the member. The other side is
    told; the member's calendar gets the cancellation."""
    a = _locked(appointment)
    require(actor, "advising.cancel_appointment", a)
    if a.state != AppointmentState.PLANNED:
        raise ValidationError({"state": [_("Only a planned appointment can be cancelled.")]})
    a.state, a.outcome_at, a.cancelled_by = AppointmentState.CANCELLED, timezone.now(), actor
    a.cancel_reason = _text(reason, 300)
    a.sequence += 1
    a.save()
    _audit(actor, "advising.appointment_cancelled", a, gettext_noop("Appointment of %(date)s cancelled"),
           {"date": a.starts_at})
    followup.refresh([a.member_id])
    if a.starts_at > timezone.now():
        by_member = a.member.user_id == actor.pk
        if by_member:
            _tell([Message(user=u, title=lambda: _("%(member)s cancelled the appointment of %(date)s") % {
                "member": str(a.member), "date": _when(a)}, body=a.cancel_reason,
                url=reverse("advising-member", args=[a.member_id])) for u in _followers_to_tell(a.member)])
        else:
            _tell_member(a, title=lambda: _("Your appointment of %(date)s is cancelled") % {"date": _when(a)},
                         body=a.cancel_reason)
        _email_after_commit(a, "cancelled")
    return a


# --- next steps ----------------------------------------------------------------------------------


@transaction.atomic
def add_step(*, actor, member: Member, text: str, due_on, owner: str = StepOwner.MEMBER,
             appointment: Appointment | None = None) -> NextStep:
    """A next step for the member or the advisor (who follows the member)."""
    member = Member.objects.select_related("user").get(pk=member.pk)
    require(actor, "advising.follow_member", member)
    errors = {}
    text = _text(text, 300)
    if not text:
        errors["text"] = [_("Say what is to be done.")]
    if owner not in StepOwner.values:
        errors["owner"] = [_("Choose who does it.")]
    if not isinstance(due_on, datetime.date):
        errors["due_on"] = [_("Enter a date.")]
    if appointment is not None and appointment.member_id != member.pk:
        errors["appointment"] = [_("This appointment is another member's.")]
    if errors:
        raise ValidationError(errors)
    s = NextStep.objects.create(member=member, appointment=appointment, owner=owner, text=text, due_on=due_on,
                                created_by=actor)
    record(actor=actor, action="advising.step_added", obj=s, member=member, entity=member.entity,
           message=gettext_noop("Next step for %(owner)s: %(text)s, by %(date)s"),
           params={"owner": StepOwner(owner).label, "text": text, "date": due_on})
    followup.refresh([member.pk])
    if owner == StepOwner.MEMBER:
        _tell([Message(user=member.user, title=lambda: _("A next step for you: %(text)s") % {"text": text},
                       body=lambda: _("By %(date)s") % {"date": date_format(due_on, "DATE_FORMAT")},
                       url=reverse("advising-mine"))])
    return s


@transaction.atomic
def tick_step(*, actor, step: NextStep, done: bool = True) -> NextStep:
    """Tick a next step done (or not done again): who follows the member; the member, theirs."""
    s = NextStep.objects.select_for_update(of=("self",)).select_related("member__user").get(pk=step.pk)
    require(actor, "advising.tick_step", s)
    if s.is_done == bool(done):
        return s
    s.done_at, s.done_by = (timezone.now(), actor) if done else (None, None)
    s.save(update_fields=["done_at", "done_by"])
    record(actor=actor, action="advising.step_done" if done else "advising.step_reopened", obj=s, member=s.member,
           entity=s.member.entity, params={"text": s.text},
           message=gettext_noop("Next step done: %(text)s") if done else gettext_noop("Next step to do again: %(text)s"))
    followup.refresh([s.member_id])
    return s


# --- appointment requests ------------------------------------------------------------------------


@transaction.atomic
def request_appointment(*, actor, topic: str, message: str = "", preferred: str = "",
                        by_video: bool = False) -> AppointmentRequest:
    """The member asks their advisor for an appointment (at most three waiting at once)."""
    s = permissions.scope_for(actor)
    member = Member.objects.select_for_update().select_related("user").filter(pk=s.member_id).first()
    require(actor, "advising.request_appointment", member)
    errors = {}
    topic = _text(topic, 200)
    if not topic:
        errors["topic"] = [_("Say what you would like to talk about.")]
    if AppointmentRequest.objects.filter(member=member, state=RequestState.OPEN).count() >= MAX_OPEN_REQUESTS:
        errors["topic"] = [_("You already have %(n)s requests waiting for an answer.") % {"n": MAX_OPEN_REQUESTS}]
    if errors:
        raise ValidationError(errors)
    r = AppointmentRequest.objects.create(entity_id=member.entity_id, member=member, topic=topic,
                                          message=str(message or "").strip()[:2000],
                                          preferred=_text(preferred, 300), by_video=bool(by_video))
    record(actor=actor, action="advising.appointment_requested", obj=r, member=member, entity=member.entity,
           message=gettext_noop("Appointment asked for: %(topic)s"), params={"topic": topic})
    _tell([Message(user=u, title=lambda: _("%(member)s asks for an appointment: %(topic)s") % {
        "member": str(member), "topic": topic}, body=r.preferred,
        url=reverse("advising-member", args=[member.pk])) for u in _followers_to_tell(member)])
    return r


def _locked_request(request) -> AppointmentRequest:
    return (AppointmentRequest.objects.select_for_update(of=("self",)).select_related("member__user")
            .get(pk=request.pk))


@transaction.atomic
def accept_request(*, actor, request: AppointmentRequest, starts_at, duration_minutes: int = 60, place: str = "",
                   video_url: str = "", topic: str = "") -> Appointment:
    """Answer a request with a time: the appointment is planned (the member told, with the .ics)."""
    r = _locked_request(request)
    require(actor, "advising.follow_member", r.member)
    if r.state != RequestState.OPEN:
        raise ValidationError({"state": [_("This request has already been answered.")]})
    a = plan_appointment(actor=actor, member=r.member, starts_at=starts_at, topic=topic or r.topic,
                         duration_minutes=duration_minutes, place=place, video_url=video_url)
    r.state, r.appointment, r.answered_by, r.answered_at = RequestState.ACCEPTED, a, actor, timezone.now()
    r.save()
    return a


@transaction.atomic
def decline_request(*, actor, request: AppointmentRequest, reason: str) -> AppointmentRequest:
    r = _locked_request(request)
    require(actor, "advising.follow_member", r.member)
    if r.state != RequestState.OPEN:
        raise ValidationError({"state": [_("This request has already been answered.")]})
    reason = _text(reason, 300)
    if not reason:
        raise ValidationError({"reason": [_("Tell the member why, in a few words.")]})
    r.state, r.reason, r.answered_by, r.answered_at = RequestState.DECLINED, reason, actor, timezone.now()
    r.save()
    record(actor=actor, action="advising.request_declined", obj=r, member=r.member, entity=r.member.entity,
           message=gettext_noop("Appointment request declined: %(topic)s"), params={"topic": r.topic})
    _tell([Message(user=r.member.user, title=lambda: _("Your appointment request was declined: %(topic)s") % {
        "topic": r.topic}, body=reason, url=reverse("advising-mine"))])
    return r


@transaction.atomic
def withdraw_request(*, actor, request: AppointmentRequest) -> AppointmentRequest:
    r = _locked_request(request)
    require(actor, "advising.request_appointment", r.member)
    if r.state != RequestState.OPEN:
        raise ValidationError({"state": [_("This request has already been answered.")]})
    r.state, r.answered_at = RequestState.WITHDRAWN, timezone.now()
    r.save()
    record(actor=actor, action="advising.request_withdrawn", obj=r, member=r.member, entity=r.member.entity,
           message=gettext_noop("Appointment request withdrawn: %(topic)s"), params={"topic": r.topic})
    return r
