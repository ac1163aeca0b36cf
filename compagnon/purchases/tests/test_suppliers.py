"""Suppliers per entity: identifiers and IBAN checked, found again from an e-invoice, shared by the
members, changed by the accountants only."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from compagnon.core.tests.factories import member_with_activity
from compagnon.purchases import services, suppliers
from compagnon.purchases.models import Supplier

from .factories import example
from .workflow_helpers import cooperative

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("values, field", [
    ({"country": "FR", "company_number": "732829321"}, "company_number"),  # SIREN: Luhn fails
    ({"country": "FR", "company_number": "73282932000075"}, "company_number"),  # SIRET: Luhn fails
    ({"country": "BE", "company_number": "0403019262"}, "company_number"),  # KBO: mod 97 fails
    ({"country": "DE", "vat_number": "DE12345678"}, "vat_number"),  # German VAT: 9 digits
    ({"country": "FR", "vat_number": "FR00732829320"}, "vat_number"),  # wrong check characters
    ({"iban": "FR7630004000031234567890144"}, "iban"),  # mod 97 fails
    ({"bic": "BNPA"}, "bic"),
])
def test_identifiers_and_iban_are_checked(values, field):
    coop = cooperative()
    with pytest.raises(ValidationError) as exc:
        suppliers.save_supplier(actor=coop["camille"].user, entity=coop["entity"], name="Atelier", **values)
    assert field in exc.value.message_dict


def test_a_member_adds_a_supplier_normalised_but_only_accountants_change_it():
    coop = cooperative()
    supplier = suppliers.save_supplier(
        actor=coop["camille"].user, entity=coop["entity"], name="  Atelier   Nord ", country="BE",
        company_number="0403.019.261", vat_number="be 0403 019 261", iban="be71 0961 2345 6769", payment_days=15)
    assert (supplier.name, supplier.company_number, supplier.vat_number, supplier.iban) == (
        "Atelier Nord", "0403019261", "BE0403019261", "BE71096123456769")
    with pytest.raises(ValidationError) as exc:  # the same number twice
        suppliers.save_supplier(actor=coop["yanis"].user, entity=coop["entity"], name="Atelier du Nord",
                                country="BE", vat_number="BE0403019261")
    assert "Atelier Nord" in str(exc.value)
    with pytest.raises(PermissionDenied):  # an IBAN decides who is paid
        suppliers.save_supplier(actor=coop["camille"].user, supplier=supplier, entity=None, name="Atelier Nord",
                                iban="FR7630004000031234567890143")
    supplier = suppliers.save_supplier(actor=coop["accountant"], supplier=supplier, entity=None, name="Atelier Nord",
                                       country="BE", company_number="0403019261", iban="FR7630004000031234567890143")
    assert supplier.iban == "FR7630004000031234567890143"


def test_another_entity_cannot_add_to_ours():
    coop = cooperative()
    stranger, _activity = member_with_activity()
    with pytest.raises(PermissionDenied):
        suppliers.save_supplier(actor=stranger.user, entity=coop["entity"], name="Atelier")


def test_an_e_invoice_finds_its_supplier_or_adds_it():
    member, activity = member_with_activity()
    first = services.receive_supplier_invoice(actor=member.user, activity=activity,
                                              data=example("peppol/base-example.xml"), filename="a.xml")
    assert first.supplier is not None and first.supplier.entity_id == activity.entity_id
    assert Supplier.objects.filter(entity=activity.entity).count() == 1
    again = services.receive_supplier_invoice(actor=member.user, activity=activity,
                                              data=example("peppol/base-creditnote-correction.xml"),
                                              filename="b.xml")
    if again.supplier_vat_id == first.supplier_vat_id:
        assert again.supplier_id == first.supplier_id
    assert suppliers.find(activity.entity_id, name=first.supplier_name.upper()) == first.supplier
