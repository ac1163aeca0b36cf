"""The demo: last month invoiced automatically and issued, and last year's certificate of its client."""

import pytest

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import staff
from compagnon.homeservices.demo import seed_demo_homeservices
from compagnon.homeservices.models import Certificate, FieldInvoice, FieldInvoiceState
from compagnon.payments.tests.helpers import account

from .helpers import client_of, contract_for, gardener

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_invoices_last_month_and_makes_last_years_certificate():
    member, activity = gardener()
    contract = contract_for(member, activity, client_of(activity))
    staff(Role.ACCOUNTANT, activity.entity)
    account(activity.entity)
    certificate = seed_demo_homeservices([activity])
    assert FieldInvoice.objects.get(contract=contract).state == FieldInvoiceState.ISSUED
    assert certificate is not None and certificate.amount_paid > 0 and certificate.pdf
    assert seed_demo_homeservices([activity]) == certificate  # idempotent
    assert Certificate.objects.count() == 1
