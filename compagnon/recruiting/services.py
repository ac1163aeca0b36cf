"""Every state change of recruiting. Keyword-only; one transaction each; audited; emails after
commit, in the applicant's language."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.fieldwork.common import absolute, email_after_commit
from compagnon.members.models import Member
from compagnon.organisation.models import Office

from . import documents
from .models import (
    OPEN_STEPS,
    Application,
    Call,
    Meeting,
    Move,
    RefusalReason,
    SignUp,
    SignUpState,
    Step,
)

# how long the data of a refused application is kept (the form says it); then the daily purge
KEEP_REFUSED_DAYS = getattr(settings, "RECRUITING_KEEP_REFUSED_DAYS", 730)
# meetings starting within this many hours get their reminder (once)
REMIND_HOURS = 36
MOVABLE = OPEN_STEPS


def _norm(text: str) -> str:
    return "".join((text or "").split()).replace("-", "").lower()


def office_for_zone(entity, postcode: str, city: str = "") -> Office | None:
    """The office of the entity whose field-service sector covers the postcode or the commune,
    else the entity's first office."""
    from compagnon.fieldwork.models import Sector

    pc, town = _norm(postcode), _norm(city)
    for sector in Sector.objects.filter(entity=entity, office__isnull=False).order_by("id"):
        if pc and pc in {_norm(p) for p in sector.postcodes or []}:
            return sector.office
        if town and town in {_norm(c) for c in sector.communes or []}:
            return sector.office
    return Office.objects.filter(entity=entity).order_by("id").first()


def _tell(application: Application, template: str, subject, **context) -> None:
    email_after_commit(
        to=application.email,
        language=application.language,
        subject=subject,
        template=f"recruiting/email/{template}.txt",
        context={"application": application, "link": absolute("recruiting-follow", application.token),
                 "entity": application.entity, **context},
    )


def _audit(*, actor, action, application, message, params=None):
    record(actor=actor, action=action, obj=application, message=message,
           params={"name": application.full_name, **(params or {})}, entity=application.entity)


@transaction.atomic
def submit_application(
    *,
    entity,
    office=None,
    first_name: str,
    last_name: str,
    email: str,
    phone: str = "",
    language: str = "fr",
    trades=(),
    postcode: str,
    city: str,
    zone_km: int = 20,
    experience: str,
    availability: str,
    motivation: str = "",
    consent: bool,
    files=(),
    call: Call | None = None,
) -> Application:
    """A person applies through the public form (no account)."""
    if not consent:
        raise ValidationError({"consent": _("Tick the box to let us keep your data while we study your application.")})
    trades = list(trades)
    if not trades:
        raise ValidationError({"trades": _("Choose at least one trade.")})
    if office is not None and office.entity_id != entity.pk:
        raise ValidationError({"office": _("Choose one of the offices listed.")})
    if not 1 <= int(zone_km) <= 200:
        raise ValidationError({"zone_km": _("Enter a distance from 1 to 200 km.")})
    if call is not None and (call.entity_id != entity.pk or not call.published):
        call = None
    checked = documents.check(files)
    office = office or office_for_zone(entity, postcode, city)
    if office is None:
        raise ValidationError({"office": _("This cooperative has no office yet: applications are not open.")})
    now = timezone.now()
    application = Application.objects.create(
        entity=entity, office=office, first_name=first_name.strip(), last_name=last_name.strip(),
        email=email.strip().lower(), phone=phone.strip(), language=(language or "fr")[:2],
        postcode=postcode.strip(), city=city.strip(), zone_km=zone_km, experience=experience,
        availability=availability, motivation=motivation, consent_at=now, step=Step.RECEIVED,
        step_since=now, call=call,
    )
    application.trades.set(trades)
    documents.store(application, checked)
    Move.objects.create(application=application, from_step="", to_step=Step.RECEIVED)
    _audit(actor=None, action="recruiting.application_received", application=application,
           message=gettext_noop("Application of %(name)s received"))
    _tell(application, "received", lambda: _("We received your application to %(entity)s") % {"entity": entity.name})
    return application


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("entity", "office")
        .get(pk=application.pk)
    )


STEP_SUBJECTS = {
    Step.MEETING: lambda: _("Your application: the information meeting"),
    Step.INTERVIEW: lambda: _("Your application: an interview"),
    Step.ACCEPTED: lambda: _("Your application is accepted"),
}


