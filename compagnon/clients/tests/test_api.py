"""The clients API: the same rules as the pages, one error envelope."""

import pytest

from compagnon.audit.models import AuditEvent
from compagnon.clients.models import Client
from compagnon.core.tests.factories import api_token_for, member_with_activity

from .factories import ClientFactory, CommitmentFactory, ContactFactory

pytestmark = pytest.mark.django_db
JSON = {"content_type": "application/json"}


@pytest.fixture
def member_api(client):
    member, activity = member_with_activity()
    return member, activity, {"HTTP_AUTHORIZATION": f"Token {api_token_for(member.user)}"}


def test_a_client_is_created_read_updated_and_archived_through_the_api(client, member_api):
    member, activity, auth = member_api
    response = client.post(
        "/api/v1/clients/",
        {
            "activity": activity.pk,
            "name": "Groene Vingers BV",
            "country": "BE",
            "company_number": "0403.019.261",
            "vat_number": "be0403019261",
            "language": "nl",
        },
        **JSON,
        **auth,
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["company_number"] == "0403019261" and body["vat_number"] == "BE0403019261"
    assert (body["peppol_scheme"], body["peppol_id"]) == ("0208", "0403019261")
    assert body["contacts"] == [] and body["open_commitments"] == 0 and not body["archived"]
    url = f"/api/v1/clients/{body['id']}/"
    patched = client.patch(url, {"city": "Gent", "postcode": "9000"}, **JSON, **auth).json()
    assert patched["city"] == "Gent" and patched["company_number"] == "0403019261"
    moved = client.patch(url, {"activity": member_with_activity()[1].pk}, **JSON, **auth)
    assert moved.status_code == 400
    assert client.delete(url, **auth).status_code == 204
    assert Client.objects.get(pk=body["id"]).archived  # archived, not deleted
    assert client.get("/api/v1/clients/", **auth).json()["count"] == 0
    archived = client.get("/api/v1/clients/?archived=true", **auth).json()
    assert [row["id"] for row in archived["results"]] == [body["id"]]
    assert client.post(f"{url}unarchive/", **auth).json()["archived"] is False
    assert AuditEvent.objects.filter(object_id=str(body["id"])).count() == 4


def test_invalid_identifiers_answer_the_error_envelope(client, member_api):
    member, activity, auth = member_api
    response = client.post(
        "/api/v1/clients/",
        {"activity": activity.pk, "name": "Bad", "country": "FR", "company_number": "123456789"},
        **JSON,
        **auth,
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400 and error["code"] == "invalid"
    assert "SIREN number has 9 digits" in error["fields"]["company_number"][0]
    assert not Client.objects.exists()


def test_the_api_lists_filter_by_search_kind_and_activity(client, member_api):
    member, activity, auth = member_api
    ClientFactory(activity=activity, name="Boulangerie Dupont")
    ClientFactory(activity=activity, individual=True, name="Jeanne Martin")

    def names(query):
        response = client.get(f"/api/v1/clients/{query}", **auth)
        return [row["name"] for row in response.json()["results"]]

    assert names("?search=boulang") == ["Boulangerie Dupont"]
    assert names("?kind=individual") == ["Jeanne Martin"]
    assert names(f"?activity={activity.pk}") == ["Boulangerie Dupont", "Jeanne Martin"]


def test_contacts_are_managed_under_their_client(client, member_api):
    member, activity, auth = member_api
    customer = ClientFactory(activity=activity)
    base = f"/api/v1/clients/{customer.pk}/contacts/"
    first = client.post(base, {"name": "Paul Roux", "role": "accountant"}, **JSON, **auth).json()
    assert first["is_primary"] is True
    second = client.post(base, {"name": "Anne Petit", "is_primary": True}, **JSON, **auth).json()
    listed = client.get(base, **auth).json()
    assert [c["name"] for c in listed] == ["Anne Petit", "Paul Roux"]
    assert (
        client.patch(f"{base}{first['id']}/", {"phone": "0102"}, **JSON, **auth).json()["phone"]
        == "0102"
    )
    assert client.delete(f"{base}{second['id']}/", **auth).status_code == 204
    assert client.get(f"{base}{first['id']}/", **auth).json()["is_primary"] is True
    other = ContactFactory()
    assert client.get(f"{base}{other.pk}/", **auth).status_code == 404
    bad = client.post(base, {"name": "", "email": "nope"}, **JSON, **auth).json()["error"]
    assert set(bad["fields"]) == {"name", "email"}


def test_the_relationship_log_is_listed_and_written_through_the_api(client, member_api):
    member, activity, auth = member_api
    customer = ClientFactory(activity=activity)
    base = f"/api/v1/clients/{customer.pk}/relationship/"
    created = client.post(
        base,
        {"kind": "their_commitment", "title": "Send the gate code", "due_on": "2026-05-01"},
        **JSON,
        **auth,
    )
    assert created.status_code == 201, created.json()
    entry = created.json()
    assert entry["author"] == member.user.email and entry["done"] is False
    kept = client.post(f"{base}{entry['id']}/done/", {"done": True}, **JSON, **auth).json()
    assert kept["done"] is True and kept["done_at"]
    CommitmentFactory(client=customer, title="Older")
    rows = client.get(base, **auth).json()["results"]
    assert {r["title"] for r in rows} == {"Send the gate code", "Older"}
    detail = client.get(f"/api/v1/clients/{customer.pk}/", **auth).json()
    assert detail["open_commitments"] == 1
    invalid = client.post(base, {"kind": "gossip", "title": "x"}, **JSON, **auth)
    assert invalid.status_code == 400 and "kind" in invalid.json()["error"]["fields"]


def test_the_schema_documents_the_clients_api(client):
    text = client.get("/api/schema/").content.decode()
    for path in (
        "/api/v1/clients/",
        "/api/v1/clients/{client_pk}/contacts/",
        "/api/v1/clients/{client_pk}/relationship/",
        "/api/v1/client-imports/",
    ):
        assert path in text
