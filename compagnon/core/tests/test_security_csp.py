"""A Content-Security-Policy on every response: pages, API, client portal (issue 9, point 5)."""

import re

import pytest
from django.core import mail

from compagnon.core.tests.factories import MemberFactory
from compagnon.portal import services as portal
from compagnon.portal.tests.helpers import draft, gardener, portal_path  # noqa: F401

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def assert_strict(response):
    p = policy(response)
    assert p["default-src"] == ["'self'"]
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in p[directive] and "'unsafe-eval'" not in p[directive]
    assert p["object-src"] == ["'none'"]
    sources = " ".join(v for values in p.values() for v in values)
    assert "http" not in sources and "*" not in sources  # no third-party origin
    return p


def nonce_of(response) -> str | None:
    match = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    return match and match.group(1)


def test_pages_and_the_api_carry_the_policy(client):
    assert_strict(client.get("/accounts/login/"))
    member = MemberFactory()
    client.force_login(member.user)
    home = client.get("/home/")
    assert_strict(home)
    html = home.content.decode()
    assert "onchange=" not in html and "onclick=" not in html
    for script in re.findall(r"<script[^>]*>", html):  # every script is a file of this site
        assert 'src="/static/' in script, script
    assert_strict(client.get("/api/v1/me/"))
    assert_strict(client.get("/api/v1/nowhere/"))  # errors too
    docs = client.get("/api/docs/")
    assert_strict(docs)
    assert "<script>" not in docs.content.decode()  # Swagger UI's init script is a file
    assert f'<style nonce="{nonce_of(docs)}">' in docs.content.decode()  # its one inline style


def test_the_client_portal_page_of_a_sent_document_carries_the_policy(
    gardener, client, django_capture_on_commit_callbacks  # noqa: F811
):
    member, activity, customer = gardener
    quote = draft(member, activity, customer)
    with django_capture_on_commit_callbacks(execute=True):
        portal.send_document(actor=member.user, document=quote, to=["syndic@example.org"],
                             subject="Devis", message="Bonjour", base_url="http://testserver")
    page = client.get(portal_path(mail.outbox[-1].body))
    assert page.status_code == 200
    assert_strict(page)
    nonce = nonce_of(page)
    # the document's own <style> (shown in a srcdoc frame, which inherits the policy) has the nonce
    assert nonce and f"style nonce=&quot;{nonce}&quot;" in page.content.decode()
    assert "<script>" not in page.content.decode()
