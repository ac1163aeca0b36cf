"""``manage.py validate_einvoice FILE...``: a member checks what they received against the official
rules. The official examples pass; a corrupted copy fails and the failing rule is named."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from compagnon.einvoice.management.commands.validate_einvoice import Command

EXAMPLES = Path(settings.EINVOICE_RULES_DIR).parent / "examples"
# Everything in examples/ is an EN 16931 invoice except the French BASIC-WL sample: that profile
# has no lines, so the EN 16931 rules rightly refuse it (it passes the French rules, see below).
PASSING = sorted(
    p for p in EXAMPLES.glob("*/*.xml") if p.name != "FR-official-F20260024-BASICWL.xml"
)


def run(*args) -> tuple[str, CommandError | None]:
    out = io.StringIO()
    try:
        call_command("validate_einvoice", *map(str, args), stdout=out, no_color=True)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


def plain_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    pdf = io.BytesIO()
    writer.write(pdf)
    return pdf.getvalue()


def factur_x_pdf(xml: bytes) -> bytes:
    import facturx

    return facturx.generate_from_binary(
        plain_pdf(), xml, flavor="factur-x", level="en16931", check_xsd=False
    )


def test_the_official_examples_pass():
    assert len(PASSING) >= 25  # peppol, en16931-ubl, en16931-cii, facturx
    out, error = run(*PASSING)
    assert error is None, out
    assert out.count(": PASSED (") == len(PASSING)
    assert out.strip().endswith(f"{len(PASSING)} passed, 0 failed")
    # the rule sets follow the document: Peppol rules only for documents declaring Peppol
    assert (
        "base-example.xml: PASSED (UBL invoice Snippet1; rules: CEN-EN16931-UBL, PEPPOL-EN16931-UBL;"
        in out
    )
    assert "base-creditnote-correction.xml: PASSED (UBL credit note Snippet1;" in out
    assert "ubl-tc434-example1.xml: PASSED (UBL invoice 12115118; rules: CEN-EN16931-UBL;" in out
    assert "CII_example1.xml: PASSED (CII invoice 12115118; rules: EN16931-CII;" in out


def test_a_corrupted_copy_fails_and_names_the_rule(tmp_path):
    good = (EXAMPLES / "peppol" / "base-example.xml").read_bytes()
    bad = tmp_path / "tampered.xml"
    bad.write_bytes(good.replace(b">1656.25</cbc:PayableAmount>", b">1656.26</cbc:PayableAmount>"))
    assert bad.read_bytes() != good
    out, error = run(EXAMPLES / "peppol" / "base-example.xml", bad)
    assert isinstance(error, CommandError) and error.returncode == 1
    assert "1 of 2 files failed" in str(error)
    assert (
        "[fatal] BR-CO-16 (CEN-EN16931-UBL) Amount due for payment (BT-115) = Invoice total" in out
    )
    assert "at /Invoice[1]/LegalMonetaryTotal[1]" in out  # where the failing element is
    assert (
        f"{bad}: FAILED (UBL invoice Snippet1; rules: CEN-EN16931-UBL, PEPPOL-EN16931-UBL; 1 errors, 0 warnings)"
        in out
    )
    assert out.strip().endswith("1 passed, 1 failed")


def test_the_exit_status_is_1_when_a_file_fails(tmp_path, capsys):
    bad = tmp_path / "order.xml"
    bad.write_text('<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"/>')
    with pytest.raises(SystemExit) as exit_:
        Command().run_from_argv(["manage.py", "validate_einvoice", "--no-color", str(bad)])
    assert exit_.value.code == 1
    captured = capsys.readouterr()
    assert "0 passed, 1 failed" in captured.out
    assert "1 of 1 files failed" in captured.err


def test_unreadable_and_non_invoice_files_get_a_clear_message(tmp_path):
    html = tmp_path / "page.html"
    html.write_text("<!DOCTYPE html><html><body><p>Your invoice is ready<br></body></html>")
    order = tmp_path / "order.xml"
    order.write_text(
        '<?xml version="1.0"?>\n<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"><ID>1</ID></Order>'
    )
    broken = tmp_path / "broken.xml"
    broken.write_text('<?xml version="1.0"?>\n<Invoice>\n  <ID>1</Identifier>\n</Invoice>\n')
    text = tmp_path / "notes.txt"
    text.write_text("Invoice 12, 100 EUR")
    missing = tmp_path / "missing.xml"
    out, error = run(html, order, broken, text, missing)
    assert error is not None and "5 of 5 files failed" in str(error)
    assert (
        f"{html}: FAILED (not a valid e-invoice: This is a web page (HTML), not an e-invoice."
        in out
    )
    assert (
        f"{order}: FAILED (not a valid e-invoice: This XML is not an invoice or a credit note: its root element is Order"
        in out
    )
    assert f"{broken}: FAILED (not a valid e-invoice: The XML is not well-formed at line 3" in out
    assert f"{text}: FAILED (not a valid e-invoice: This file is neither XML nor PDF." in out
    assert f"{missing}: FAILED (cannot be read: No such file or directory)" in out


def test_a_factur_x_pdf_is_checked_with_the_factur_x_rules(tmp_path):
    pdf = tmp_path / "facture.pdf"
    pdf.write_bytes(factur_x_pdf((EXAMPLES / "facturx" / "factur-x-1.xml").read_bytes()))
    out, error = run(pdf)
    assert error is None, out
    assert (
        f"{pdf}: PASSED (Factur-X PDF invoice 471102; rules: EN16931-CII, FACTUR-X_EN16931;" in out
    )
    # a PDF without an embedded invoice
    plain = tmp_path / "scan.pdf"
    plain.write_bytes(plain_pdf())
    out, error = run(plain)
    assert error is not None
    assert "This PDF carries no e-invoice" in out


def test_rules_can_be_forced_and_unknown_ones_are_refused():
    french = EXAMPLES / "facturx" / "FR-official-F20260024-BASICWL.xml"
    out, error = run(french)
    assert error is not None and "[fatal] BR-16 (EN16931-CII)" in out  # no line: not EN 16931
    out, error = run("--rules", "BR-FR-CII", french)
    assert error is None, out
    assert "rules: BR-FR-CII; 0 errors" in out
    with pytest.raises(CommandError, match="Unknown rule set\\(s\\): NOPE"):
        call_command("validate_einvoice", "--rules", "NOPE", str(french), stdout=io.StringIO())
