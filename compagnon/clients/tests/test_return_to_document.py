"""Keep the thread: a client created from inside a new quote comes back to the quote, in its editor."""

from urllib.parse import parse_qs, urlsplit

import pytest

from compagnon.clients.models import Client
from compagnon.core.tests.factories import member_with_activity
from compagnon.sales.models import Document, Kind, State

from .test_clients import form

pytestmark = pytest.mark.django_db


@pytest.fixture
def gardener(client):
    member, activity = member_with_activity()
    client.force_login(member.user)
    return member, activity


def test_a_client_added_from_a_new_quote_opens_the_quote_with_that_client(client, gardener):
    member, activity = gardener
    page = client.get("/documents/new/?kind=quote")
    create_url = page.context["client_create_url"]
    assert create_url.startswith("/clients/new/") and "next=" in create_url
    back = parse_qs(urlsplit(create_url).query)["next"][0]

    shown = client.get(create_url).content.decode()
    assert 'name="next"' in shown
    response = client.post("/clients/new/", {**form(name="Syndic Les Mimosas"), "next": back})
    customer = Client.objects.get(name="Syndic Les Mimosas")
    assert response.status_code == 302
    assert parse_qs(urlsplit(response.url).query)["client"] == [str(customer.pk)]

    editor = client.get(response.url)
    quote = Document.objects.get(client=customer)
    assert editor.status_code == 302 and editor.url == f"/documents/{quote.pk}/"
    assert (quote.kind, quote.state, quote.activity) == (Kind.QUOTE, State.DRAFT, activity)


@pytest.mark.parametrize("unsafe", ["https://evil.example/x", "//evil.example/x", "javascript:alert(1)"])
def test_next_never_leaves_the_site(client, gardener, unsafe):
    response = client.post("/clients/new/", {**form(name="Syndic Sûr"), "next": unsafe})
    customer = Client.objects.get(name="Syndic Sûr")
    assert response.status_code == 302 and response.url == f"/clients/{customer.pk}/"
