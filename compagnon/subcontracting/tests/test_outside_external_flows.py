"""Internal invoices never reach the entity's external flows: the VAT return of the period, the
e-reports and e-invoices (built from sales documents), the client-facing sales lists — only the
books (and so the FEC, which exports every real entry) know them."""


import pytest
from django.utils import timezone

from compagnon.ereporting import builder
from compagnon.ereporting.models import ReportKind
from compagnon.sales.models import Document
from compagnon.vatreturns import compute, periods

from .. import services
from ..models import InternalInvoice
from .helpers import Coop

pytestmark = pytest.mark.django_db


def _external(entity):
    today = timezone.localdate()
    out = {}
    for form in compute.forms_for(entity):
        for kind in ("month", "quarter", "year"):
            if compute.check_period(form, periods.containing(today, kind)):
                out[(form, kind)] = compute.figures(entity, form, periods.containing(today, kind)).as_dict()
    start = today.replace(day=1)
    for kind in ReportKind.values:
        out[kind] = builder.figures_for(entity, kind, start, today).as_json()
    out["documents"] = list(Document.objects.filter(entity=entity).values_list("id", "kind", "state", "tax_exclusive"))
    return out


@pytest.mark.parametrize("country", ["FR", "BE"])
def test_vat_returns_e_reports_and_sales_documents_ignore_internal_invoices(country):
    coop = Coop(country)
    paid = coop.issue_client(coop.invoice_draft("1000"))
    coop.pay(paid, str(paid.payable))
    before = _external(coop.entity)
    assert any(v for k, v in before.items() if isinstance(k, tuple))  # there is a return to compare

    s = coop.accept(coop.ask("400"))
    invoice = services.issue_by_hand(actor=coop.b_member.user, subcontract=s)
    services.cancel(actor=coop.b_member.user, invoice=invoice)
    services.issue_by_hand(actor=coop.c_member.user, subcontract=services.accept(
        actor=coop.c_member.user, subcontract=coop.ask("150", provider=coop.c)))
    assert InternalInvoice.objects.filter(entity=coop.entity).count() == 3

    assert _external(coop.entity) == before
    # nothing internal was booked in the sales or purchases journals, nor on VAT, client or bank accounts
    from compagnon.ledger.models import EntryLine

    internal = EntryLine.objects.filter(entry__source_type="subcontracting.subcontract")
    assert set(internal.values_list("journal__role", flat=True)) == {"misc"}
    roles = set(internal.values_list("account__role", flat=True))
    assert not roles & {"vat_collected", "vat_deductible", "receivable", "receivable_doubtful", "bank", "supplier"}
