"""Demo data of recruiting: per entity, applicants at every step of the pipeline (received,
information meeting, interview, accepted), a refused one with its reason, an information meeting
next week with sign-ups (and one the week after), the joined applicant who became a demo member;
two published calls for new members (the French gardeners' open need, Ghent's IT repair). Texts
in the entity's language, through the services. Idempotent: an entity that already has
applications is left alone."""

from __future__ import annotations

import datetime
import unicodedata

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from compagnon.accounts.models import Role, RoleAssignment
from compagnon.members.models import Member, MemberStatus, Trade
from compagnon.organisation.models import Office

from . import selectors, services
from .models import Application, Move, Step

PEOPLE = {
    "FR": [
        ("Inès", "Morvan", "gardening", "44300", "Nantes", "received"),
        ("Bastien", "Le Goff", "it-repair", "44000", "Nantes", "meeting"),
        ("Chloé", "Renaud", "gardening", "44400", "Rezé", "meeting"),
        ("Mathis", "Guérin", "carpentry", "49100", "Angers", "interview"),
        ("Sarah", "Benoît", "graphic-design", "44000", "Nantes", "accepted"),
        ("Hugo", "Perrin", "photography", "44200", "Nantes", "refused"),
    ],
    "BE": [
        ("Lotte", "Janssens", "gardening", "9000", "Gent", "received"),
        ("Wout", "Peeters", "it-repair", "9050", "Gent", "meeting"),
        ("Camille", "Dubois", "translation", "1060", "Bruxelles", "interview"),
        ("Jonas", "Maes", "carpentry", "9000", "Gent", "accepted"),
        ("Nora", "El Amrani", "catering", "1000", "Bruxelles", "refused"),
    ],
}


def seed_demo_recruiting(entities) -> dict:
    out = {"applications": 0, "meetings": 0, "calls": 0}
    for entity in entities:
        if Application.objects.filter(entity=entity).exists():
            continue
        staff = _staff(entity)
        if staff is None:
            continue
        with translation.override(entity.default_language), transaction.atomic():
            made = _seed(entity, staff)
        for key, n in made.items():
            out[key] += n
    return out


def _staff(entity):
    ra = (RoleAssignment.objects.filter(entity=entity, role=Role.ADMIN).select_related("user").order_by("id").first()
          or RoleAssignment.objects.filter(entity=entity, role=Role.ADVISOR).select_related("user").order_by("id").first())
    return ra.user if ra else None


def _advisor_of(office, fallback):
    ra = RoleAssignment.objects.filter(role=Role.ADVISOR, office=office).select_related("user").order_by("id").first()
    return ra.user if ra else fallback


