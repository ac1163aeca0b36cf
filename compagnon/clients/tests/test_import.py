"""A member brings the clients they kept in a spreadsheet: checked line by line first, imported
all at once or not at all, the file kept whatever happens."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from compagnon.audit.models import AuditEvent
from compagnon.clients import imports
from compagnon.clients.models import Client, ClientImport, ImportStatus
from compagnon.core.tests.factories import api_token_for, member_with_activity

from .factories import ClientFactory

pytestmark = pytest.mark.django_db

HEADER = "kind,name,email,phone,language,street,postcode,city,country,company_number,vat_number,payment_terms_days,notes"
GOOD_LINES = [
    "company,Syndic Les Hortensias,compta@hortensias.example,0240000000,fr,4 rue des Lilas,44000,Nantes,FR,123 456 782,FR11123456782,30,",
    "entreprise,Groene Vingers BV,factuur@gv.example,,nl,Kouter 1,9000,Gent,be,0403.019.261,,,",
    'individual,Jeanne Martin,jeanne@example.org,,,"8 allée des Tilleuls, bât. B",44300,Nantes,,,,,"Garden behind the house"',
]


def csv_file(lines, *, name="clients.csv", delimiter=",", bom=False, encoding="utf-8"):
    """The lines (written with commas) as an uploaded file, with the delimiter asked for."""
    if delimiter != ",":
        out = io.StringIO()
        csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(csv.reader(lines))
        text = out.getvalue()
    else:
        text = "\r\n".join(lines)
    data = text.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.fixture
def gardener(client):
    member, activity = member_with_activity()
    client.force_login(member.user)
    return member, activity


def test_the_dry_run_reports_line_numbered_errors_and_creates_nothing(client, gardener):
    member, activity = gardener
    lines = [
        HEADER,
        GOOD_LINES[0],
        "company,Bad Siren SARL,,,,,,,FR,123456789,,,",  # line 3
        ",,no-name@example.org,,,,,,,,,,",  # line 4: no name
        "",  # blank lines are skipped, numbering follows the spreadsheet
        "company,Mauvaise TVA,x@y,,xx,,,,DE,,DE136695970,400,",  # line 6
    ]
    response = client.post("/clients/import/", {"activity": activity.pk, "file": csv_file(lines)})
    imp = ClientImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/clients/import/{imp.pk}/"
    assert imp.status == ImportStatus.FAILED and imp.dry_run
    assert not Client.objects.exists()
    lines_found = imp.error_lines
    assert any(line.startswith("line 3: company_number: A SIREN number") for line in lines_found)
    assert "line 4: name: This field is required." in lines_found
    assert any(line.startswith("line 6: email:") for line in lines_found)
    assert any(line.startswith("line 6: language:") for line in lines_found)
    assert any(
        line.startswith("line 6: vat_number: This is not a valid DE VAT") for line in lines_found
    )
    assert any(line.startswith("line 6: payment_terms_days:") for line in lines_found)
    assert imp.report["total"] == 4 and imp.report["valid"] == 1
    page = client.get(f"/clients/import/{imp.pk}/").content.decode()
    assert "Nothing was imported" in page and "<td>3</td>" in page and "Import 1 client" not in page
    # the refused file is kept, and can be downloaded again
    assert imp.file.storage.exists(imp.file.name)
    download = client.get(f"/clients/import/{imp.pk}/file/")
    assert b"Bad Siren SARL" in b"".join(download.streaming_content)
    assert client.post(f"/clients/import/{imp.pk}/confirm/").status_code == 302
    assert not Client.objects.exists()


def test_a_good_file_is_checked_then_imported_in_one_go(client, gardener):
    member, activity = gardener
    upload = csv_file([HEADER, *GOOD_LINES], delimiter=";", bom=True)
    client.post("/clients/import/", {"file": upload})
    imp = ClientImport.objects.get()
    assert imp.status == ImportStatus.DRY_RUN_OK, imp.error_lines
    assert imp.report["delimiter"] == ";" and imp.report["valid"] == 3
    assert not Client.objects.exists()
    page = client.get(f"/clients/import/{imp.pk}/").content.decode()
    assert "Import 3 clients" in page and "Groene Vingers BV" in page
    response = client.post(f"/clients/import/{imp.pk}/confirm/")
    assert response.status_code == 302
    imp.refresh_from_db()
    assert imp.status == ImportStatus.IMPORTED and imp.report["created"] == 3
    hortensias = Client.objects.get(name="Syndic Les Hortensias")
    assert hortensias.company_number == "123456782" and hortensias.peppol_id == "123456782"
    gent = Client.objects.get(name="Groene Vingers BV")
    assert (gent.country, gent.company_number, gent.peppol_scheme) == ("BE", "0403019261", "0208")
    jeanne = Client.objects.get(name="Jeanne Martin")
    assert jeanne.kind == "individual" and jeanne.street == "8 allée des Tilleuls, bât. B"
    assert jeanne.country == activity.entity.country and jeanne.notes == "Garden behind the house"
    assert AuditEvent.objects.filter(action="client.created").count() == 3
    assert AuditEvent.objects.filter(action="client_import.imported").count() == 1
    # twice is refused, and the same file again is seen as duplicates
    client.post(f"/clients/import/{imp.pk}/confirm/")
    assert Client.objects.count() == 3
    again = imports.import_clients_csv(
        actor=member.user,
        activity=activity,
        uploaded_file=csv_file([HEADER, *GOOD_LINES]),
        dry_run=True,
    )
    assert again.status == ImportStatus.FAILED
    assert {e["line"] for e in again.errors} == {2, 3, 4}


def test_a_real_import_with_one_bad_line_creates_nothing_and_keeps_the_file(gardener):
    member, activity = gardener
    imp = imports.import_clients_csv(
        actor=member.user,
        activity=activity,
        uploaded_file=csv_file([HEADER, *GOOD_LINES, "company,Oops,,,,,,,FR,999,,,"]),
        dry_run=False,
    )
    assert imp.status == ImportStatus.FAILED and not imp.dry_run
    assert imp.error_lines == [
        "line 5: company_number: A French company number is a SIREN (9 digits) or a SIRET (14 digits)."
    ]
    assert not Client.objects.exists()
    assert ClientImport.objects.filter(pk=imp.pk).exists()
    assert imp.file.storage.exists(imp.file.name)


def test_a_file_read_twice_in_one_file_is_flagged(gardener):
    member, activity = gardener
    imp = imports.import_clients_csv(
        actor=member.user,
        activity=activity,
        uploaded_file=csv_file([HEADER, GOOD_LINES[0], GOOD_LINES[0].replace("Syndic", "Copie")]),
        dry_run=True,
    )
    assert imp.error_lines == ["line 3: company_number: Line 2 already has this company number."]


def test_files_that_are_not_csv_are_refused_and_kept(gardener):
    member, activity = gardener
    for upload, message in (
        (SimpleUploadedFile("clients.xlsx", b"PK\x03\x04 workbook"), "spreadsheet workbook"),
        (csv_file(["nom,ville", "Acme,Nantes"]), "Unknown column"),
        (csv_file([HEADER]), "header but no client"),
    ):
        imp = imports.import_clients_csv(
            actor=member.user, activity=activity, uploaded_file=upload, dry_run=True
        )
        assert imp.status == ImportStatus.FAILED
        assert any(message in e["message"] for e in imp.errors), imp.errors
        assert imp.file.storage.exists(imp.file.name)
    assert ClientImport.objects.count() == 3


def test_a_windows_spreadsheet_file_is_read(gardener):
    member, activity = gardener
    upload = csv_file(
        ["name;city;country", "Pâtisserie Hélène;Saint-Herblain;FR"],
        encoding="cp1252",
    )
    imp = imports.import_clients_csv(
        actor=member.user, activity=activity, uploaded_file=upload, dry_run=False
    )
    assert imp.status == ImportStatus.IMPORTED, imp.errors
    assert imp.report["encoding"] == "windows-1252"
    assert Client.objects.get().name == "Pâtisserie Hélène"


def test_the_downloadable_template_passes_its_own_check(client, gardener):
    member, activity = gardener
    for language in ("fr", "en"):
        client.cookies["django_language"] = language
        member.user.language = language
        member.user.save()
        response = client.get("/clients/import/template.csv")
        assert response["Content-Disposition"] == 'attachment; filename="clients-template.csv"'
        imp = imports.import_clients_csv(
            actor=member.user,
            activity=activity,
            uploaded_file=SimpleUploadedFile("template.csv", response.content),
            dry_run=True,
        )
        assert imp.status == ImportStatus.DRY_RUN_OK, imp.error_lines
        assert imp.report["valid"] == 3
        assert imp.report["delimiter"] == (";" if language == "fr" else ",")


def test_the_import_page_lists_past_imports(client, gardener):
    member, activity = gardener
    imports.import_clients_csv(
        actor=member.user, activity=activity, uploaded_file=csv_file([HEADER]), dry_run=True
    )
    page = client.get("/clients/import/").content.decode()
    assert "Download the CSV template" in page and "clients.csv" in page and "refused" in page


def test_someone_else_may_not_import_into_an_activity(gardener):
    member, activity = gardener
    other, other_activity = member_with_activity()
    with pytest.raises(Exception) as raised:
        imports.import_clients_csv(
            actor=member.user,
            activity=other_activity,
            uploaded_file=csv_file([HEADER, *GOOD_LINES]),
            dry_run=False,
        )
    assert raised.typename == "PermissionDenied"
    assert not ClientImport.objects.exists()


def test_the_api_checks_then_imports_a_file(client, gardener):
    member, activity = gardener
    ClientFactory(activity=activity, name="Already here")
    auth = {"HTTP_AUTHORIZATION": f"Token {api_token_for(member.user)}"}
    # without dry_run, the file is only checked
    response = client.post(
        "/api/v1/client-imports/",
        {"activity": activity.pk, "file": csv_file([HEADER, *GOOD_LINES])},
        **auth,
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "dry_run_ok" and body["dry_run"] and body["report"]["valid"] == 3
    assert Client.objects.count() == 1
    confirmed = client.post(f"/api/v1/client-imports/{body['id']}/confirm/", **auth).json()
    assert confirmed["status"] == "imported" and Client.objects.count() == 4
    # a real import of a bad file: refused, reported, kept
    response = client.post(
        "/api/v1/client-imports/",
        {
            "activity": activity.pk,
            "file": csv_file([HEADER, "company,X,,,,,,,FR,1,,,"]),
            "dry_run": "false",
        },
        **auth,
    )
    body = response.json()
    assert body["status"] == "failed" and not body["dry_run"]
    assert body["error_lines"][0].startswith("line 2: company_number:")
    assert Client.objects.count() == 4
    assert len(client.get("/api/v1/client-imports/", **auth).json()["results"]) == 2
    missing = client.post("/api/v1/client-imports/", {"activity": activity.pk}, **auth)
    assert missing.status_code == 400 and "file" in missing.json()["error"]["fields"]
