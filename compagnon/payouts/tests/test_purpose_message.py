"""A transfer without a valid purpose is refused with the list of purposes, written the way the
reader's language writes a list, and complete whatever purposes exist."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from compagnon.payouts import services
from compagnon.payouts.models import Purpose

from .factories import tomorrow

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "language, expected",
    [
        (
            "en",
            "Choose what the transfer is for: refund, expense claim, supplier payment, net salary, or advance on an "
            "invoice.",
        ),
        (
            "fr",
            "Choisissez l'objet du virement\u00a0: remboursement, note de frais, paiement fournisseur, salaire net ou "
            "avance sur facture.",
        ),
        (
            "nl",
            "Kies waarvoor de overschrijving dient: terugbetaling, onkostennota, betaling aan leverancier, nettoloon "
            "of voorschot op een factuur.",
        ),
    ],
)
def test_an_unknown_purpose_lists_every_purpose_in_the_readers_language(
    setting, language, expected
):
    batch = services.create_batch(
        actor=setting.accountant, account=setting.account, requested_execution_date=tomorrow()
    )
    with translation.override(language), pytest.raises(ValidationError) as error:
        services.add_line(
            actor=setting.accountant,
            batch=batch,
            purpose="gift",
            creditor_name="Anne Dupont",
            iban="BE15 5390 0000 0030",
            amount="10.00",
            remittance="x",
        )
    assert error.value.message_dict["purpose"] == [expected]


def test_the_list_follows_the_purposes():
    from compagnon.core.formatting import text_list

    with translation.override("fr"):
        listed, labels = text_list(Purpose.labels, "or"), [str(label) for label in Purpose.labels]
    assert all(label in listed for label in labels) and listed.count(" ou ") == 1
