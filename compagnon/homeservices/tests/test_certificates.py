"""The January run: one certificate per client with what was actually paid the year before for
home services, rendered to PDF by the worker, emailed with its link, versioned when regenerated."""

import datetime
import io
from decimal import Decimal as D

import pytest
from django.core import mail
from django.core.management import call_command
from pypdf import PdfReader

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import OfficeFactory, api_token_for, staff
from compagnon.homeservices import certificates, invoicing
from compagnon.homeservices.models import Certificate, FieldInvoice, HomeServicesSettings
from compagnon.payments import services as payments
from compagnon.payments.tests.helpers import account, transaction

from .helpers import client_of, contract_for, gardener, validated_sheet

pytestmark = pytest.mark.django_db(transaction=True)


def issued(contract, day, minutes=120, supplies=()):
    validated_sheet(contract, day, minutes=minutes, supplies=supplies)
    fi = FieldInvoice.objects.filter(contract=contract).order_by("-id").first()
    invoicing.prepare(day + datetime.timedelta(days=40))
    invoicing.issue_and_send(actor=contract.member.user, field_invoice=fi)
    fi.refresh_from_db()
    return fi.document


def pay(document, amount, on):
    entity = document.entity
    accountant = staff(Role.ACCOUNTANT, entity)
    t = transaction(account(entity), amount, booking_date=on)
    payments.allocate(actor=accountant, transaction=t, items=[(document, D(amount))])


@pytest.fixture
def paid_year():
    member, activity = gardener()
    HomeServicesSettings.objects.create(
        entity=activity.entity, sap_number="SAP123456789", signatory="Claire Dupont, gérante"
    )
    client = client_of(activity)
    contract = contract_for(member, activity, client)
    may = issued(
        contract, datetime.date(2025, 5, 6), minutes=120, supplies=[("Terreau", "1", "10")]
    )  # 60+10 → 84 incl.
    june = issued(contract, datetime.date(2025, 6, 3), minutes=60)  # 30 → 36 incl.
    pay(may, "84.00", datetime.date(2025, 6, 10))
    pay(june, "18.00", datetime.date(2026, 1, 5))  # paid the next year: not in 2025
    return member, activity, client, contract, may, june


def test_only_the_amounts_paid_in_the_year_for_eligible_services_count(paid_year):
    member, activity, client, contract, may, june = paid_year
    figures = certificates.figures(2025)[client.pk]
    assert figures.amount == D("72.00")  # may paid in full, its eligible part: 60 excl. → 72 incl.
    assert figures.minutes == 120 and figures.workers == {str(member)}
    assert certificates.figures(2026)[client.pk].amount == D("18.00")  # half of june's 36


