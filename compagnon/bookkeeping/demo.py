"""Demo bookkeeping: last year's office rent as a recurring entry, a few manual entries, then the
closing of last year for each demo entity (when nothing blocks it: what blocks is returned)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone

from compagnon.ledger.models import Account
from compagnon.ledger.services import ensure_chart

from . import closing, services
from .models import ManualEntry, RecurringTemplate, YearClosing

# The rent account accountants add (FR PCG 6132 Locations immobilières, BE/MAR 610 Loyers).
RENT_ACCOUNT = {
    "FR": ("6132", {"fr": "Locations immobilières", "nl": "Huur van gebouwen", "en": "Rent"}),
    "BE": ("610", {"fr": "Loyers et charges locatives", "nl": "Huur en huurlasten", "en": "Rent"}),
}
TEXTS = {
    "rent": {"fr": "Loyer des bureaux", "nl": "Huur van de kantoren", "en": "Office rent"},
    "landlord": {"fr": "SCI du Quai", "nl": "Vastgoed Kaai NV", "en": "Quay Properties"},
    "insurance": {
        "fr": "Assurance responsabilité civile professionnelle",
        "nl": "Beroepsaansprakelijkheidsverzekering",
        "en": "Professional liability insurance",
    },
    "insurer": {
        "fr": "Mutuelle des Coopératives",
        "nl": "Coöperatieve Verzekeringen",
        "en": "Coop Mutual",
    },
    "fees": {"fr": "Frais de tenue de compte", "nl": "Rekeningkosten", "en": "Account fees"},
    "reclass": {
        "fr": "Reclassement : petit outillage en fournitures",
        "nl": "Herclassering: klein gereedschap naar benodigdheden",
        "en": "Reclassification: small tools to supplies",
    },
}


def _t(key: str, language: str) -> str:
    texts = TEXTS[key]
    return texts.get(language) or texts["en"]


def _code(entity, role: str) -> Account:
    return Account.objects.get(entity=entity, role=role, vat_rate__isnull=True)


def _rent_account(entity) -> Account:
    code, names = RENT_ACCOUNT[entity.jurisdiction]
    account, _created = Account.objects.get_or_create(
        entity=entity,
        code=code,
        defaults={"name": names.get(entity.default_language) or names["en"], "kind": "expense"},
    )
    return account


def seed_demo_bookkeeping(entities: Iterable, accountant, *, activities: Iterable = ()) -> dict:
    """For each entity: a monthly rent recurring entry (recorded without review) from January of
    last year, three manual entries in December, then the closing of last year. Idempotent.
    Returns {entity name: "closed" or what blocked}."""
    year = timezone.localdate().year - 1
    by_entity = {}
    for activity in activities:
        by_entity.setdefault(activity.entity_id, activity)
    out = {}
    for entity in entities:
        if YearClosing.objects.filter(entity=entity, year=year).exists():
            out[entity.name] = "closed"
            continue
        ensure_chart(entity)
        lang = entity.default_language or "fr"
        bank = _code(entity, "bank")
        rent = _rent_account(entity)
        if not RecurringTemplate.objects.filter(entity=entity).exists():
            services.save_template(
                actor=accountant,
                entity=entity,
                label=_t("rent", lang),
                frequency="monthly",
                day=1,
                start_date=datetime.date(year, 1, 1),
                auto_post=True,
                lines=[
                    services.LineInput(
                        account=rent, debit=Decimal("1200.00"), third_party=_t("landlord", lang)
                    ),
                    services.LineInput(account=bank, credit=Decimal("1200.00")),
                ],
            )
        services.post_recurring_entries(today=datetime.date(year, 12, 31), actor=accountant)
        if not ManualEntry.objects.filter(entity=entity, template__isnull=True).exists():
            entries = [
                (
                    datetime.date(year, 12, 15),
                    _t("insurance", lang),
                    [
                        services.LineInput(
                            account=_code(entity, "misc_expense"),
                            debit=Decimal("864.00"),
                            third_party=_t("insurer", lang),
                        ),
                        services.LineInput(account=bank, credit=Decimal("864.00")),
                    ],
                ),
                (
                    datetime.date(year, 12, 20),
                    _t("fees", lang),
                    [
                        services.LineInput(
                            account=_code(entity, "bank_fees"), debit=Decimal("48.00")
                        ),
                        services.LineInput(account=bank, credit=Decimal("48.00")),
                    ],
                ),
            ]
            activity = by_entity.get(entity.pk)
            if activity is not None:
                entries.append(
                    (
                        datetime.date(year, 12, 22),
                        _t("reclass", lang),
                        [
                            services.LineInput(
                                account=_code(entity, "supplies"),
                                debit=Decimal("45.00"),
                                activity=activity,
                            ),
                            services.LineInput(
                                account=_code(entity, "purchases_services"),
                                credit=Decimal("45.00"),
                                activity=activity,
                            ),
                        ],
                    )
                )
            for date, label, lines in entries:
                draft = services.save_draft(
                    actor=accountant, entity=entity, date=date, label=label, lines=lines
                )
                services.validate(actor=accountant, manual_entry=draft)
        found = closing.blockers(entity, year)
        if found:
            out[entity.name] = "; ".join(b.message for b in found)
            continue
        closing.close_year(actor=accountant, entity=entity, year=year)
        out[entity.name] = "closed"
    return out
