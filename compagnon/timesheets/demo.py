"""Demo data: two weeks of believable time for one client (called from seed_demo)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from compagnon.core.demo import rng

from .models import ExpenseEntry, TimeEntry, TimesheetSettings

# Demo content is what a member would type, in their documents' language (fr, nl; en otherwise).
TASKS = {
    "gardening": (
        {
            "fr": [
                "Taille des haies",
                "Tonte de la pelouse",
                "Désherbage des massifs",
                "Taille des fruitiers",
                "Évacuation des déchets verts",
                "Plantation de vivaces",
            ],
            "nl": [
                "Haag snoeien",
                "Gras maaien",
                "Borders wieden",
                "Fruitbomen snoeien",
                "Groenafval afvoeren",
                "Vaste planten planten",
            ],
            "en": [
                "Hedge trimming",
                "Lawn mowing",
                "Weeding the beds",
                "Pruning fruit trees",
                "Green waste removal",
                "Planting perennials",
            ],
        },
        Decimal("42"),
        {"fr": "Compost et paillage", "nl": "Compost en mulch", "en": "Compost and mulch"},
        Decimal("64.80"),
    ),
    "it-repair": (
        {
            "fr": [
                "Installation d'un poste",
                "Dépannage imprimante",
                "Vérification des sauvegardes",
                "Diagnostic réseau",
                "Mises à jour logicielles",
                "Assistance téléphonique",
            ],
            "nl": [
                "Werkpost installeren",
                "Printer herstellen",
                "Back-ups controleren",
                "Netwerkdiagnose",
                "Software-updates",
                "Telefonische ondersteuning",
            ],
            "en": [
                "Workstation setup",
                "Printer troubleshooting",
                "Backup check",
                "Network diagnosis",
                "Software updates",
                "User support by phone",
            ],
        },
        Decimal("55"),
        {
            "fr": "SSD de remplacement 1 To",
            "nl": "Vervangende SSD 1 TB",
            "en": "Replacement SSD 1 TB",
        },
        Decimal("79.90"),
    ),
}
DEFAULT_TASKS = (
    {
        "fr": ["Rendez-vous client", "Travail sur site", "Préparation", "Suivi et compte rendu"],
        "nl": [
            "Afspraak met de klant",
            "Werk ter plaatse",
            "Voorbereiding",
            "Opvolging en verslag",
        ],
        "en": ["Meeting with the client", "Work on site", "Preparation", "Follow-up and reporting"],
    },
    Decimal("50"),
    {"fr": "Frais de déplacement", "nl": "Verplaatsingskosten", "en": "Travel costs"},
    Decimal("35.00"),
)
DURATIONS = [30, 45, 60, 90, 120, 150, 180, 240]


@transaction.atomic
def seed_demo_time(
    activity, client, member, *, today: datetime.date | None = None
) -> list[TimeEntry]:
    """Two weeks of weekday entries for ``client`` by ``member`` (ending today), a default hourly
    rate for the activity if it has none, and one expense to bill back. Does nothing when the
    client already has time in these two weeks (safe to call again)."""
    today = today or timezone.localdate()
    trade = getattr(activity.trade, "code", "") if activity.trade_id else ""
    task_texts, rate, expense_texts, expense_amount = TASKS.get(trade, DEFAULT_TASKS)
    language = client.language or activity.document_language
    tasks = task_texts.get(language, task_texts["en"])
    expense_text = expense_texts.get(language, expense_texts["en"])
    TimesheetSettings.objects.get_or_create(activity=activity, defaults={"hourly_rate": rate})
    random = rng(activity.pk * 1000 + client.pk)
    start = today - datetime.timedelta(days=13)
    if TimeEntry.objects.filter(activity=activity, client=client, date__gte=start).exists():
        return []
    entries = []
    for back in range(13, -1, -1):
        day = today - datetime.timedelta(days=back)
        if day.weekday() >= 5 or random.random() < 0.2:
            continue
        for _n in range(random.choice([1, 1, 2])):
            entries.append(
                TimeEntry(
                    activity=activity,
                    client=client,
                    member=member,
                    date=day,
                    duration=random.choice(DURATIONS),
                    description=random.choice(tasks),
                    billable=random.random() > 0.1,
                )
            )
    TimeEntry.objects.bulk_create(entries)
    if not ExpenseEntry.objects.filter(activity=activity, client=client).exists():
        standard = activity.entity.rules.vat_rates[0].rate
        ExpenseEntry.objects.create(
            activity=activity,
            client=client,
            date=today - datetime.timedelta(days=6),
            description=expense_text,
            amount=expense_amount,
            vat_rate=standard,
        )
    return entries