def test_the_run_makes_the_pdf_emails_the_link_and_is_idempotent(client, paid_year):
    member, activity, customer, contract, may, june = paid_year
    mail.outbox.clear()
    call_command("issue_tax_certificates", year=2025, stdout=io.StringIO())
    cert = Certificate.objects.get()
    assert (cert.year, cert.version, cert.amount_paid, cert.minutes) == (2025, 1, D("72.00"), 120)
    with cert.pdf.open("rb") as f:
        assert f.read(5) == b"%PDF-" and len(cert.pdf_sha256) == 64
    with cert.pdf.open("rb") as f:
        html = "".join(page.extract_text() for page in PdfReader(f).pages)  # the text of the PDF
    html = " ".join(html.split())
    for needed in (
        "SAP123456789",
        activity.entity.company_number,
        "Jeanne Martin",
        "3 rue Paul Bellamy",
        "199 sexdecies",
        "CESU",
        str(member),
    ):
        assert needed in html
    assert [m.to for m in mail.outbox] == [["jeanne@example.org"]] and cert.token in mail.outbox[
        0
    ].body
    assert client.get(f"/hs/certificate/{cert.token}/").status_code == 200
    response = client.get(f"/hs/certificate/{cert.token}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    response.close()
    assert client.get("/hs/certificate/not-a-token/").status_code == 404
    call_command("issue_tax_certificates", year=2025, stdout=io.StringIO())
    assert Certificate.objects.count() == 1 and len(mail.outbox) == 1


def test_regenerating_makes_a_new_version_and_keeps_the_old(paid_year):
    certificates.issue_for_year(year=2025)
    certificates.issue_for_year(year=2025, regenerate=True)
    old, new = Certificate.objects.order_by("version")
    assert (old.version, new.version) == (1, 2) and old.superseded_at and new.superseded_at is None


def test_the_member_and_accountants_see_certificates_other_members_do_not(client, paid_year):
    member, activity, customer, contract, may, june = paid_year
    certificates.issue_for_year(year=2025)
    cert = Certificate.objects.get()
    client.force_login(member.user)
    assert "Jeanne Martin" in client.get("/home-services/certificates/").content.decode()
    response = client.get(f"/home-services/certificates/{cert.pk}/pdf/")
    assert response.status_code == 200
    response.close()
    accountant = staff(Role.ACCOUNTANT, activity.entity)
    client.force_login(accountant)
    assert "Jeanne Martin" in client.get("/home-services/certificates/?year=2025").content.decode()
    stranger, _a = gardener(OfficeFactory())
    client.force_login(stranger.user)
    assert client.get(f"/home-services/certificates/{cert.pk}/pdf/").status_code == 404
    assert "Jeanne Martin" not in client.get("/home-services/certificates/").content.decode()
    client.logout()
    headers = {"HTTP_AUTHORIZATION": f"Token {api_token_for(stranger.user)}"}
    assert client.get("/api/v1/tax-certificates/", **headers).json()["results"] == []
    assert client.get(f"/api/v1/tax-certificates/{cert.pk}/pdf/", **headers).status_code == 404
    mine = {"HTTP_AUTHORIZATION": f"Token {api_token_for(member.user)}"}
    assert (
        client.get("/api/v1/tax-certificates/?year=2025", **mine).json()["results"][0][
            "amount_paid"
        ]
        == "72.00"
    )


def test_the_pdf_prints_names_as_typed_and_speaks_the_clients_language():
    content = {
        "language": "nl",
        "year": 2025,
        "date": "2026-01-15",
        "date_display": "15 januari 2026",
        "seller": {
            "name": "Samen",
            "legal_name": "Samen Werken CVBA",
            "address": ["Rue Coenraets 72", "1060 Bruxelles"],
            "siren": "0447029100",
            "sap_number": "",
            "activity": "Tuinen <Bloei> & co",
            "signatory": "",
        },
        "client": {"name": "Jan & Els <Peeters>", "address": ["Kerkstraat 1", "9000 Gent"]},
        "amount": "1234.50",
        "hours": "12.50",
        "workers": ["Ann Claes"],
        "cesu": "0.00",
    }
    pdf = certificates.render_pdf(content)
    assert pdf.startswith(b"%PDF-")
    text = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Jan & Els <Peeters>" in text and "Tuinen <Bloei> & co" in text
    assert "1.234,50" in text  # Dutch separators
    assert "Fiscaal attest thuisdiensten — jaar 2025" in text and "Werk uitgevoerd door: Ann Claes" in text


def test_an_administrator_sets_what_the_certificates_print_and_others_cannot(client, paid_year):
    member, activity, customer, contract, may, june = paid_year
    entity = activity.entity
    admin = staff(Role.ADMIN, entity)
    client.force_login(member.user)
    assert client.get(f"/home-services/declaration/{entity.pk}/").status_code == 404
    client.force_login(admin)
    page = client.get("/home-services/certificates/")
    assert f"/home-services/declaration/{entity.pk}/" in page.content.decode()
    bad = client.post(
        f"/home-services/declaration/{entity.pk}/", {"sap_number": "123", "signatory": "Marie"}
    )
    assert bad.status_code == 400 and "SAP" in bad.content.decode()
    assert 'value="Marie"' in bad.content.decode()  # what was typed is kept
    client.post(
        f"/home-services/declaration/{entity.pk}/",
        {"sap_number": "sap 987 654 321", "signatory": "Marie Dupont, gérante"},
    )
    declared = HomeServicesSettings.objects.get(entity=entity)
    assert (declared.sap_number, declared.signatory) == ("SAP987654321", "Marie Dupont, gérante")
    certificates.issue_for_year(year=2025)
    assert Certificate.objects.get().content["seller"]["sap_number"] == "SAP987654321"
    # the API, same rules
    member_api = f"Token {api_token_for(member.user)}"
    admin_api = f"Token {api_token_for(admin)}"
    url = f"/api/v1/home-services-declarations/{entity.pk}/"
    assert client.get(url, HTTP_AUTHORIZATION=member_api).status_code == 404
    answer = client.put(
        url,
        {"sap_number": "SAP111222333", "signatory": ""},
        content_type="application/json",
        HTTP_AUTHORIZATION=admin_api,
    )
    assert answer.status_code == 200 and answer.json()["sap_number"] == "SAP111222333"
    refused = client.put(
        url, {"sap_number": "X", "signatory": ""}, content_type="application/json",
        HTTP_AUTHORIZATION=admin_api,
    )
    assert refused.status_code == 400 and "sap_number" in str(refused.json())
