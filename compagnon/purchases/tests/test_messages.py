"""What a member reads when the uploaded file is not an e-invoice, or a broken one: in their
language, saying what the file is and what to upload instead — never the XML parser's English
alone."""

import zipfile
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from compagnon.core.tests.factories import member_with_activity
from compagnon.einvoice import parse
from compagnon.purchases.models import SupplierInvoice

from .factories import example, upload

pytestmark = pytest.mark.django_db

CSV_TEXT = "Date;Fournisseur;Montant\n01/02/2026;ACME;120,00\n02/02/2026;Papeterie;35,50\n"


def received(client, activity, data: bytes, name: str) -> SupplierInvoice:
    response = client.post(
        f"/activities/{activity.pk}/supplier-invoices/", {"file": upload(data, name)}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return SupplierInvoice.objects.latest("id")


@pytest.fixture
def gardener(client):
    member, activity = member_with_activity()
    client.force_login(member.user)
    return member, activity


@pytest.mark.parametrize(
    "data",
    [
        CSV_TEXT.encode("utf-16"),  # with a byte-order mark, as spreadsheets save it
        CSV_TEXT.encode("utf-16-le"),  # without
        CSV_TEXT.encode("utf-16-be"),
        CSV_TEXT.encode(),
    ],
    ids=["utf16-bom", "utf16-le", "utf16-be", "utf8"],
)
def test_a_csv_uploaded_as_a_supplier_invoice_is_called_a_csv(client, gardener, data):
    member, activity = gardener
    invoice = received(client, activity, data, "export.csv")
    assert invoice.state == "rejected"
    assert invoice.error.startswith("This is a CSV file"), invoice.error
    assert "Factur-X PDF" in invoice.error and "XML" in invoice.error
    assert "well-formed" not in invoice.error


def test_the_csv_message_is_in_french_for_a_french_reader():
    with translation.override("fr"):
        with pytest.raises(parse.ParseError) as exc:
            parse.parse(CSV_TEXT.encode("utf-16"), "export.csv")
    assert exc.value.message.startswith("Ceci est un fichier CSV")
    assert "Factur-X" in exc.value.message


def test_a_broken_xml_is_explained_in_plain_words_with_the_parser_text_as_detail():
    lines = example("peppol/base-example.xml").decode().splitlines(keepends=True)
    lines[6] = "    <cbc:ID>Snippet1</cbc:Identifier>\n"  # line 7
    data = "".join(lines).encode()
    with translation.override("fr"):
        with pytest.raises(parse.ParseError) as exc:
            parse.parse(data)
    message = exc.value.message
    assert message.startswith("Le XML est mal formé à la ligne 7, colonne")
    plain, _, detail = message.partition("(Détail technique")
    assert "fermé sous un autre nom" in plain and "Opening and ending" not in plain
    assert "Opening and ending tag mismatch" in detail
    assert exc.value.line == 7


def test_a_too_deep_xml_does_not_tell_the_reader_to_try_xml_parse_huge():
    data = b"<Invoice>" + b"<a>" * 300 + b"</a>" * 300 + b"</Invoice>"
    with translation.override("fr"):
        with pytest.raises(parse.ParseError) as exc:
            parse.parse(data)
    plain = exc.value.message.partition("(Détail technique")[0]
    assert "trop volumineux ou trop profondément imbriqué" in plain
    assert "XML_PARSE_HUGE" not in plain


def _zip() -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("invoice.xml", "<Invoice/>")
    return out.getvalue()


def test_validate_einvoice_names_a_zip_file_on_the_command_line(tmp_path):
    path = tmp_path / "invoices.zip"
    path.write_bytes(_zip())
    out = StringIO()
    with translation.override("fr"), pytest.raises(CommandError):
        call_command("validate_einvoice", str(path), stdout=out)
    assert "archive ZIP" in out.getvalue() and "PDF Factur-X" in out.getvalue()


def test_the_page_shows_the_plain_sentence_and_folds_the_parser_text(client, gardener):
    member, activity = gardener
    lines = example("peppol/base-example.xml").decode().splitlines(keepends=True)
    lines[6] = "    <cbc:ID>Snippet1</cbc:Identifier>\n"
    invoice = received(client, activity, "".join(lines).encode(), "broken.xml")
    page = client.get(f"/activities/{activity.pk}/supplier-invoices/{invoice.pk}/").content.decode()
    plain, folded = page.split("<details>", 1)
    assert "is closed with another name" in plain and "Opening and ending" not in plain
    assert "Opening and ending tag mismatch" in folded.split("</details>")[0]
