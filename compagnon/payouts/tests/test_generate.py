"""An accountant refunds credit notes and pays a supplier in one batch, generates the pain.001
file in both versions, and the bank gets exactly what was prepared."""

import datetime
import hashlib
from decimal import Decimal

import pytest
import sepaxml.validation
from lxml import etree

from compagnon.payouts import sepa, services
from compagnon.payouts.models import BatchState, PayoutLine, Purpose, RemittanceKind

from .factories import CLIENT_IBAN, FR_IBAN, OGM, RF, another_credit_note, tomorrow

pytestmark = pytest.mark.django_db


def ns(scheme):
    return {"p": f"urn:iso:std:iso:20022:tech:xsd:{scheme}"}


def read(batch):
    with batch.file.open("rb") as handle:
        return handle.read()


def prepare(setting, scheme):
    """A batch with a refund (default message), a supplier paid with an OGM and one with an RF."""
    batch = services.create_batch(actor=setting.accountant, account=setting.account,
                                  requested_execution_date=tomorrow(), scheme=scheme)
    services.add_refund_line(actor=setting.accountant, batch=batch, credit_note=setting.note, iban=CLIENT_IBAN)
    services.add_line(actor=setting.accountant, batch=batch, purpose=Purpose.SUPPLIER,
                      creditor_name="Imprimerie Léonard & Fils", iban="BE15 5390 0000 0030", amount="120.40",
                      remittance_kind=RemittanceKind.OGM, remittance="+++090/9337/55493+++")
    services.add_line(actor=setting.accountant, batch=batch, purpose=Purpose.EXPENSE, creditor_name="Anne Dupont",
                      iban=FR_IBAN, bic="AGRIFRPP", amount=Decimal("35.05"), remittance_kind=RemittanceKind.RF,
                      remittance="RF18 5390 0754 7034")
    return batch


