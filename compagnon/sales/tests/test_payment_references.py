"""Payment references and the EPC QR code: what the client types or scans to pay."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import iso11649
from stdnum.be import ogm_vcs

from compagnon.sales import payment


@given(year=st.integers(2000, 2099), sequence=st.integers(1, 9_999_999))
def test_every_structured_communication_is_valid_and_found_again_in_a_bank_statement(year, sequence):
    reference = payment.structured_communication(year, sequence)
    assert len(reference) == 12 and ogm_vcs.is_valid(reference)
    printed = payment.display(payment.STRUCTURED, reference)
    assert printed.startswith("+++") and printed.endswith("+++")
    assert payment.parse(f"Facture {printed} merci") == (payment.STRUCTURED, reference)
    # banks often drop the signs and slashes
    assert payment.parse(f"communication {reference}") == (payment.STRUCTURED, reference)


@given(year=st.integers(2000, 2099), sequence=st.integers(1, 9_999_999))
def test_every_creditor_reference_is_valid_and_found_again(year, sequence):
    reference = payment.creditor_reference(year, sequence)
    assert iso11649.is_valid(reference)
    assert payment.parse(f"paid {payment.display(payment.CREDITOR, reference)} thanks") == (payment.CREDITOR, reference)


def test_references_differ_per_invoice_and_a_typo_is_not_matched():
    first, second = payment.structured_communication(2026, 1), payment.structured_communication(2026, 2)
    assert first != second
    typo = first[:3] + str((int(first[3]) + 1) % 10) + first[4:]
    assert payment.parse(typo) is None


def test_belgian_entities_use_structured_communication_others_rf():
    assert payment.reference_for("BE", 2026, 7)[0] == payment.STRUCTURED
    assert payment.reference_for("FR", 2026, 7)[0] == payment.CREDITOR


def test_epc_qr_payload_follows_epc069_12():
    rf = payment.creditor_reference(2026, 12)
    lines = payment.epc_qr_payload(name="Coop Nantes SCOP", iban="FR76 3000 6000 0112 3456 7890 189", bic="AGRIFRPP",
                                   amount=D("1234.5"), kind=payment.CREDITOR, reference=rf).split("\n")
    assert lines[:4] == ["BCD", "002", "1", "SCT"]
    assert lines[4:8] == ["AGRIFRPP", "Coop Nantes SCOP", "FR7630006000011234567890189", "EUR1234.50"]
    assert lines[9] == rf  # RF goes in the structured field
    ogm = payment.structured_communication(2026, 12)
    be = payment.epc_qr_payload(name="Coop", iban="BE68539007547034", bic="", amount=D("10"),
                                kind=payment.STRUCTURED, reference=ogm).split("\n")
    assert be[9] == "" and be[10] == payment.display(payment.STRUCTURED, ogm)
    assert len("\n".join(be).encode()) <= 331


def test_no_qr_code_when_nothing_is_to_be_paid_by_transfer():
    ref = payment.creditor_reference(2026, 1)
    assert payment.epc_qr_payload(name="C", iban="", bic="", amount=D("10"), kind="rf", reference=ref) == ""
    assert payment.epc_qr_payload(name="C", iban="BE68539007547034", bic="", amount=D("0"), kind="rf", reference=ref) == ""


def test_the_qr_image_shows_exactly_the_modules_of_the_code():
    from io import BytesIO

    from PIL import Image

    payload = "BCD\n002\n1\nSCT\n\nCoop\nBE68539007547034\nEUR10.00"
    matrix = payment.qr_matrix(payload)
    size = len(matrix)
    image = Image.open(BytesIO(payment.qr_png(payload, scale=4)))
    assert image.format == "PNG" and image.size == (size * 4, size * 4)
    pixels = image.convert("L").load()
    for y in range(size):
        for x in range(size):
            for dy, dx in ((0, 0), (3, 3)):  # every pixel of the module's square
                assert (pixels[x * 4 + dx, y * 4 + dy] == 0) == matrix[y][x]
    assert payment.qr_png("") == b""


@pytest.mark.parametrize("sequence", [10_000_000])
def test_sequence_beyond_seven_digits_is_refused(sequence):
    with pytest.raises(ValueError):
        payment.structured_communication(2026, sequence)
