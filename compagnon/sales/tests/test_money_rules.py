"""Money rules of issue 9: no negative documents, zero invoices, credit-note ceilings per rate,
"not subject to VAT" never mixed with other categories."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from compagnon.einvoice.tests import scenarios
from compagnon.ledger.checks import registered
from compagnon.ledger.models import Entry
from compagnon.organisation.models import Entity
from compagnon.sales import services
from compagnon.sales.models import Kind, PaymentState

pytestmark = pytest.mark.django_db

line = scenarios._line


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def shop():
    member, activity = scenarios.seller("FR")
    return member, activity, scenarios.business_client(activity, "FR")


def _draft(shop, lines, kind=Kind.INVOICE, **fields):
    member, activity, client = shop
    return services.create_document(actor=member.user, activity=activity, client=client, kind=kind,
                                    lines=lines, **fields)


def _books_problems(entity):
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("ledger_checks")  # as check_books does
    entities = Entity.objects.filter(pk=entity.pk)
    return [p for check in registered() for p in check(entities)]


# --- no negative invoice --------------------------------------------------------------------------


def test_an_invoice_whose_lines_add_up_below_zero_is_refused_when_saved(shop):
    with pytest.raises(ValidationError) as exc:
        _draft(shop, [line("Refund", "-1", "100")])
    message = exc.value.message_dict["lines"][0]
    assert "below zero" in message and "credit note" in message


def test_a_discount_larger_than_the_lines_is_refused_on_the_discount(shop):
    draft = _draft(shop, [line("Work", "1", "100")])
    with pytest.raises(ValidationError) as exc:
        services.save_draft(actor=shop[0].user, document=draft, discount_amount=D("150"))
    assert "larger than the lines" in exc.value.message_dict["discount_amount"][0]
    draft.refresh_from_db()
    assert draft.discount_amount == 0


def test_a_negative_deposit_is_refused_too(shop):
    with pytest.raises(ValidationError) as exc:
        _draft(shop, [line("Deposit", "1", "-50")], kind=Kind.DEPOSIT)
    assert "lines" in exc.value.message_dict


def test_issuing_refuses_a_negative_invoice_saved_before_the_rule(shop):
    draft = _draft(shop, [line("Work", "1", "100")])
    draft.lines.update(quantity=D("-1"))  # as an older draft may be
    with pytest.raises(ValidationError) as exc:
        services.issue_document(actor=shop[0].user, document=draft)
    assert any("below zero" in m for m in exc.value.message_dict["lines"])
    draft.refresh_from_db()
    assert draft.is_draft and not draft.number


def test_the_api_answers_400_naming_the_field(shop, client):
    from compagnon.core.tests.factories import api_token_for

    member, activity, customer = shop
    response = client.post("/api/v1/documents/", {
        "activity": activity.pk, "client": customer.pk, "kind": "invoice",
        "lines": [{"description": "Refund", "quantity": "-1", "unit_price": "100", "vat_category": "S",
                   "vat_rate": "20"}],
    }, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {api_token_for(member.user)}")
    assert response.status_code == 400
    assert "lines" in response.json()["error"]["fields"]


# --- zero invoices ----------------------------------------------------------------------------


def test_a_zero_invoice_is_issued_paid_with_no_entry_and_the_books_stay_right(shop):
    draft = _draft(shop, [line("Free first visit", "1", "80")], discount_percent=D("100"))
    invoice = services.issue_document(actor=shop[0].user, document=draft)
    invoice.refresh_from_db()
    assert invoice.number and invoice.tax_inclusive == 0 and invoice.payable == 0
    assert invoice.payment_state == PaymentState.PAID and invoice.paid_amount == 0
    assert not Entry.objects.filter(source_id=invoice.pk, kind="issue").exists()
    problems = [p for p in _books_problems(invoice.entity) if "entries instead" in p]
    assert problems == []


def test_the_books_check_still_wants_one_entry_for_a_real_invoice(shop):
    invoice = services.issue_document(actor=shop[0].user, document=_draft(shop, [line("Work", "1", "100")]))
    Entry.objects.filter(source_id=invoice.pk, kind="issue").update(kind="other")
    assert any("0 entries instead of 1" in p for p in _books_problems(invoice.entity))


# --- "not subject to VAT" ---------------------------------------------------------------------


def test_not_subject_to_vat_mixed_with_other_categories_is_refused_before_issue_in_plain_words(shop):
    draft = _draft(shop, [line("Work", "1", "100"), line("Membership fee", "1", "20", category="O", rate="0")])
    with pytest.raises(ValidationError) as exc:
        services.issue_document(actor=shop[0].user, document=draft)
    assert exc.value.message_dict["lines"][0].startswith("Lines “outside the scope of VAT” (not subject to VAT)")


def test_the_e_invoice_explanation_says_the_o_rule_first_once_on_the_lines():
    from compagnon.einvoice import explain
    from compagnon.einvoice.validation import FiredRule

    fired = [
        FiredRule("EN16931-CII", "fatal", "BR-S-08", "/rsm:CrossIndustryInvoice", "VAT amounts"),
        FiredRule("EN16931-CII", "fatal", "BR-O-12", "/rsm:CrossIndustryInvoice", "An Invoice with O..."),
        FiredRule("EN16931-CII", "fatal", "BR-O-11", "/rsm:CrossIndustryInvoice", "An Invoice with O..."),
    ]
    problems = explain.problems(fired)
    assert problems["lines"][0].startswith("Lines “outside the scope of VAT”")
    assert sum("outside the scope" in m for ms in problems.values() for m in ms) == 1


# --- credit notes credit what was invoiced ------------------------------------------------------------


def _invoice(shop):
    return services.issue_document(actor=shop[0].user, document=_draft(shop, [
        line("Hedge trimming", "3.5", "40"),
        line("Green waste", "1", "35.50", rate="10", unit="LS"),
        line("Bulbs", "1", "20", rate="5.5", unit="C62"),
    ]))


def test_a_credit_note_cannot_credit_a_rate_the_invoice_does_not_have(shop):
    invoice = _invoice(shop)
    with pytest.raises(ValidationError) as exc:
        services.credit_note_for(actor=shop[0].user, invoice=invoice,
                                 lines=[line("Goodwill", "1", "10", category="E", rate="0")])
    message = exc.value.message_dict["lines"][0]
    assert "Goodwill" in message and invoice.number in message and "20 %" in message


def test_two_partial_credit_notes_that_together_exceed_a_line_the_second_is_refused(shop):
    member = shop[0]
    invoice = _invoice(shop)
    first = services.credit_note_for(actor=member.user, invoice=invoice,
                                     lines=[line("Hedge trimming", "2", "40")])
    services.issue_document(actor=member.user, document=first)
    with pytest.raises(ValidationError) as exc:
        services.credit_note_for(actor=member.user, invoice=invoice, lines=[line("Hedge trimming", "2", "40")])
    message = exc.value.message_dict["lines"][0]
    assert "60.00 € excl. VAT is left to credit" in message and "80.00" in message
    # what is left can still be credited
    rest = services.credit_note_for(actor=member.user, invoice=invoice, lines=[line("Hedge trimming", "1.5", "40")])
    assert services.issue_document(actor=member.user, document=rest).number


def test_the_ceiling_is_checked_again_at_issue_for_a_draft_edited_afterwards(shop):
    member = shop[0]
    invoice = _invoice(shop)
    draft = services.credit_note_for(actor=member.user, invoice=invoice, lines=[line("Bulbs", "1", "20", rate="5.5")])
    services.save_draft(actor=member.user, document=draft, lines=[line("Bulbs", "3", "20", rate="5.5")])
    with pytest.raises(ValidationError) as exc:
        services.issue_document(actor=member.user, document=draft)
    assert "At 5.5 %" in exc.value.message_dict["lines"][0]


def test_a_full_credit_note_still_credits_the_whole_invoice(shop):
    invoice = _invoice(shop)
    note = services.credit_note_for(actor=shop[0].user, invoice=invoice)
    note = services.issue_document(actor=shop[0].user, document=note)
    assert note.tax_inclusive == invoice.tax_inclusive


def test_the_credit_note_editor_offers_only_the_invoice_rates(shop, client):
    member = shop[0]
    invoice = _invoice(shop)
    note = services.credit_note_for(actor=member.user, invoice=invoice, lines=[line("Bulbs", "1", "20", rate="5.5")])
    client.force_login(member.user)
    page = client.get(f"/documents/{note.pk}/").content.decode()
    assert 'value="S:20.00"' in page and 'value="S:5.50"' in page
    assert 'value="E:0.00"' not in page and 'value="O:0.00"' not in page
