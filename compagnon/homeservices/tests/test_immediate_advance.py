"""The immediate advance: the client is registered with URSSAF (a fake over real HTTP), each
invoice of the contract says the client's share and goes to URSSAF, the daily poll reads statuses."""

import datetime
import io
from decimal import Decimal as D

import pytest
from django.core.management import call_command

from compagnon.core.tests.factories import OfficeFactory, api_token_for
from compagnon.homeservices import immediate, invoicing
from compagnon.homeservices.models import FieldInvoice, UrssafClient, UrssafRequest, UrssafStatus
from compagnon.homeservices.urssaf_fake import FakeUrssaf

from .helpers import client_of, contract_for, gardener, validated_sheet

pytestmark = pytest.mark.django_db(transaction=True)

PERSON = {
    "civility": "2",
    "birth_name": "Martin",
    "first_names": "Jeanne",
    "birth_date": "1960-03-14",
    "birth_country": "99100",
    "birth_commune": "44109",
    "mobile": "0612345678",
    "email": "jeanne@example.org",
    "street": "3 rue Paul Bellamy",
    "postcode": "44000",
    "city": "Nantes",
    "iban": "FR76 3000 6000 0112 3456 7890 189",
    "bic": "AGRIFRPP",
    "holder": "Jeanne Martin",
}


@pytest.fixture
def fake(settings):
    server = FakeUrssaf().start()
    settings.URSSAF_API_URL = server.url
    settings.URSSAF_CLIENT_ID, settings.URSSAF_CLIENT_SECRET = (
        server.client_id,
        server.client_secret,
    )
    yield server
    server.stop()


@pytest.fixture
def advance():
    member, activity = gardener()
    client = client_of(activity)
    contract = contract_for(member, activity, client, immediate_advance=True)
    return member, activity, client, contract


def test_register_then_each_invoice_shows_the_share_and_goes_to_urssaf(client, fake, advance):
    member, activity, customer, contract = advance
    client.force_login(member.user)
    bad = client.post(
        f"/home-services/clients/{customer.pk}/urssaf/", {**PERSON, "birth_commune": ""}
    )
    assert bad.status_code == 400 and "commune of birth" in bad.content.decode()
    assert client.post(f"/home-services/clients/{customer.pk}/urssaf/", PERSON).status_code == 302
    registered = UrssafClient.objects.get(client=customer)
    assert (
        registered.urssaf_id in fake.clients
        and fake.clients[registered.urssaf_id]["nomNaissance"] == "Martin"
    )
    validated_sheet(contract, datetime.date(2026, 5, 4), minutes=120)  # 60 excl., 72 incl.
    invoicing.prepare(datetime.date(2026, 6, 1))
    fi = FieldInvoice.objects.get()
    invoicing.issue_and_send(actor=member.user, field_invoice=fi)
    document = fi.document
    document.refresh_from_db()
    assert any(
        "votre part 36,00" in m and "verse directement 36,00" in m
        for m in document.frozen["mentions"]
    )
    request = UrssafRequest.objects.get(document=document)  # sent at issue
    assert (request.client_share, request.urssaf_share) == (D("36.00"), D("36.00"))
    assert fake.requests[request.urssaf_id]["numFactureTiers"] == document.number
    call_command("poll_urssaf", stdout=io.StringIO())
    request.refresh_from_db()
    assert request.status == UrssafStatus.WAITING
    fake.set_status(request.urssaf_id, "70")
    assert immediate.poll() == {"read": 1, "changed": 1}
    request.refresh_from_db()
    assert request.status == UrssafStatus.PAID
    assert immediate.poll() == {"read": 0, "changed": 0}
    assert "aid by URSSAF" in client.get("/home-services/").content.decode()


def test_urssaf_refusals_are_said_and_companies_are_refused(client, fake, advance, settings):
    member, activity, customer, contract = advance
    company = client_of(activity, kind="company", name="SCI Les Pins")
    client.force_login(member.user)
    page = client.post(f"/home-services/clients/{company.pk}/urssaf/", PERSON)
    assert page.status_code == 400 and "Only an individual" in page.content.decode()
    settings.URSSAF_CLIENT_SECRET = "wrong"
    page = client.post(f"/home-services/clients/{customer.pk}/urssaf/", PERSON)
    assert page.status_code == 400 and "refused the platform" in page.content.decode()


def test_other_members_see_no_registration_nor_request(client, fake, advance):
    member, activity, customer, contract = advance
    stranger, _a = gardener(OfficeFactory())
    client.force_login(stranger.user)
    assert client.get(f"/home-services/clients/{customer.pk}/urssaf/").status_code == 404
    headers = {"HTTP_AUTHORIZATION": f"Token {api_token_for(stranger.user)}"}
    response = client.post(
        "/api/v1/urssaf-clients/",
        {**PERSON, "client": customer.pk},
        **headers,
        content_type="application/json",
    )
    assert response.status_code == 404 and not UrssafClient.objects.exists()
    mine = {"HTTP_AUTHORIZATION": f"Token {api_token_for(member.user)}"}
    response = client.post(
        "/api/v1/urssaf-clients/",
        {**PERSON, "client": customer.pk},
        **mine,
        content_type="application/json",
    )
    assert response.status_code == 201
    assert client.get("/api/v1/urssaf-clients/", **headers).json()["results"] == []
