"""Demo bank accounts: each demo entity gets its current account (its own IBAN and BIC) with the
CSV columns of a typical export in the entity's language, through the services, acting as the
entity's first administrator."""

from __future__ import annotations

from collections.abc import Iterable

from compagnon.accounts.models import Role, RoleAssignment

from . import services
from .models import BankAccount

NAMES = {"fr": "Compte courant", "nl": "Zichtrekening", "en": "Current account"}
CSV_COLUMNS = {
    "fr": {
        "booking_date": "Date comptable",
        "value_date": "Date valeur",
        "amount": "Montant",
        "counterparty_name": "Contrepartie",
        "counterparty_iban": "Compte contrepartie",
        "remittance": "Communication",
        "bank_reference": "Référence",
    },
    "nl": {
        "booking_date": "Boekingsdatum",
        "value_date": "Valutadatum",
        "amount": "Bedrag",
        "counterparty_name": "Naam tegenpartij",
        "counterparty_iban": "Rekening tegenpartij",
        "remittance": "Mededeling",
        "bank_reference": "Referentie",
    },
}


def seed_demo_banking(entities: Iterable) -> int:
    """One current account per demo entity that has an IBAN. Idempotent; returns how many
    accounts were created."""
    created = 0
    for entity in entities:
        if (
            not entity.iban
            or BankAccount.objects.filter(iban=entity.iban.replace(" ", "").upper()).exists()
        ):
            continue
        admin = (
            RoleAssignment.objects.filter(role=Role.ADMIN, entity=entity)
            .select_related("user")
            .order_by("id")
            .first()
        )
        if admin is None:
            continue
        language = entity.default_language if entity.default_language in NAMES else "fr"
        account = services.create_bank_account(
            actor=admin.user,
            entity=entity,
            name=NAMES[language],
            iban=entity.iban,
            bic=entity.bic,
        )
        services.save_csv_mapping(
            actor=admin.user,
            account=account,
            delimiter=";",
            encoding="utf-8",
            date_format="%d/%m/%Y",
            decimal_comma=True,
            **CSV_COLUMNS.get(language, CSV_COLUMNS["fr"]),
        )
        created += 1
    return created
