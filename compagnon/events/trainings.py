"""Trainings: members ask for a topic and a level; staff open sessions (events of kind
"training", made by ``services.create_event``), mark attendance, and present attendees get a
certificate of attendance whose content is frozen when first issued."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.members.models import Member
from compagnon.permissions import scope_for

from .models import (
    Attendance,
    Certificate,
    Event,
    EventStatus,
    Level,
    Registration,
    RegistrationStatus,
    TrainingRequest,
    TrainingRequestStatus,
    TrainingTopic,
)


def topic_named(entity, name: str) -> TrainingTopic:
    """The entity's topic of that name (case aside), made when new."""
    name = " ".join((name or "").split())[:120]
    if not name:
        raise ValidationError({"topic": _("Give the topic of the training.")})
    found = TrainingTopic.objects.filter(entity=entity, name__iexact=name).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return TrainingTopic.objects.create(entity=entity, name=name)
    except IntegrityError:  # someone named it at the same moment
        return TrainingTopic.objects.get(entity=entity, name__iexact=name)


@transaction.atomic
def request_training(*, actor, topic: str, level: str, note: str = "") -> TrainingRequest:
    """A member asks for a training on ``topic`` at ``level``. Asking twice keeps one request."""
    require(actor, "events.request_training")
    s = scope_for(actor)
    member = Member.objects.select_related("entity").get(pk=s.member_id)
    if level not in Level.values:
        raise ValidationError({"level": _("Choose the level of the training.")})
    t = topic_named(member.entity, topic)
    existing = TrainingRequest.objects.filter(member=member, topic=t, level=level, status=TrainingRequestStatus.OPEN)
    if (found := existing.first()) is not None:
        return found
    req = TrainingRequest.objects.create(
        entity=member.entity, member=member, topic=t, level=level, note=(note or "").strip()[:300]
    )
    record(
        actor=actor, action="events.training_requested", obj=req, entity=member.entity, member=member,
        message=gettext_noop("Training asked for: %(topic)s (%(level)s)"),
        params={"topic": t.name, "level": Level(level).label},
    )
    return req


@transaction.atomic
def withdraw_training_request(*, actor, request: TrainingRequest) -> TrainingRequest:
    req = TrainingRequest.objects.select_for_update(of=("self",)).select_related("topic").get(pk=request.pk)
    if req.member_id != scope_for(actor).member_id:
        raise PermissionDenied(_("Only the member who asked withdraws the request."))
    if req.status == TrainingRequestStatus.OPEN:
        req.status = TrainingRequestStatus.WITHDRAWN
        req.save(update_fields=["status"])
    return req


# --- attendance and certificates ---------------------------------------------------------------


@transaction.atomic
def mark_attendance(*, actor, event: Event, marks: dict) -> int:
    """Mark registered people present or absent: ``marks`` is {registration id: "present",
    "absent" or "" (not marked)}. Present at a training: a certificate, and their open requests
    for the topic are met. Returns how many marks changed."""
    ev = Event.objects.select_for_update(of=("self",)).select_related("entity", "topic", "trainer").get(pk=event.pk)
    require(actor, "events.mark_attendance", ev)
    if ev.status != EventStatus.PUBLISHED:
        raise ValidationError({"attendance": _("Attendance is marked on a published event only.")})
    if ev.starts_at > timezone.now():
        raise ValidationError({"attendance": _("Attendance is marked once the event has started.")})
    wanted = {}
    for pk, value in marks.items():
        if value not in ("", Attendance.PRESENT, Attendance.ABSENT):
            raise ValidationError({"attendance": _("Mark each person present or absent.")})
        wanted[int(pk)] = value
    regs = list(
        Registration.objects.select_for_update(of=("self",))
        .filter(event=ev, status=RegistrationStatus.CONFIRMED, pk__in=list(wanted))
        .select_related("member__user", "member__entity")
    )
    if len(regs) != len(wanted):
        raise ValidationError({"attendance": _("Some of these people are not registered for this event.")})
    now, changed = timezone.now(), []
    for reg in regs:
        if reg.attendance != wanted[reg.pk]:
            reg.attendance, reg.attendance_by, reg.attendance_at = wanted[reg.pk], actor, now
            changed.append(reg)
    Registration.objects.bulk_update(changed, ["attendance", "attendance_by", "attendance_at"])
    present = [r for r in changed if r.attendance == Attendance.PRESENT]
    if ev.is_training and present:
        for reg in present:
            reg.event = ev
            _ensure_certificate(reg, actor)
        TrainingRequest.objects.filter(
            member_id__in=[r.member_id for r in present], topic_id=ev.topic_id, status=TrainingRequestStatus.OPEN
        ).update(status=TrainingRequestStatus.MET, fulfilled_by=ev)
    if changed:
        record(
            actor=actor, action="events.attendance_marked", obj=ev, entity=ev.entity,
            message=gettext_noop("Attendance of “%(title)s” marked: %(present)s present, %(absent)s absent"),
            params={
                "title": ev.title,
                "present": sum(1 for r in changed if r.attendance == Attendance.PRESENT),
                "absent": sum(1 for r in changed if r.attendance == Attendance.ABSENT),
            },
        )
    return len(changed)


def certificate_content(reg: Registration) -> dict:
    ev, member = reg.event, reg.member
    entity = ev.entity
    return {
        "language": member.user.language or entity.default_language,
        "reference": f"ATT-{ev.pk}-{reg.pk}",
        "name": str(member.user),
        "number": member.number,
        "title": ev.title,
        "topic": ev.topic.name if ev.topic else "",
        "level": ev.level,
        "starts": timezone.localdate(ev.starts_at).isoformat(),
        "ends": timezone.localdate(ev.ends_at).isoformat(),
        "hours": str(ev.hours or ""),
        "trainer": str(ev.trainer) if ev.trainer else "",
        "place": ev.place,
        "entity": {
            "name": entity.name,
            "legal_name": entity.legal_name,
            "address": entity.address_lines,
            "company_number": entity.formatted_company_number,
            "city": entity.city,
        },
        "issued_on": timezone.localdate().isoformat(),
    }


def _ensure_certificate(reg: Registration, actor) -> Certificate:
    found = Certificate.objects.filter(registration=reg).first()
    if found is not None:
        return found
    cert = Certificate.objects.create(
        registration=reg, issued_at=timezone.now(), issued_by=actor, content=certificate_content(reg)
    )
    record(
        actor=actor, action="events.certificate_issued", obj=cert, entity=reg.event.entity, member=reg.member,
        message=gettext_noop("Certificate of attendance issued: %(title)s"), params={"title": reg.event.title},
    )
    return cert


@transaction.atomic
def certificate_for(*, actor, registration: Registration) -> Certificate:
    """The certificate of a present attendee of a training (issued now when it is the first
    time). The attendee and staff get it."""
    reg = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("event__entity", "event__topic", "event__trainer", "member__user", "member__office",
                        "member__entity")
        .get(pk=registration.pk)
    )
    require(actor, "events.view_certificate", reg)
    if not reg.event.is_training or reg.attendance != Attendance.PRESENT or reg.status != RegistrationStatus.CONFIRMED:
        raise ValidationError({"attendance": _("A certificate is given to people present at a training.")})
    return _ensure_certificate(reg, actor)
