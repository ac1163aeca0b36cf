"""A member enters a supplier invoice beside its file, approves it; above the threshold an advisor
or accountant approves too; it is booked, paid by transfer, and the bank's settlement marks it paid."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from compagnon.ledger.models import Entry
from compagnon.organisation.models import Entity
from compagnon.payouts import services as payouts
from compagnon.payouts.models import PayoutLine
from compagnon.payouts.signals import line_returned, line_settled
from compagnon.payouts.tests.factories import BankAccountFactory, tomorrow
from compagnon.purchases import workflow
from compagnon.purchases.ledger_checks import supplier_invoices_posted_once
from compagnon.purchases.models import PurchaseSettings, SupplierInvoiceState

from .workflow_helpers import booked, cooperative, paper_invoice, photo

pytestmark = pytest.mark.django_db
S = SupplierInvoiceState


def test_a_photo_is_kept_as_a_draft_and_completed_beside_it():
    coop = cooperative()
    invoice = workflow.enter_paper_invoice(actor=coop["camille"].user, activity=coop["activity"],
                                           uploaded_file=photo())
    assert invoice.state == S.DRAFT and invoice.is_paper and invoice.file_type == "image/jpeg"
    with pytest.raises(ValidationError) as exc:
        workflow.approve(actor=coop["camille"].user, invoice=invoice)
    assert {"supplier", "category", "number", "amount"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        workflow.save_details(actor=coop["camille"].user, invoice=invoice, number="F1",
                              issue_date=timezone.localdate(), vat_rows=[("20", "100.00", "25.00")])
    assert "vat_0" in exc.value.message_dict  # 25.00 is not 20 % of 100.00
    invoice = paper_invoice(coop)
    assert (invoice.tax_exclusive, invoice.tax_total, invoice.tax_inclusive) == (
        Decimal("100.00"), Decimal("20.00"), Decimal("120.00"))
    assert invoice.supplier_iban == coop["supplier"].iban


def test_the_same_photo_twice_is_refused():
    coop = cooperative()
    workflow.enter_paper_invoice(actor=coop["camille"].user, activity=coop["activity"], uploaded_file=photo(7))
    with pytest.raises(ValidationError) as exc:
        workflow.enter_paper_invoice(actor=coop["camille"].user, activity=coop["activity"], uploaded_file=photo(7))
    assert "file" in exc.value.message_dict


def test_the_member_approves_and_it_is_booked_with_the_activity():
    coop = cooperative()
    invoice = paper_invoice(coop, approve=True)
    assert invoice.state == S.APPROVED
    activity = coop["activity"].pk
    assert booked(invoice.entry) == {("606", Decimal("100.00"), Decimal("0"), activity),
                                     ("44566", Decimal("20.00"), Decimal("0"), activity),
                                     ("401", Decimal("0"), Decimal("120.00"), activity)}
    assert invoice.entry.journal.code == "AC"
    # due date from the entity's default terms (30 days) when the invoice gives none
    assert invoice.due_date == invoice.issue_date + datetime.timedelta(days=30)


def test_several_vat_rates_and_non_deductible_vat():
    coop = cooperative()
    invoice = paper_invoice(coop, rows=[("20", "100.00", "20.00"), ("5.5", "40.00", "2.20")], approve=True)
    assert booked(invoice.entry) >= {("44566", Decimal("22.20"), Decimal("0"), coop["activity"].pk),
                                     ("401", Decimal("0"), Decimal("162.20"), coop["activity"].pk)}
    meal = paper_invoice(coop, category="hospitality", number="R-9", approve=True)
    assert {code for code, *_ in booked(meal.entry)} == {"6257", "401"}  # the VAT stays in the cost


def test_equipment_above_the_threshold_is_a_fixed_asset():
    coop = cooperative()
    laptop = paper_invoice(coop, category="computers", rows=[("20", "1200.00", "240.00")], approve=True)
    assert laptop.state == S.TO_APPROVE  # 1,440 € is above the 1,000 € of the second approval
    laptop = workflow.approve(actor=coop["accountant"], invoice=laptop)
    assert ("2183", Decimal("1200.00"), Decimal("0"), coop["activity"].pk) in booked(laptop.entry)
    mouse = paper_invoice(coop, category="computers", number="F-2", rows=[("20", "30.00", "6.00")], approve=True)
    assert ("6063", Decimal("30.00"), Decimal("0"), coop["activity"].pk) in booked(mouse.entry)


def test_belgian_accounts():
    coop = cooperative(belgian=True)
    PurchaseSettings.objects.create(entity=coop["entity"], second_approval_above=Decimal("5000"))
    drill = paper_invoice(coop, category="equipment", rows=[("21", "800.00", "168.00")], approve=True)
    assert {code for code, *_ in booked(drill.entry)} == {"2300", "411", "440"}


def test_above_the_threshold_a_second_person_approves_never_the_same():
    coop = cooperative()
    invoice = paper_invoice(coop, rows=[("20", "1000.00", "200.00")], approve=True)
    assert invoice.state == S.TO_APPROVE and invoice.entry is None
    with pytest.raises(PermissionDenied):
        workflow.approve(actor=coop["camille"].user, invoice=invoice)
    with pytest.raises(PermissionDenied):  # another member of the office is no reviewer
        workflow.approve(actor=coop["yanis"].user, invoice=invoice)
    invoice = workflow.approve(actor=coop["advisor"], invoice=invoice)
    assert invoice.state == S.APPROVED and invoice.entry is not None
    assert invoice.approved_by == coop["advisor"] and invoice.member_approved_by == coop["camille"].user


def test_refused_with_a_reason_corrected_and_approved_again():
    coop = cooperative()
    invoice = paper_invoice(coop, rows=[("20", "1000.00", "200.00")], approve=True)
    with pytest.raises(ValidationError):
        workflow.refuse(actor=coop["accountant"], invoice=invoice, reason="no")
    invoice = workflow.refuse(actor=coop["accountant"], invoice=invoice,
                              reason="This is the quote, not the invoice: add the invoice.")
    assert invoice.state == S.REFUSED and invoice.member_approved_by is None
    invoice = workflow.save_details(actor=coop["camille"].user, invoice=invoice, supplier=coop["supplier"],
                                    category="supplies", number="F-2026-001b",
                                    issue_date=invoice.issue_date, vat_rows=[("20", "500.00", "100.00")])
    invoice = workflow.approve(actor=coop["camille"].user, invoice=invoice)
    assert invoice.state == S.APPROVED and invoice.refusal_reason == ""


def test_a_credit_note_posts_the_mirror_and_a_cancelled_invoice_is_reversed():
    coop = cooperative()
    note = paper_invoice(coop, kind="credit_note", number="AV-1", rows=[("20", "10.00", "2.00")], approve=True)
    activity = coop["activity"].pk
    assert booked(note.entry) == {("606", Decimal("0"), Decimal("10.00"), activity),
                                  ("44566", Decimal("0"), Decimal("2.00"), activity),
                                  ("401", Decimal("12.00"), Decimal("0"), activity)}
    invoice = paper_invoice(coop, number="F-9", approve=True)
    with pytest.raises(PermissionDenied):  # booked: only the bookkeeping staff cancel it
        workflow.cancel(actor=coop["camille"].user, invoice=invoice, reason="ordered twice")
    invoice = workflow.cancel(actor=coop["accountant"], invoice=invoice, reason="Ordered twice, see F-8.")
    assert invoice.state == S.CANCELLED
    assert Entry.objects.filter(source_type="purchases.supplierinvoice", source_id=invoice.pk).count() == 2
    entities = Entity.objects.filter(pk=coop["entity"].pk)
    assert list(supplier_invoices_posted_once(entities)) == []
    Entry.objects.filter(pk=note.entry_id).update(source_id=invoice.pk + 1000)  # an entry lost its invoice
    assert len(list(supplier_invoices_posted_once(entities))) == 2


def test_paid_by_transfer_and_settled_by_the_bank():
    coop = cooperative()
    invoice = paper_invoice(coop, approve=True)
    account = BankAccountFactory(entity=coop["entity"], iban="FR7630006000011234567890189", bic="AGRIFRPP")
    batch = payouts.create_batch(actor=coop["accountant"], account=account, requested_execution_date=tomorrow())
    assert list(workflow.to_pay([coop["entity"].pk])) == [invoice]
    with pytest.raises(PermissionDenied):
        workflow.add_to_batch(actor=coop["camille"].user, batch=batch, invoices=[invoice])
    [invoice] = workflow.add_to_batch(actor=coop["accountant"], batch=batch, invoices=[invoice])
    line = invoice.payout_line
    assert invoice.state == S.IN_BATCH and line.amount == Decimal("120.00")
    assert line.iban == coop["supplier"].iban and line.purpose == "supplier"
    assert line.debit_account.code == "401" and line.activity_id == coop["activity"].pk
    assert line.remittance.endswith(" F-2026-001")  # "Invoice …" in the cooperative's language
    assert list(workflow.to_pay([coop["entity"].pk])) == []
    with pytest.raises(ValidationError):  # not twice
        workflow.add_to_batch(actor=coop["accountant"], batch=batch, invoices=[invoice])
    line_settled.send(sender=PayoutLine, line=line, transaction=None)
    invoice.refresh_from_db()
    assert invoice.state == S.PAID and invoice.paid_at is not None
    line_settled.send(sender=PayoutLine, line=line, transaction=None)  # idempotent
    line_returned.send(sender=PayoutLine, line=line, transaction=None, reason="account closed")
    invoice.refresh_from_db()
    assert invoice.state == S.APPROVED and invoice.payout_line is None


def test_a_cancelled_batch_gives_the_invoice_back_to_pay():
    coop = cooperative()
    invoice = paper_invoice(coop, approve=True)
    account = BankAccountFactory(entity=coop["entity"], iban="FR7630006000011234567890189", bic="AGRIFRPP")
    batch = payouts.create_batch(actor=coop["accountant"], account=account, requested_execution_date=tomorrow())
    workflow.add_to_batch(actor=coop["accountant"], batch=batch, invoices=[invoice])
    payouts.cancel(actor=coop["accountant"], batch=batch)
    invoice.refresh_from_db()
    assert invoice.status == S.APPROVED and list(workflow.to_pay([coop["entity"].pk])) == [invoice]


def test_structured_reference_is_sent_as_such():
    coop = cooperative(belgian=True)
    invoice = paper_invoice(coop, rows=[("21", "100.00", "21.00")])
    invoice = workflow.save_details(actor=coop["camille"].user, invoice=invoice, supplier=coop["supplier"],
                                    category="supplies", number="VB-1", issue_date=invoice.issue_date,
                                    vat_rows=[("21", "100.00", "21.00")], payment_reference="+++090/9337/55493+++")
    invoice = workflow.approve(actor=coop["camille"].user, invoice=invoice)
    account = BankAccountFactory(entity=coop["entity"])
    batch = payouts.create_batch(actor=coop["accountant"], account=account, requested_execution_date=tomorrow())
    [invoice] = workflow.add_to_batch(actor=coop["accountant"], batch=batch, invoices=[invoice])
    assert (invoice.payout_line.remittance_kind, invoice.payout_line.remittance) == ("ogm", "090933755493")


@pytest.mark.parametrize("belgian", [False, True])
def test_demo_invoices_in_every_state(belgian):
    from compagnon.purchases.demo import seed_demo_workflow

    coop = cooperative(belgian=belgian)
    BankAccountFactory(entity=coop["entity"], **({} if belgian else {"iban": "FR7630006000011234567890189",
                                                                    "bic": "AGRIFRPP"}))
    made = seed_demo_workflow([coop["activity"]])
    states = set(coop["activity"].supplier_invoices.values_list("state", flat=True))
    assert made["invoices"] == 5 and {"approved", "to_approve", "refused", "draft", "in_batch"} <= states
    entities = Entity.objects.filter(pk=coop["entity"].pk)
    assert list(supplier_invoices_posted_once(entities)) == []


def test_an_e_invoice_is_approved_with_what_its_file_says():
    from compagnon.purchases import services

    from .factories import example

    coop = cooperative()
    PurchaseSettings.objects.create(entity=coop["entity"], second_approval_above=Decimal("100000"))
    invoice = services.receive_supplier_invoice(actor=coop["camille"].user, activity=coop["activity"],
                                                data=example("peppol/Vat-category-S.xml"), filename="s.xml")
    assert invoice.supplier is not None  # found again or added from the seller's identifiers
    invoice = workflow.save_details(actor=coop["camille"].user, invoice=invoice, category="subcontracting",
                                    number="changed?", vat_rows=[("20", "1.00", "0.20")])
    assert invoice.number != "changed?" and invoice.vat_lines.count() >= 1  # the file's amounts stay
    invoice = workflow.approve(actor=coop["camille"].user, invoice=invoice)
    lines = booked(invoice.entry)
    credit = sum(c for _code, _d, c, _a in lines)
    assert credit == invoice.tax_inclusive and {code for code, *_ in lines} >= {"604", "401"}