def _seed(entity, admin) -> dict:
    offices = list(Office.objects.filter(entity=entity).order_by("id"))
    if not offices:
        return {}
    trades = {t.code: t for t in Trade.objects.all()}
    belgian = entity.jurisdiction == "BE"
    lang = "nl" if belgian else "fr"
    now = timezone.now()
    applications = []
    for i, (first, last, code, postcode, city, step) in enumerate(PEOPLE["BE" if belgian else "FR"]):
        trade = trades.get(code) or next(iter(trades.values()), None)
        if trade is None:
            return {}
        office = services.office_for_zone(entity, postcode, city)
        if belgian:
            office = next((o for o in offices if o.city.lower() == city.lower()), office)
        elif city == "Angers":
            office = next((o for o in offices if o.city == "Angers"), office)
        application = services.submit_application(
            entity=entity, office=office, first_name=first, last_name=last,
            email=_ascii(f"{first}.{last}") + "@example.org",
            phone=f"06{i:02d}1234{i:02d}" if not belgian else f"0470{i:02d}12{i:02d}",
            language="fr" if (not belgian or city == "Bruxelles") else lang, trades=[trade], postcode=postcode,
            city=city, zone_km=20 + 5 * i, experience=_experience(code), availability=_("Four days a week, from next month."),
            motivation=_("I want to run my own activity without being alone with the paperwork."), consent=True,
        )
        received_at = now - datetime.timedelta(days=20 - 3 * i)
        Application.objects.filter(pk=application.pk).update(created_at=received_at, step_since=received_at)
        application.moves.update(created_at=received_at)
        applications.append((application, step))
    # next week's information meeting in the first office, and one the week after in the last
    monday = timezone.localdate() + datetime.timedelta(days=7 - timezone.localdate().weekday())
    first_office, last_office = offices[0], offices[-1]
    when = timezone.make_aware(datetime.datetime.combine(monday + datetime.timedelta(days=1), datetime.time(18, 0)))
    meeting = services.create_meeting(
        actor=admin, office=first_office, starts_at=when, minutes=90, capacity=8,
        place=f"{first_office.street}, {first_office.postcode} {first_office.city}".strip(", "),
    )
    services.create_meeting(
        actor=admin, office=last_office, starts_at=when + datetime.timedelta(days=8), minutes=60, capacity=12,
        video_url="https://visio.example.org/information",
    )
    for application, step in applications:
        advisor = _advisor_of(application.office, admin)
        if step == "meeting":
            services.sign_up(meeting=meeting, application=application)
        if step in ("interview", "accepted"):
            services.move_application(actor=advisor, application=application, step="interview",
                                      note=_("Came to the information meeting; a clear project."))
        if step == "accepted":
            services.move_application(actor=advisor, application=application, step="accepted",
                                      note=_("Interview done: welcome aboard."))
        if step == "refused":
            services.refuse_application(
                actor=advisor, application=application, reason="full",
                note=_("We already have several members in this trade near you; apply again next year if you wish."),
            )
    services.add_note(actor=_advisor_of(applications[0][0].office, admin), application=applications[0][0],
                      text=_("Called back: she will sign up to the next meeting."))
    joined = _joined(entity, now)
    calls = 0
    if not belgian:
        need = next((n for n in selectors.open_needs(admin) if n.entity_id == entity.pk and n.trade), None)
        trade = need.trade if need else trades.get("gardening")
        services.publish_call(actor=admin, entity=entity, trade=trade, postcode=need.postcode if need else "44400",
                              city=need.city if need else "Rezé", requests_count=need.count if need else 2,
                              text=_("Clients ask us for garden maintenance south of the Loire: join the gardeners' team."))
        calls += 1
    elif trades.get("it-repair"):
        services.publish_call(actor=admin, entity=entity, trade=trades["it-repair"], postcode="9000", city="Gent",
                              requests_count=3,
                              text=_("Households and small businesses in Ghent wait for someone to repair their computers."))
        calls += 1
    return {"applications": len(applications) + joined, "meetings": 2, "calls": calls}


def _joined(entity, now) -> int:
    """The applicant who joined: a demo member of the entity, their application kept with its history."""
    member = (Member.objects.filter(entity=entity).exclude(status=MemberStatus.LEFT)
              .exclude(user__email__in=["member1@demo.coop", "member2@demo.coop"])
              .select_related("user", "office").order_by("-id").first())
    if member is None or Application.objects.filter(member=member).exists():
        return 0
    user = member.user
    since = now - datetime.timedelta(days=60)
    application = Application.objects.create(
        entity=entity, office=member.office, first_name=user.first_name, last_name=user.last_name, email=user.email,
        phone=user.phone, language=user.language, postcode=member.postcode or member.office.postcode,
        city=member.city or member.office.city, zone_km=20, experience=_experience(""),
        availability=_("Four days a week, from next month."), consent_at=since, step=Step.JOINED,
        step_since=now - datetime.timedelta(days=10), member=member,
    )
    Application.objects.filter(pk=application.pk).update(created_at=since)
    application.trades.set(member.trades.all()[:2] or Trade.objects.order_by("code")[:1])
    previous = ""
    for days, step in ((60, "received"), (45, "meeting"), (30, "interview"), (20, "accepted"), (10, "joined")):
        move = Move.objects.create(application=application, from_step=previous, to_step=step,
                                   by=member.advisor if previous else None)
        Move.objects.filter(pk=move.pk).update(created_at=now - datetime.timedelta(days=days))
        previous = step
    return 1


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace(" ", "")


def _experience(code: str) -> str:
    return {
        "gardening": _("Eight years as a gardener for a landscaping company; a professional diploma in horticulture."),
        "it-repair": _("Five years in a computer shop: repairs, installations, networks for small offices."),
        "carpentry": _("Cabinet maker for twelve years, now fitting kitchens and cupboards."),
        "graphic-design": _("Graphic designer in an agency for six years: logos, brochures, websites."),
        "photography": _("Wedding and corporate photographer for four years."),
        "translation": _("Sworn translator French–Dutch–English for ten years."),
        "catering": _("Cook in restaurants for nine years, now cooking for events."),
    }.get(code, _("Several years in my trade as an employee, now ready to work on my own."))