@transaction.atomic
def move_application(*, actor, application: Application, step: str, note: str = "") -> Application:
    """Move an open application to another step of the pipeline (forwards or back)."""
    application = _locked(application)
    require(actor, "recruiting.manage_application", application)
    if step not in MOVABLE:
        raise ValidationError({"step": _("Choose one of the steps offered: joining and refusing have their own buttons.")})
    if not application.is_open:
        raise ValidationError({"step": _("This application is closed: it cannot move any more.")})
    if step == application.step:
        raise ValidationError({"step": _("The application is already at this step.")})
    before = application.step
    application.step, application.step_since = step, timezone.now()
    application.save(update_fields=["step", "step_since", "updated_at"])
    Move.objects.create(application=application, from_step=before, to_step=step, note=note, by=actor)
    _audit(actor=actor, action="recruiting.application_moved", application=application,
           message=gettext_noop("Application of %(name)s moved to %(step)s"), params={"step": step})
    if step in STEP_SUBJECTS:
        _tell(application, f"step_{step}", STEP_SUBJECTS[step])
    return application


@transaction.atomic
def refuse_application(*, actor, application: Application, reason: str, note: str = "") -> Application:
    """Refuse an open application from any step, with a reason; the applicant is told politely and
    their data is deleted after ``KEEP_REFUSED_DAYS``."""
    application = _locked(application)
    require(actor, "recruiting.manage_application", application)
    if reason not in RefusalReason.values:
        raise ValidationError({"reason": _("Choose one of the reasons listed.")})
    if not application.is_open:
        raise ValidationError({"reason": _("This application is closed: it cannot be refused any more.")})
    if reason == RefusalReason.OTHER and not note.strip():
        raise ValidationError({"note": _("Write a few words to the applicant when the reason is “other”.")})
    before = application.step
    application.step, application.step_since = Step.REFUSED, timezone.now()
    application.refusal_reason, application.refusal_note = reason, note.strip()
    application.purge_after = timezone.localdate() + datetime.timedelta(days=KEEP_REFUSED_DAYS)
    application.save(update_fields=["step", "step_since", "refusal_reason", "refusal_note", "purge_after",
                                    "updated_at"])
    Move.objects.create(application=application, from_step=before, to_step=Step.REFUSED, note=note, by=actor)
    SignUp.objects.filter(application=application, state__in=[SignUpState.REGISTERED, SignUpState.WAITING],
                          meeting__starts_at__gt=timezone.now()).update(state=SignUpState.CANCELLED)
    _audit(actor=actor, action="recruiting.application_refused", application=application,
           message=gettext_noop("Application of %(name)s refused"), params={"reason": reason})
    _tell(application, "refused", lambda: _("Your application to %(entity)s") % {"entity": application.entity.name},
          reason=RefusalReason(reason).label, note=application.refusal_note)
    return application


@transaction.atomic
def add_note(*, actor, application: Application, text: str) -> Move:
    application = _locked(application)
    require(actor, "recruiting.manage_application", application)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the note.")})
    if len(text) > 2000:
        raise ValidationError({"text": _("Keep the note under 2,000 characters.")})
    return Move.objects.create(application=application, note=text, by=actor)


@transaction.atomic
def join(*, actor, application: Application) -> Member:
    """The accepted applicant becomes a member: their account (with a link to choose a password),
    their member profile with the application's data (the onboarding path follows as for any new
    member), their directory zone; the application is linked to them."""
    from allauth.account.forms import default_token_generator
    from allauth.account.models import EmailAddress
    from allauth.account.utils import user_pk_to_url_str
    from django.urls import reverse

    from compagnon.accounts.models import Role, RoleAssignment, User
    from compagnon.members.services import create_member

    application = _locked(application)
    require(actor, "recruiting.manage_application", application)
    if application.step != Step.ACCEPTED:
        raise ValidationError({"step": _("Only an accepted application can join: move it to “accepted” first.")})
    user = User.objects.filter(email__iexact=application.email).first()
    if user is not None and Member.objects.filter(user=user).exists():
        raise ValidationError({"email": _("This person is already a member.")})
    if user is None:
        user = User(email=application.email, first_name=application.first_name, last_name=application.last_name,
                    phone=application.phone, language=application.language)
        user.set_unusable_password()
        user.save()
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    advises = RoleAssignment.objects.filter(user=actor, role=Role.ADVISOR, office=application.office).exists()
    member = create_member(
        actor=actor, user=user, office=application.office, advisor=actor if advises else None,
        postcode=application.postcode, city=application.city, languages=[application.language],
    )
    member.trades.set(application.trades.all())
    _carry_zone(member, application)
    before = application.step
    application.step, application.step_since, application.member = Step.JOINED, timezone.now(), member
    application.save(update_fields=["step", "step_since", "member", "updated_at"])
    Move.objects.create(application=application, from_step=before, to_step=Step.JOINED, by=actor)
    record(actor=actor, action="recruiting.application_joined", obj=application,
           message=gettext_noop("%(name)s joined from their application"), params={"name": application.full_name},
           entity=application.entity, member=member)
    key = default_token_generator.make_token(user)
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": key})
    from compagnon.fieldwork.common import base_url

    _tell(application, "joined", lambda: _("Welcome to %(entity)s") % {"entity": application.entity.name},
          password_link=base_url() + path)
    return member


