"""Demo data: per entity, five topics of interest (by the administrator), the choices of a few
members (member1 and member2 among them), one newsletter sent by email (through the dummy email
backend: nothing leaves the machine) and two news items in the app — one from the advisor to
their office, one announcement of the cooperative. Everything goes through the services, acted by
the people concerned; each message is written in French, Dutch and English, so every demo user
reads their own language."""

from __future__ import annotations

from django.core.mail import get_connection

from compagnon.accounts.models import Role, RoleAssignment
from compagnon.members.models import Member, MemberStatus

from . import sending, services
from .models import Interest, Kind, Mode

TOPICS = [
    {"name_fr": "Formations", "name_nl": "Opleidingen", "name_en": "Trainings"},
    {"name_fr": "Événements de mon bureau", "name_nl": "Evenementen van mijn kantoor", "name_en": "Events in my office"},
    {"name_fr": "Actualité juridique", "name_nl": "Juridisch nieuws", "name_en": "Legal news"},
    {"name_fr": "Appels d'offres", "name_nl": "Aanbestedingen", "name_en": "Calls for tenders"},
    {"name_fr": "Vie de la coopérative", "name_nl": "Leven in de coöperatie", "name_en": "Community"},
]

NEWSLETTER = {
    "subject_fr": "La lettre du mois", "subject_nl": "De nieuwsbrief van de maand", "subject_en": "This month's letter",
    "body_fr": "Bonjour à toutes et à tous,\n\n## Au programme\n\n- **Atelier devis** jeudi à 18 h au bureau\n"
               "- Les comptes de l'an dernier sont en ligne : chacun peut les consulter\n\n"
               "Bonne lecture, et à bientôt !",
    "body_nl": "Beste allemaal,\n\n## Op het programma\n\n- **Workshop offertes** donderdag om 18 uur op het kantoor\n"
               "- De rekeningen van vorig jaar staan online: iedereen kan ze inkijken\n\nVeel leesplezier en tot snel!",
    "body_en": "Hello everyone,\n\n## Coming up\n\n- **Quotes workshop** on Thursday at 6 pm at the office\n"
               "- Last year's accounts are online: everyone can read them\n\nEnjoy, and see you soon!",
}
OFFICE_NEWS = {
    "subject_fr": "Le bureau ferme plus tôt vendredi", "subject_nl": "Het kantoor sluit vrijdag vroeger",
    "subject_en": "The office closes early on Friday",
    "body_fr": "Le bureau fermera à **16 h** vendredi. Pour une urgence, écrivez-nous depuis l'application.",
    "body_nl": "Het kantoor sluit vrijdag om **16 uur**. Bij dringende vragen: stuur ons een bericht via de app.",
    "body_en": "The office closes at **4 pm** on Friday. For anything urgent, write to us from the app.",
}
ANNOUNCEMENT = {
    "subject_fr": "Assemblée générale : réservez la date", "subject_nl": "Algemene vergadering: noteer de datum",
    "subject_en": "General assembly: save the date",
    "body_fr": "L'assemblée générale aura lieu le mois prochain. La convocation officielle suivra par e-mail.",
    "body_nl": "De algemene vergadering vindt volgende maand plaats. De officiële oproeping volgt per e-mail.",
    "body_en": "The general assembly takes place next month. The official convocation will follow by email.",
}


def _staff(entity, role):
    return RoleAssignment.objects.filter(entity=entity, role=role).select_related("user", "office").order_by("id").first()


def _members(entity) -> list[Member]:
    return list(Member.objects.filter(entity=entity).exclude(status=MemberStatus.LEFT)
                .select_related("user").order_by("id")[:8])


def seed_demo_mailings(entities) -> dict:
    """Idempotent: an entity that already has topics of interest is left alone."""
    out = {"interests": 0, "members": 0, "mailings": 0}
    for entity in entities:
        admin = _staff(entity, Role.ADMIN)
        if admin is None or Interest.objects.filter(entity=entity).exists():
            continue
        admin = admin.user
        topics = [services.save_interest(actor=admin, entity=entity, position=i, **names)
                  for i, names in enumerate(TOPICS)]
        out["interests"] += len(topics)
        out["members"] += _choices(_members(entity), topics)
        out["mailings"] += _send(admin, entity, kind=Kind.NEWSLETTER, send_email=True, publish_news=False, **NEWSLETTER)
        advisor = _staff(entity, Role.ADVISOR)
        if advisor is not None:
            out["mailings"] += _send(advisor.user, entity, kind=Kind.OFFICE, send_email=False, publish_news=True,
                                     offices=[advisor.office_id], **OFFICE_NEWS)
        out["mailings"] += _send(admin, entity, kind=Kind.ANNOUNCEMENT, send_email=False, publish_news=True,
                                 **ANNOUNCEMENT)
    return out


seed = seed_demo_mailings


def _choices(members, topics) -> int:
    plans = {
        "member1@demo.coop": ({Kind.TRADE: Mode.APP}, [0, 1, 4]),
        "member2@demo.coop": ({Kind.OFFICE: Mode.APP, Kind.NEWSLETTER: Mode.EMAIL}, [2, 3]),
    }
    done = 0
    for i, m in enumerate(members):
        modes, picks = plans.get(m.user.email, ({}, [i % len(topics)]))
        services.save_preferences(actor=m.user, member=m, modes=modes, interests=[topics[p].pk for p in picks])
        done += 1
    return done


def _send(actor, entity, **values) -> int:
    m = services.create_mailing(actor=actor, entity=entity, **values)
    services.send_now(actor=actor, mailing=m)
    sending.queue_mailing(m.pk)
    connection = get_connection("django.core.mail.backends.dummy.EmailBackend")
    while sending.send_batch(m.pk, connection=connection)["claimed"] == sending.BATCH_SIZE:
        pass
    return 1