@pytest.mark.parametrize("scheme", ["pain.001.001.09", "pain.001.001.03"])
def test_generated_file_is_valid_and_carries_every_transfer(setting, scheme):
    batch = prepare(setting, scheme)
    batch = services.generate(actor=setting.accountant, batch=batch)
    assert batch.state == BatchState.GENERATED and batch.scheme == scheme
    xml = read(batch)
    assert hashlib.sha256(xml).hexdigest() == batch.file_sha256
    # valid against the XSD shipped in sepaxml, checked by libxml2 (ours) and by xmlschema (sepaxml's)
    assert sepa.validate(xml, scheme) == []
    sepaxml.validation.try_valid_xml(xml, scheme)

    doc = etree.fromstring(xml)
    n = ns(scheme)
    assert doc.tag == f"{{{n['p']}}}Document"
    header = doc.find("p:CstmrCdtTrfInitn/p:GrpHdr", n)
    assert header.findtext("p:MsgId", namespaces=n) == batch.message_id
    assert batch.message_id.startswith(f"CMP{batch.pk}-") and len(batch.message_id) <= 35
    assert header.findtext("p:NbOfTxs", namespaces=n) == "3"
    assert header.findtext("p:CtrlSum", namespaces=n) == "699.95"  # 544.50 + 120.40 + 35.05
    assert batch.line_count == 3 and batch.control_sum == Decimal("699.95")

    info = doc.find("p:CstmrCdtTrfInitn/p:PmtInf", n)
    assert info.findtext("p:PmtMtd", namespaces=n) == "TRF"
    assert info.findtext("p:NbOfTxs", namespaces=n) == "3"
    assert info.findtext("p:CtrlSum", namespaces=n) == "699.95"
    assert info.findtext("p:PmtTpInf/p:SvcLvl/p:Cd", namespaces=n) == "SEPA"
    date_path = "p:ReqdExctnDt/p:Dt" if scheme.endswith("09") else "p:ReqdExctnDt"
    assert info.findtext(date_path, namespaces=n) == tomorrow().isoformat()
    assert info.findtext("p:Dbtr/p:Nm", namespaces=n) == setting.entity.legal_name
    assert info.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=n) == setting.account.iban
    bic_tag = "p:BICFI" if scheme.endswith("09") else "p:BIC"
    assert info.findtext(f"p:DbtrAgt/p:FinInstnId/{bic_tag}", namespaces=n) == "GKCCBEBB"
    assert info.findtext("p:ChrgBr", namespaces=n) == "SLEV"

    refund, supplier, expense = info.findall("p:CdtTrfTxInf", n)
    lines = list(batch.lines.order_by("position"))
    # the refund: the client's name and IBAN, the credit note's amount, a message naming it
    assert refund.findtext("p:PmtId/p:EndToEndId", namespaces=n) == lines[0].end_to_end_id == f"CMP-{batch.pk}-{lines[0].pk}"
    assert refund.findtext("p:Amt/p:InstdAmt", namespaces=n) == "544.50"
    assert refund.find("p:Amt/p:InstdAmt", n).get("Ccy") == "EUR"
    assert refund.findtext("p:Cdtr/p:Nm", namespaces=n) == "Brasserie De Klok BV"
    assert refund.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=n) == CLIENT_IBAN
    text = refund.findtext("p:RmtInf/p:Ustrd", namespaces=n)
    assert setting.note.number in text and setting.invoice.number in text
    assert refund.find("p:RmtInf/p:Strd", n) is None
    # the Belgian structured communication: structured, SCOR issued by BBA, 12 digits
    assert supplier.findtext("p:Cdtr/p:Nm", namespaces=n) == "Imprimerie Leonard + Fils"  # SEPA characters
    assert supplier.findtext("p:Amt/p:InstdAmt", namespaces=n) == "120.40"
    assert supplier.find("p:RmtInf/p:Ustrd", n) is None
    reference = supplier.find("p:RmtInf/p:Strd/p:CdtrRefInf", n)
    assert reference.findtext("p:Tp/p:CdOrPrtry/p:Cd", namespaces=n) == "SCOR"
    assert reference.findtext("p:Tp/p:Issr", namespaces=n) == "BBA"
    assert reference.findtext("p:Ref", namespaces=n) == OGM
    # the RF creditor reference: SCOR issued by ISO, compact; the creditor's BIC kept
    reference = expense.find("p:RmtInf/p:Strd/p:CdtrRefInf", n)
    assert reference.findtext("p:Tp/p:CdOrPrtry/p:Cd", namespaces=n) == "SCOR"
    assert reference.findtext("p:Tp/p:Issr", namespaces=n) == "ISO"
    assert reference.findtext("p:Ref", namespaces=n) == RF
    assert expense.findtext(f"p:CdtrAgt/p:FinInstnId/{bic_tag}", namespaces=n) == "AGRIFRPP"
    assert expense.findtext("p:Amt/p:InstdAmt", namespaces=n) == "35.05"


def test_debtor_account_without_bic_says_not_provided(setting):
    setting.account.bic = ""
    setting.account.save()
    batch = prepare(setting, "pain.001.001.09")
    xml = read(services.generate(actor=setting.accountant, batch=batch))
    n = ns("pain.001.001.09")
    info = etree.fromstring(xml).find("p:CstmrCdtTrfInitn/p:PmtInf", n)
    assert info.findtext("p:DbtrAgt/p:FinInstnId/p:Othr/p:Id", namespaces=n) == "NOTPROVIDED"
    assert sepa.validate(xml, "pain.001.001.09") == []


def test_the_account_remembers_the_format_its_bank_needs(setting):
    first = services.create_batch(actor=setting.accountant, account=setting.account,
                                  requested_execution_date=tomorrow())
    assert first.scheme == "pain.001.001.09"  # the default
    services.create_batch(actor=setting.accountant, account=setting.account,
                          requested_execution_date=tomorrow(), scheme="pain.001.001.03")
    later = services.create_batch(actor=setting.accountant, account=setting.account,
                                  requested_execution_date=tomorrow())
    assert later.scheme == "pain.001.001.03"