def _carry_zone(member: Member, application: Application) -> None:
    """The zone the applicant serves goes to their directory profile, when the directory knows the
    place (the member may change it later); an unknown place is simply left out."""
    from compagnon.directory.services import update_profile

    try:
        with transaction.atomic():
            update_profile(actor=member.user, member=member, zone_postcode=application.postcode,
                           zone_city=application.city, zone_km=application.zone_km)
    except (ValidationError, PermissionDenied):
        pass


# --- information meetings ----------------------------------------------------------------------


@transaction.atomic
def create_meeting(*, actor, office: Office, starts_at, minutes: int = 90, place: str = "", video_url: str = "",
                   capacity: int = 12) -> Meeting:
    meeting = Meeting(entity_id=office.entity_id, office=office, starts_at=starts_at, minutes=minutes,
                      place=place.strip(), video_url=video_url.strip(), capacity=capacity, created_by=actor)
    require(actor, "recruiting.manage_meeting", meeting)
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("Choose a date and time to come.")})
    if not meeting.place and not meeting.video_url:
        raise ValidationError({"place": _("Give the place, or a video link.")})
    if not 1 <= capacity <= 500:
        raise ValidationError({"capacity": _("Enter a number of places from 1 to 500.")})
    if not 15 <= minutes <= 480:
        raise ValidationError({"minutes": _("Enter a duration from 15 to 480 minutes.")})
    meeting.save()
    record(actor=actor, action="recruiting.meeting_created", obj=meeting, entity=office.entity,
           message=gettext_noop("Information meeting of %(when)s planned"),
           params={"when": starts_at.isoformat(timespec="minutes")})
    return meeting


def _registered(meeting: Meeting) -> int:
    return meeting.signups.filter(state=SignUpState.REGISTERED).count()


@transaction.atomic
def sign_up(*, meeting: Meeting, application: Application, actor=None) -> SignUp:
    """Sign an applicant up to a meeting: from their link (``actor`` None: the view checked the
    link), or by the staff. When the meeting is full they go on its waiting list. An application
    just received moves to "information meeting"."""
    meeting = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
    application = _locked(application)
    if actor is not None:
        require(actor, "recruiting.manage_application", application)
    if meeting.entity_id != application.entity_id:
        raise ValidationError({"meeting": _("Choose one of the meetings listed.")})
    if not application.is_open:
        raise ValidationError({"meeting": _("This application is closed.")})
    if meeting.starts_at <= timezone.now():
        raise ValidationError({"meeting": _("This meeting has already taken place.")})
    signup = SignUp.objects.select_for_update(of=("self",)).filter(meeting=meeting, application=application).first()
    if signup is not None and signup.state != SignUpState.CANCELLED:
        raise ValidationError({"meeting": _("Already signed up to this meeting.")})
    state = SignUpState.REGISTERED if _registered(meeting) < meeting.capacity else SignUpState.WAITING
    if signup is None:
        signup = SignUp.objects.create(meeting=meeting, application=application, state=state, added_by=actor)
    else:
        signup.state, signup.attended, signup.added_by = state, None, actor
        signup.save(update_fields=["state", "attended", "added_by"])
    if application.step == Step.RECEIVED:
        application.step, application.step_since = Step.MEETING, timezone.now()
        application.save(update_fields=["step", "step_since", "updated_at"])
        Move.objects.create(application=application, from_step=Step.RECEIVED, to_step=Step.MEETING, by=actor)
    _audit(actor=actor, action="recruiting.signed_up", application=application,
           message=gettext_noop("%(name)s signed up to an information meeting"))
    _tell(application, "signed_up", lambda: _("Your information meeting"), meeting=meeting,
          waiting=state == SignUpState.WAITING)
    return signup


