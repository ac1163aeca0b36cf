"""Demo data: per entity, a review template; for the first members followed by an advisor
(member1@demo.coop first), appointments held and planned with notes (some shared), next steps
(one overdue, one done), a done yearly review of last year, an open appointment request; and an
absence next month with a relay when the entity has a second advisor (the demo has one advisor
per entity: then no absence is made). Everything goes through the services, acted by the people
concerned; texts in the entity's language. Seeding twice adds nothing."""

from __future__ import annotations

import datetime

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from compagnon.accounts.models import Role, RoleAssignment
from compagnon.members.models import Member, MemberStatus

from . import absences, reviews, selectors, services
from .models import Absence, Appointment, AppointmentKind, QuestionKind, ReviewTemplate, StepOwner


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _followed(entity) -> list[Member]:
    rows = list(Member.objects.filter(entity=entity, advisor__isnull=False).exclude(status=MemberStatus.LEFT)
                .select_related("user", "advisor", "office").order_by("id"))
    rows.sort(key=lambda m: m.user.email != "member1@demo.coop")
    return rows[:2]


def _admin(entity):
    ra = RoleAssignment.objects.filter(entity=entity, role=Role.ADMIN).select_related("user").order_by("id").first()
    return ra.user if ra else None


def seed_demo_advising(entities) -> dict:
    out = {"templates": 0, "appointments": 0, "steps": 0, "reviews": 0, "requests": 0, "absences": 0}
    for entity in entities:
        people = _followed(entity)
        if not people or Appointment.objects.filter(entity=entity).exists():
            continue
        with translation.override(entity.default_language):
            template = _template(entity, people[0].advisor)
            out["templates"] += 1
            for i, member in enumerate(people):
                _follow(member, template, out, first=i == 0)
            out["absences"] += _absence(entity, people[0].advisor)
    return out


seed = seed_demo_advising


def _template(entity, advisor) -> ReviewTemplate:
    figures, goals, training = _("Activity figures"), _("Goals"), _("Training needs")
    return reviews.save_template(actor=_admin(entity) or advisor, entity=entity, name=_("Yearly review"),
                                 intro=_("Once a year, we look back on the activity together and set the goals "
                                         "of the coming year."), questions=[
        {"section": figures, "label": _("Revenue of the year (excl. VAT, €)"), "kind": QuestionKind.NUMBER},
        {"section": figures, "label": _("Number of clients"), "kind": QuestionKind.NUMBER},
        {"section": figures, "label": _("What went well, what did not"), "kind": QuestionKind.LONG_TEXT},
        {"section": goals, "label": _("Goals for next year"), "kind": QuestionKind.LONG_TEXT},
        {"section": goals, "label": _("Salary aimed at (gross per month, €)"), "kind": QuestionKind.NUMBER},
        {"section": training, "label": _("Would you like a training?"), "kind": QuestionKind.YES_NO},
        {"section": training, "label": _("Which one, and why"), "kind": QuestionKind.TEXT},
    ])


def _follow(member: Member, template: ReviewTemplate, out: dict, *, first: bool) -> None:
    advisor, today = member.advisor, timezone.localdate()
    place = _("%(office)s office") % {"office": member.office.name}
    older = services.plan_appointment(actor=advisor, member=member, starts_at=_at(today - datetime.timedelta(days=75), 10),
                                      topic=_("Quarterly follow-up"), place=place)
    services.hold(actor=advisor, appointment=older, notes_shared=True, notes=_(
        "A good quarter: two new regular clients. Keep invoicing within the week of the work done."))
    recent = services.plan_appointment(actor=advisor, member=member, starts_at=_at(today - datetime.timedelta(days=20), 14),
                                       topic=_("Prices and cash"), place=place)
    services.hold(actor=advisor, appointment=recent, notes=_(
        "Prices too low for the hours spent; cash tight until the spring invoices are paid. Suggest an advance."))
    done = services.add_step(actor=advisor, member=member, appointment=recent, owner=StepOwner.MEMBER,
                             text=_("Update the price list"), due_on=today - datetime.timedelta(days=6))
    services.tick_step(actor=member.user, step=done)
    services.add_step(actor=advisor, member=member, appointment=recent, owner=StepOwner.MEMBER,
                      text=_("Send the new quote template to your advisor"), due_on=today + datetime.timedelta(days=10))
    services.add_step(actor=advisor, member=member, appointment=recent, owner=StepOwner.ADVISOR,
                      text=_("Send the list of the cooperative's insurance brokers"),
                      due_on=today - datetime.timedelta(days=3))
    out["appointments"] += 2
    out["steps"] += 3
    if first:
        services.plan_appointment(actor=advisor, member=member, starts_at=_at(today + datetime.timedelta(days=9), 10),
                                  topic=_("Follow-up: the new prices"), place=place, duration_minutes=45)
        last_year = today.year - 1
        meeting = services.plan_appointment(actor=advisor, member=member, starts_at=_at(datetime.date(last_year, 12, 4), 9),
                                            topic=_("Yearly review"), place=place, kind=AppointmentKind.REVIEW,
                                            duration_minutes=90)
        services.hold(actor=advisor, appointment=meeting)
        review = reviews.start_review(actor=advisor, member=member, year=last_year, template=template,
                                      appointment=meeting)
        ids = [str(q["id"]) for q in review.questions]
        answers = ["38500", "21", _("Regular clients came back; winter was quiet."),
                   _("Two maintenance contracts with housing associations."), "1900", "yes",
                   _("Pruning fruit trees, to offer it in winter.")]
        reviews.save_answers(actor=advisor, review=review, answers=dict(zip(ids, answers, strict=False)),
                             summary=_("A sound year. Next step: contracts for the winter months."))
        reviews.complete_review(actor=advisor, review=review)
        out["appointments"] += 2
        out["reviews"] += 1
    else:
        services.request_appointment(actor=member.user, topic=_("A question about my first invoice"),
                                     preferred=_("Tuesday or Thursday mornings"))
        out["requests"] += 1


def _absence(entity, advisor) -> int:
    """An absence of ``advisor`` next month when another advisor of the entity can relay."""
    relay = selectors.advisors_of_entities([entity.pk]).exclude(pk=advisor.pk).first()
    if relay is None or Absence.objects.filter(advisor=advisor).exists():
        return 0
    today = timezone.localdate()
    start = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    absences.declare_absence(actor=advisor, entity=entity, advisor=advisor, starts_on=start,
                             ends_on=start + datetime.timedelta(days=11), relay=relay,
                             message=_("On leave; back on the following Monday."))
    return 1
