"""Demo data, per entity: upcoming events in each office and one for the whole cooperative, one
workshop full with a waiting list, a member's proposal waiting for validation, an upcoming
training session; a past training of the first member's office with attendance marked and a
certificate for its first member (member1@demo.coop in the demo); training requests; a mentoring
pair with a meeting. Everything goes through the services, acted by the people concerned, texts
in the entity's language. The past training is opened in the future, registered for, then moved
into the past (the services only open sessions in the future): the one write outside a service."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from compagnon.accounts.models import Role, RoleAssignment
from compagnon.members.models import Maturity, Member, MemberStatus

from . import mentoring, services, trainings
from .models import (
    Attendance,
    Event,
    EventKind,
    Level,
    MentorPair,
    RegistrationStatus,
    TrainingRequest,
)


def _at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _admin(entity):
    ra = RoleAssignment.objects.filter(entity=entity, role=Role.ADMIN).select_related("user").order_by("id").first()
    return ra.user if ra else None


def _advisor(office):
    ra = RoleAssignment.objects.filter(office=office, role=Role.ADVISOR).select_related("user").order_by("id").first()
    return ra.user if ra else None


def _people(entity, office=None) -> list[Member]:
    qs = Member.objects.filter(entity=entity, user__is_active=True).exclude(status=MemberStatus.LEFT)
    if office is not None:
        qs = qs.filter(office=office)
    return list(qs.select_related("user", "office", "entity").prefetch_related("trades").order_by("number", "id"))


def seed_demo_events(entities) -> dict:
    """Idempotent: an entity that already has events (requests, pairs) is left alone."""
    out = {"events": 0, "registrations": 0, "certificates": 0, "requests": 0, "pairs": 0}
    for entity in entities:
        admin = _admin(entity)
        people = _people(entity)
        if admin is None or len(people) < 2:
            continue
        with translation.override(entity.default_language):
            if not Event.objects.filter(entity=entity).exists():
                _agenda(entity, admin, out)
                _past_training(entity, admin, people[0], out)
            if not TrainingRequest.objects.filter(entity=entity).exists():
                out["requests"] += _requests(people)
            if not MentorPair.objects.filter(entity=entity).exists():
                out["pairs"] += _mentoring(people)
    return out


def _register(event, members, out) -> None:
    for m in members:
        services.register(actor=m.user, event=event)
        out["registrations"] += 1


def _agenda(entity, admin, out) -> None:
    offices = list(entity.offices.order_by("id"))
    for i, office in enumerate(offices):
        address = ", ".join(office.address_lines) or office.name
        services.create_event(
            actor=admin, where=office, kind=EventKind.WORKSHOP, title=_("Quotes and invoices: questions and answers"),
            description=_("Bring your questions about quotes, invoices and payments; we answer them together."),
            starts_at=_at(7 + i, 9, 30), ends_at=_at(7 + i, 12), place=address, capacity=15,
        )
        services.create_event(
            actor=admin, where=office, kind=EventKind.MEETUP, title=_("Members' evening"),
            description=_("Meet the other members of the office over a drink. Everyone brings something to share."),
            starts_at=_at(14 + i, 18, 30), ends_at=_at(14 + i, 21), place=address,
        )
        out["events"] += 2
    services.create_event(
        actor=admin, where=entity, kind=EventKind.INFO, title=_("Information session: becoming an associate"),
        description=_("What being an associate changes: shares, the general assembly, your vote."),
        starts_at=_at(21, 12, 30), ends_at=_at(21, 13, 30), online_url="https://visio.example.org/associate",
    )
    out["events"] += 1
    first = offices[0]
    local = _people(entity, first)
    if len(local) >= 3:
        full = services.create_event(
            actor=admin, where=first, kind=EventKind.WORKSHOP, title=_("Photographing my work for my website"),
            description=_("A practical morning with a photographer member: light, framing, editing on the phone."),
            starts_at=_at(10, 9), ends_at=_at(10, 12, 30), place=", ".join(first.address_lines) or first.name,
            capacity=max(1, len(local) - 2),
        )
        _register(full, local, out)
        out["events"] += 1
        services.propose_event(
            actor=local[1].user, where=first, kind=EventKind.WORKSHOP, title=_("Repair café"),
            description=_("Members who repair things help the others: bring a broken lamp, a slow computer."),
            starts_at=_at(24, 14), ends_at=_at(24, 17), place=", ".join(first.address_lines) or first.name,
        )
        out["events"] += 1
    trainer = _advisor(first) or admin
    services.create_event(
        actor=admin, where=entity, kind=EventKind.TRAINING, title=_("Pricing my work"),
        description=_("How to set a price that pays your time, your costs and the contribution."),
        starts_at=_at(12, 9), ends_at=_at(12, 12), place=", ".join(first.address_lines) or first.name, capacity=10,
        topic=_("Pricing my work"), level=Level.BEGINNER, trainer=trainer.email, hours=Decimal("3"),
    )
    out["events"] += 1


def _past_training(entity, admin, member, out) -> None:
    office = member.office
    local = [m for m in _people(entity, office) if m.pk != member.pk][:3]
    trainer = _advisor(office) or admin
    ev = services.create_event(
        actor=admin, where=office, kind=EventKind.TRAINING, title=_("Bookkeeping basics for my activity"),
        description=_("Reading the books of your activity: revenue, costs, contribution, what is left for you."),
        starts_at=_at(1, 9), ends_at=_at(1, 12, 30), place=", ".join(office.address_lines) or office.name,
        capacity=12, topic=_("Bookkeeping basics"), level=Level.BEGINNER, trainer=trainer.email,
        hours=Decimal("3.5"),
    )
    _register(ev, [member, *local], out)
    Event.objects.filter(pk=ev.pk).update(starts_at=_at(-20, 9), ends_at=_at(-20, 12, 30))  # the session took place
    regs = list(ev.registrations.filter(status=RegistrationStatus.CONFIRMED).order_by("registered_at", "id"))
    marks = {r.pk: Attendance.PRESENT for r in regs}
    if len(regs) > 2:
        marks[regs[-1].pk] = Attendance.ABSENT
    trainings.mark_attendance(actor=admin, event=ev, marks=marks)
    out["events"] += 1
    out["certificates"] += sum(1 for v in marks.values() if v == Attendance.PRESENT)


def _requests(people) -> int:
    plan = [
        (_("Pricing my work"), Level.BEGINNER), (_("Pricing my work"), Level.INTERMEDIATE),
        (_("Social media for my activity"), Level.BEGINNER), (_("Bookkeeping basics"), Level.INTERMEDIATE),
        (_("Pricing my work"), Level.BEGINNER), (_("Negotiating with clients"), Level.ADVANCED),
    ]
    made = 0
    for member, (topic, level) in zip(people, plan, strict=False):
        trainings.request_training(actor=member.user, topic=topic, level=level)
        made += 1
    return made


def _mentoring(people) -> int:
    established = [m for m in people if m.maturity == Maturity.ESTABLISHED and m.trades.all()]
    if not established:
        return 0
    mentor = established[0]
    trade = mentor.trades.all()[0]
    mentee = next((m for m in people if m != mentor and m.maturity == Maturity.NEW), None)
    mentee = mentee or next(m for m in people if m != mentor)
    mentoring.offer_mentoring(
        actor=mentor.user, trade=trade, capacity=2,
        note=_("Happy to share how I found my first clients and organise my weeks."),
    )
    req = mentoring.ask_mentor(actor=mentee.user, trade=trade, note=_("I am starting out and would like advice on prices."))
    pair = mentoring.accept_request(
        actor=mentor.user, request=req, goals=_("Set my prices; find three regular clients; plan my first year."),
    )
    mentoring.log_meeting(
        actor=mentor.user, pair=pair, date=timezone.localdate(),
        note=_("First meeting: we went through the prices of three recent quotes."),
    )
    return 1