@transaction.atomic
def cancel_signup(*, signup: SignUp, actor=None) -> SignUp:
    """Cancel a sign-up (the applicant from their link, or the staff); the first on the waiting
    list takes the freed place and is told."""
    signup = SignUp.objects.select_for_update(of=("self",)).select_related("meeting", "application").get(pk=signup.pk)
    if actor is not None:
        require(actor, "recruiting.manage_meeting", signup.meeting)
    if signup.state == SignUpState.CANCELLED:
        return signup
    if signup.meeting.starts_at <= timezone.now():
        raise ValidationError({"meeting": _("This meeting has already taken place.")})
    was_registered = signup.state == SignUpState.REGISTERED
    signup.state = SignUpState.CANCELLED
    signup.save(update_fields=["state"])
    if was_registered:
        first = (SignUp.objects.select_for_update(of=("self",)).select_related("application__entity")
                 .filter(meeting=signup.meeting, state=SignUpState.WAITING).order_by("created_at", "id").first())
        if first is not None:
            first.state = SignUpState.REGISTERED
            first.save(update_fields=["state"])
            _tell(first.application, "signed_up", lambda: _("Your information meeting"), meeting=signup.meeting,
                  waiting=False, promoted=True)
    _audit(actor=actor, action="recruiting.signup_cancelled", application=signup.application,
           message=gettext_noop("%(name)s no longer comes to an information meeting"))
    return signup


@transaction.atomic
def set_attendance(*, actor, signup: SignUp, attended: bool) -> SignUp:
    signup = SignUp.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=signup.pk)
    require(actor, "recruiting.manage_meeting", signup.meeting)
    if signup.state != SignUpState.REGISTERED:
        raise ValidationError({"attended": _("Only registered applicants are marked present or absent.")})
    if signup.meeting.starts_at > timezone.now():
        raise ValidationError({"attended": _("Attendance is marked once the meeting has started.")})
    signup.attended = bool(attended)
    signup.save(update_fields=["attended"])
    return signup


def send_reminders(now=None) -> int:
    """Email the registered applicants of the meetings starting within ``REMIND_HOURS``, once."""
    now = now or timezone.now()
    sent = 0
    due = Meeting.objects.filter(reminded_at__isnull=True, starts_at__gt=now,
                                 starts_at__lte=now + datetime.timedelta(hours=REMIND_HOURS))
    for meeting in due.select_related("office"):
        with transaction.atomic():
            locked = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
            if locked.reminded_at is not None:
                continue
            for signup in locked.signups.filter(state=SignUpState.REGISTERED).select_related("application__entity"):
                _tell(signup.application, "reminder", lambda: _("Reminder: your information meeting"), meeting=meeting)
                sent += 1
            locked.reminded_at = now
            locked.save(update_fields=["reminded_at"])
    return sent


def purge(today=None) -> int:
    """Delete refused applications whose retention period has passed (files first)."""
    today = today or timezone.localdate()
    gone = 0
    for application in Application.objects.filter(purge_after__lte=today).order_by("id"):
        with transaction.atomic():
            docs = list(application.documents.all())
            record(actor=None, action="recruiting.application_purged", obj=application,
                   message=gettext_noop("Data of a refused application deleted after the retention period"),
                   entity=application.entity)
            application.delete()
            transaction.on_commit(lambda docs=docs: documents.delete_files(docs))
            gone += 1
    return gone


# --- calls for new members --------------------------------------------------------------------


@transaction.atomic
def publish_call(*, actor, entity, trade, postcode: str = "", city: str = "", text: str = "", office=None,
                 requests_count: int = 0) -> Call:
    require(actor, "recruiting.manage_calls", entity)
    if office is not None and office.entity_id != entity.pk:
        raise ValidationError({"office": _("Choose one of the offices listed.")})
    call = Call.objects.select_for_update(of=("self",)).filter(entity=entity, trade=trade, postcode=postcode).first()
    if call is None:
        call = Call(entity=entity, trade=trade, postcode=postcode, created_by=actor)
    call.city, call.text, call.office, call.requests_count = city, text, office, requests_count
    call.published, call.published_at = True, timezone.now()
    call.save()
    record(actor=actor, action="recruiting.call_published", obj=call, entity=entity,
           message=gettext_noop("Call for new members published: %(call)s"), params={"call": str(call)})
    return call


@transaction.atomic
def unpublish_call(*, actor, call: Call) -> Call:
    call = Call.objects.select_for_update(of=("self",)).select_related("entity").get(pk=call.pk)
    require(actor, "recruiting.manage_calls", call.entity)
    call.published = False
    call.save(update_fields=["published"])
    record(actor=actor, action="recruiting.call_unpublished", obj=call, entity=call.entity,
           message=gettext_noop("Call for new members withdrawn: %(call)s"), params={"call": str(call)})
    return call


def open_steps_q() -> Q:
    return Q(step__in=OPEN_STEPS)
