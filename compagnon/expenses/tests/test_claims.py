"""A member photographs a receipt, claims it, it is checked, booked and paid back."""

import datetime
import io
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import staff
from compagnon.expenses import services
from compagnon.expenses.models import ClaimState, ExpenseClaim, ExpenseSettings
from compagnon.ledger.models import EntryLine
from compagnon.payouts import services as payouts
from compagnon.payouts.tests.factories import BankAccountFactory, tomorrow

from .helpers import cooperative, jpeg, upload

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def claim(coop, who="camille", **kw):
    member = coop[who]
    activity = coop["activity"] if who == "camille" else coop["yanis_activity"]
    values = {"kind": "receipt", "date": TODAY(), "category": "supplies", "amount": "24.00",
              "supplier": "Papeterie Durand", "receipt": upload(), "submit": True}
    values.update(kw)
    return services.save_claim(actor=member.user, activity=activity, **values)


def test_a_photo_is_kept_as_taken_and_shown_upright_and_small():
    coop = cooperative()
    photo = jpeg(3000, 2000, orientation=6)  # the phone held upright: rotate 90°
    c = claim(coop, receipt=upload(photo))
    with c.receipt.open("rb") as f:
        assert f.read() == photo
    with c.preview.open("rb") as f, Image.open(io.BytesIO(f.read())) as shown:
        assert shown.format == "JPEG"
        assert shown.size == (1067, 1600)  # turned upright, longest side 1600 px
    assert c.receipt_sha256 and c.receipt_type == "image/jpeg"


def test_a_new_member_sends_for_approval_and_an_established_one_under_the_threshold_is_approved():
    coop = cooperative()
    first = claim(coop)
    assert first.state == ClaimState.SUBMITTED and first.entry is None
    second = claim(coop, who="yanis", amount="80.00", vat_recoverable=True, vat_lines=[("20.0", "13.33")])
    assert second.state == ClaimState.APPROVED and second.auto_approved
    lines = {(line.account.code, line.debit, line.credit) for line in EntryLine.objects.filter(entry=second.entry)
             .select_related("account")}
    assert lines == {("6064", Decimal("66.67"), Decimal("0")), ("44566", Decimal("13.33"), Decimal("0")),
                     ("455", Decimal("0"), Decimal("80.00"))}
    assert all(line.activity_id == coop["yanis_activity"].pk for line in EntryLine.objects.filter(entry=second.entry))
    above = claim(coop, who="yanis", amount="180.00", supplier="Other")
    assert above.state == ClaimState.SUBMITTED


def test_the_threshold_is_set_per_entity():
    coop = cooperative()
    ExpenseSettings.objects.create(entity=coop["entity"], auto_approve_below=Decimal("0"))
    assert claim(coop, who="yanis", amount="5.00").state == ClaimState.SUBMITTED


def test_the_advisor_approves_or_refuses_with_a_reason_the_member_reads():
    coop = cooperative()
    c = claim(coop)
    with pytest.raises(PermissionDenied):
        services.approve_claim(actor=coop["camille"].user, claim=c)
    with pytest.raises(ValidationError) as exc:
        services.refuse_claim(actor=coop["advisor"], claim=c, reason="")
    assert "reason" in exc.value.message_dict
    services.refuse_claim(actor=coop["advisor"], claim=c, reason="The receipt is not readable, take it again.")
    c.refresh_from_db()
    assert c.state == ClaimState.REFUSED
    again = services.save_claim(actor=coop["camille"].user, activity=coop["activity"], claim=c, kind="receipt",
                                date=c.date, category="supplies", amount="24.00", supplier="Papeterie Durand",
                                submit=True)
    assert again.state == ClaimState.SUBMITTED
    approved = services.approve_claim(actor=coop["advisor"], claim=again)
    assert approved.state == ClaimState.APPROVED and approved.entry.journal.code == "AC"


