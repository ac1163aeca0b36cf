import pytest

from ..demo import seed
from ..models import InternalInvoice, Subcontract
from .helpers import Coop, entries_balance

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_one_invoiced_subcontract_once():
    coop = Coop("FR")
    assert seed([coop.entity]) == {"subcontracts": 1, "internal_invoices": 1}
    assert seed([coop.entity]) == {"subcontracts": 0, "internal_invoices": 0}
    s = Subcontract.objects.get()
    assert InternalInvoice.objects.get(subcontract=s).settled
    entries_balance(coop.entity)
