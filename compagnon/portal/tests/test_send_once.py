"""Send once: the send page and ``POST /api/v1/documents/<id>/send/`` share one mechanism, an
idempotency key (the page's hidden ``key``, the API's ``Idempotency-Key`` header) stored with what
was sent. The same key again returns the first result and sends nothing; a new key sends."""

import pytest
from django.core import mail

from compagnon.core.tests.factories import api_token_for, member_with_activity
from compagnon.portal.models import SentOnce
from compagnon.sales.models import DocumentEmail, Kind, State

from .helpers import draft, make_client
from .test_send_means_send import send_data

pytestmark = pytest.mark.django_db


def _auth(member):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(member.user)}"}


def test_the_page_replayed_after_it_sent_sends_nothing_and_a_new_page_sends_again(
    gardener, client, django_capture_on_commit_callbacks
):
    member, activity, customer = gardener
    invoice = draft(member, activity, customer, kind=Kind.INVOICE)
    client.force_login(member.user)
    url = f"/documents/{invoice.pk}/email/"
    first_page = client.get(url)
    data = send_data(first_page)
    assert len(data["key"]) >= 32
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, data)
    assert first.status_code == 302 and len(mail.outbox) == 1
    invoice.refresh_from_db()
    number, sent_at = invoice.number, invoice.sent_at

    # the browser posts the same page again (back button, a retry on a slow network): nothing more
    with django_capture_on_commit_callbacks(execute=True):
        replay = client.post(url, data)
    assert replay.status_code == 302 and len(mail.outbox) == 1
    assert (
        f"Invoice {number} was already sent: nothing was sent again."
        in client.get(replay.url).content.decode()
    )
    invoice.refresh_from_db()
    assert invoice.number == number and invoice.sent_at == sent_at

    # the page shown again carries a new key: the member means to send it again
    second_page = client.get(url)
    assert second_page.context["form"]["key"].value() != data["key"]
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url, send_data(second_page, to="gerant@example.org"))
    assert again.status_code == 302 and [m.to for m in mail.outbox] == [
        ["syndic@example.org"],
        ["gerant@example.org"],
    ]

    # and the first page replayed once more still answers the first sending
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, data)
    assert len(mail.outbox) == 2 and DocumentEmail.objects.filter(document=invoice).count() == 2
    assert SentOnce.objects.filter(document=invoice).count() == 2


def test_the_page_replayed_after_issuing_worked_but_sending_failed_sends(
    gardener, client, django_capture_on_commit_callbacks
):
    member, activity, customer = gardener
    invoice = draft(member, activity, customer, kind=Kind.INVOICE)
    client.force_login(member.user)
    url = f"/documents/{invoice.pk}/email/"
    data = send_data(client.get(url), to="syndic@example")  # mail cannot go there
    with django_capture_on_commit_callbacks(execute=True):
        failed = client.post(url, data)
    assert failed.status_code == 400 and not mail.outbox
    assert failed.context["form"]["key"].value() == data["key"]  # nothing was sent with it
    assert not SentOnce.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url, {**data, "to": "syndic@example.org"})
    assert sent.status_code == 302 and len(mail.outbox) == 1
    invoice.refresh_from_db()
    assert invoice.state == State.ISSUED and invoice.sent_at
    done = client.get(sent.url).content.decode()
    assert (
        f"Invoice {invoice.number} sent to syndic@example.org." in done
        and "nothing was sent again" not in done
    )


def test_the_api_replayed_after_it_sent_returns_the_first_result(
    gardener, client, django_capture_on_commit_callbacks
):
    member, activity, customer = gardener
    invoice = draft(member, activity, customer, kind=Kind.INVOICE)
    url = f"/api/v1/documents/{invoice.pk}/send/"
    body = {"to": ["compta@example.org"]}
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(
            url,
            body,
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="inv-7-a",
            **_auth(member),
        )
        # a retry after a lost answer, even one asking something else: the first result, nothing sent
        replay = client.post(
            url,
            {"to": ["other@example.org"]},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="inv-7-a",
            **_auth(member),
        )
    assert first.status_code == 201, first.content
    assert replay.status_code == 200 and replay.json()["repeat"] is True
    assert replay.json()["number"] == first.json()["number"]
    assert [e["to"] for e in replay.json()["emails"]] == ["compta@example.org"]
    assert [m.to for m in mail.outbox] == [["compta@example.org"]]

    # a new key is a new sending; so is a call without the header
    with django_capture_on_commit_callbacks(execute=True):
        other = client.post(
            url,
            body,
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="inv-7-b",
            **_auth(member),
        )
        bare = client.post(url, body, content_type="application/json", **_auth(member))
    assert other.status_code == bare.status_code == 201
    assert len(mail.outbox) == 3 and other.json()["repeat"] is False


def test_the_api_replayed_after_issuing_worked_but_sending_failed_sends(
    client, django_capture_on_commit_callbacks
):
    member, activity = member_with_activity()
    customer = make_client(activity, email="syndic@example")  # an address mail cannot go to
    invoice = draft(member, activity, customer, kind=Kind.INVOICE)
    url = f"/api/v1/documents/{invoice.pk}/send/"
    with django_capture_on_commit_callbacks(execute=True):
        failed = client.post(
            url, {}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1", **_auth(member)
        )
        retried = client.post(
            url,
            {"to": ["syndic@example.org"]},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="k1",
            **_auth(member),
        )
    assert failed.status_code == 400
    assert retried.status_code == 201 and retried.json()["repeat"] is False
    assert len(mail.outbox) == 1


def test_a_key_belongs_to_one_document(gardener, client, django_capture_on_commit_callbacks):
    member, activity, customer = gardener
    one, two = (draft(member, activity, customer, kind=Kind.INVOICE) for _ in range(2))
    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            client.post(
                f"/api/v1/documents/{d.pk}/send/",
                {},
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY="same",
                **_auth(member),
            )
            for d in (one, two)
        ]
    assert [a.status_code for a in answers] == [201, 201] and len(mail.outbox) == 2


@pytest.mark.parametrize("key", ["has space", "x" * 101, "é"])
def test_a_key_that_cannot_be_one_is_refused_before_anything_is_done(gardener, client, key):
    member, activity, customer = gardener
    invoice = draft(member, activity, customer, kind=Kind.INVOICE)
    answer = client.post(
        f"/api/v1/documents/{invoice.pk}/send/",
        {},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
        **_auth(member),
    )
    assert answer.status_code == 400 and "Idempotency-Key" in answer.json()["error"]["fields"]
    invoice.refresh_from_db()
    assert invoice.state == State.DRAFT and not mail.outbox


def test_another_members_key_does_not_reach_the_document(gardener, client):
    member, activity, customer = gardener
    invoice = draft(member, activity, customer, kind=Kind.INVOICE)
    other, _activity = member_with_activity()
    answer = client.post(
        f"/api/v1/documents/{invoice.pk}/send/",
        {},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k",
        **_auth(other),
    )
    assert answer.status_code == 404
    client.force_login(other.user)
    assert (
        client.post(
            f"/documents/{invoice.pk}/email/", {"key": "k", "to": "x@example.org"}
        ).status_code
        == 404
    )
    invoice.refresh_from_db()
    assert invoice.state == State.DRAFT and not mail.outbox