def test_vat_is_recovered_only_where_the_country_allows_it():
    coop = cooperative()
    with pytest.raises(ValidationError) as exc:
        claim(coop, category="travel", vat_recoverable=True, vat_lines=[("10.0", "2.18")])
    assert "vat_recoverable" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        claim(coop, vat_recoverable=True, vat_lines=[("19", "2")])
    assert "not a VAT rate" in exc.value.message_dict["vat_rate_0"][0]
    with pytest.raises(ValidationError) as exc:
        claim(coop, vat_recoverable=True)
    assert "vat_amount_0" in exc.value.message_dict


def test_a_receipt_sent_twice_is_flagged_as_a_likely_duplicate():
    coop = cooperative()
    photo = jpeg()
    first = claim(coop, receipt=upload(photo))
    second = claim(coop, receipt=upload(photo), supplier="Another name", amount="3.00")
    assert second.duplicate_of == first and second.duplicate_reason == "file"
    third = claim(coop, receipt=upload(jpeg(colour=(1, 2, 3))))
    assert third.duplicate_of == first and third.duplicate_reason == "details"
    # a duplicate is never approved automatically
    yanis_photo = jpeg(colour=(9, 9, 9))
    claim(coop, who="yanis", receipt=upload(yanis_photo), amount="5.00")
    twice = claim(coop, who="yanis", receipt=upload(yanis_photo), amount="5.00")
    assert twice.state == ClaimState.SUBMITTED


def test_bad_input_names_the_field_and_the_rule():
    coop = cooperative()
    with pytest.raises(ValidationError) as exc:
        claim(coop, supplier="", amount="abc", date=TODAY() + datetime.timedelta(days=2))
    errors = exc.value.message_dict
    assert set(errors) >= {"supplier", "amount", "date"}
    with pytest.raises(ValidationError) as exc:
        claim(coop, receipt=upload(b"hello", name="x.jpg"))
    assert "neither" in exc.value.message_dict["receipt"][0]
    assert ExpenseClaim.objects.count() == 0


def test_the_same_claim_sent_twice_from_the_phone_is_created_once():
    coop = cooperative()
    key = uuid.uuid4()
    first = claim(coop, client_key=key)
    second = claim(coop, client_key=key)
    assert first.pk == second.pk and second.replayed
    assert ExpenseClaim.objects.count() == 1


def test_approved_claims_are_paid_back_to_the_validated_account_and_then_read_paid():
    coop = cooperative()
    c = claim(coop, who="yanis", amount="12.00")
    accountant = staff(Role.ACCOUNTANT, coop["entity"])
    batch = payouts.create_batch(actor=accountant, account=BankAccountFactory(entity=coop["entity"]),
                                 requested_execution_date=tomorrow())
    with pytest.raises(ValidationError) as exc:
        services.add_to_batch(actor=accountant, batch=batch, claims=[c])
    assert "no validated reimbursement account" in exc.value.messages[0]
    account = services.save_bank_account(actor=coop["yanis"].user, member=coop["yanis"], holder="Yanis G",
                                         iban="BE71 0961 2345 6769")
    with pytest.raises(PermissionDenied):
        services.validate_bank_account(actor=coop["yanis"].user, account=account)
    services.validate_bank_account(actor=coop["advisor"], account=account)
    [c] = services.add_to_batch(actor=accountant, batch=batch, claims=[c])
    assert c.payout_line.purpose == "expense" and c.payout_line.amount == Decimal("12.00")
    assert c.status == ClaimState.APPROVED
    with pytest.raises(ValidationError):
        services.add_to_batch(actor=accountant, batch=batch, claims=[c])
    payouts.generate(actor=accountant, batch=batch)
    payouts.mark_sent(actor=accountant, batch=batch)
    c = ExpenseClaim.objects.select_related("payout_line__batch").get(pk=c.pk)
    assert c.status == ClaimState.PAID
    out = io.StringIO()
    call_command("check_books", stdout=out)
    assert "✓ Every approved expense claim has exactly one entry" in out.getvalue()
    assert "The books are sound." in out.getvalue()


def test_a_belgian_claim_books_to_the_pcmn():
    coop = cooperative(belgian=True)
    c = claim(coop, who="yanis", amount="21.00", category="meals")
    codes = {line.account.code for line in EntryLine.objects.filter(entry=c.entry).select_related("account")}
    assert codes == {"6152", "489"}