def test_a_message_that_is_only_a_structured_communication_is_sent_structured(setting):
    batch = services.create_batch(actor=setting.accountant, account=setting.account,
                                  requested_execution_date=tomorrow())
    line = services.add_line(actor=setting.accountant, batch=batch, creditor_name="Drukkerij Peeters",
                             iban=CLIENT_IBAN, amount="10", remittance="+++090/9337/55493+++")
    assert (line.remittance_kind, line.remittance) == (RemittanceKind.OGM, OGM)
    line = services.add_line(actor=setting.accountant, batch=batch, creditor_name="Studio Noord",
                             iban=CLIENT_IBAN, amount="10", remittance="RF18 5390 0754 7034")
    assert (line.remittance_kind, line.remittance) == (RemittanceKind.RF, RF)
    line = services.add_line(actor=setting.accountant, batch=batch, creditor_name="Studio Zuid",
                             iban=CLIENT_IBAN, amount="10", remittance="Invoice 2026-18, +++090/9337/55493+++")
    assert line.remittance_kind == RemittanceKind.TEXT


def test_an_invalid_iban_refuses_the_file_naming_the_line_and_the_field(setting):
    batch = prepare(setting, "pain.001.001.09")
    # an IBAN that became invalid after it was typed (e.g. read from elsewhere)
    PayoutLine.objects.filter(batch=batch, position=2).update(iban="BE15539000000031")
    PayoutLine.objects.filter(batch=batch, position=3).update(creditor_name="N" * 71)
    with pytest.raises(services.ValidationError) as refused:
        services.generate(actor=setting.accountant, batch=batch)
    errors = refused.value.message_dict
    assert set(errors) == {"lines.2.iban", "lines.3.creditor_name"}
    assert errors["lines.2.iban"] == [
        "Line 2 (Imprimerie Léonard & Fils), IBAN: This IBAN is not valid: check the country code, "
        "the length and the two check digits."
    ]
    assert "Line 3" in errors["lines.3.creditor_name"][0] and "at most 70" in errors["lines.3.creditor_name"][0]
    batch.refresh_from_db()
    assert batch.state == BatchState.DRAFT and not batch.file and not batch.message_id


def test_a_file_failing_the_xsd_is_refused_and_nothing_is_kept(setting, monkeypatch):
    batch = prepare(setting, "pain.001.001.03")
    real = sepa._complete

    def broken(raw, **kwargs):  # as if sepaxml or our completion wrote something the XSD refuses
        return real(raw, **kwargs).replace(b"<ChrgBr>SLEV</ChrgBr>", b"<ChrgBr>NONE</ChrgBr>")

    monkeypatch.setattr(sepa, "_complete", broken)
    with pytest.raises(services.ValidationError) as refused:
        services.generate(actor=setting.accountant, batch=batch)
    messages = refused.value.message_dict["file"]
    assert messages and "does not pass the pain.001.001.03 schema" in messages[0] and "ChrgBr" in messages[0]
    batch.refresh_from_db()
    assert batch.state == BatchState.DRAFT and not batch.file and not batch.file_sha256


def test_nothing_to_generate_in_an_empty_batch_nor_for_a_past_date(setting):
    batch = services.create_batch(actor=setting.accountant, account=setting.account,
                                  requested_execution_date=tomorrow())
    with pytest.raises(services.ValidationError) as refused:
        services.generate(actor=setting.accountant, batch=batch)
    assert "lines" in refused.value.message_dict
    services.add_refund_line(actor=setting.accountant, batch=batch, credit_note=setting.note, iban=CLIENT_IBAN)
    type(batch).objects.filter(pk=batch.pk).update(requested_execution_date=tomorrow() - datetime.timedelta(days=3))
    with pytest.raises(services.ValidationError) as refused:
        services.generate(actor=setting.accountant, batch=batch)
    assert "in the past" in refused.value.message_dict["requested_execution_date"][0]


def test_a_batch_of_many_refunds_adds_up(setting):
    batch = services.create_batch(actor=setting.accountant, account=setting.account,
                                  requested_execution_date=tomorrow())
    notes = [setting.note] + [another_credit_note(setting.entity) for _ in range(3)]
    for note in notes:
        services.add_refund_line(actor=setting.accountant, batch=batch, credit_note=note, iban=CLIENT_IBAN)
    batch = services.generate(actor=setting.accountant, batch=batch)
    expected = sum((note.payable for note in notes), Decimal("0"))
    doc = etree.fromstring(read(batch))
    n = ns(batch.scheme)
    assert doc.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", namespaces=n) == "4"
    assert Decimal(doc.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", namespaces=n)) == expected
    ids = [e.text for e in doc.iterfind(".//p:EndToEndId", n)]
    assert len(set(ids)) == 4
