"""An accountant letters lines by hand on the account's page (and the API), and unletters with a
reason; members and other entities' accountants do not even see the pages."""

from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.urls import reverse

from compagnon.accounts.models import Role
from compagnon.audit.models import AuditEvent
from compagnon.core.tests.factories import EntityFactory, api_token_for, staff
from compagnon.ledger import services as ledger
from compagnon.ledger.models import Account
from compagnon.lettering.models import LetteredLine, Lettering
from compagnon.payments.tests.helpers import World

pytestmark = pytest.mark.django_db


def open_pair(w, amount="100.00", client=None):
    """An invoice line and a payment line of the same client, not linked by any allocation."""
    client = client or w.client
    a = ledger.post_entry(
        actor=None,
        entity=w.entity,
        journal_code="misc",
        date=_today(),
        label="Opening balance",
        lines=[
            ledger.LineSpec(role="receivable", debit=D(amount), client=client, activity=w.activity),
            ledger.LineSpec(role="suspense", credit=D(amount)),
        ],
    )
    b = ledger.post_entry(
        actor=None,
        entity=w.entity,
        journal_code="misc",
        date=_today(),
        label="Cash received",
        lines=[
            ledger.LineSpec(role="suspense", debit=D(amount)),
            ledger.LineSpec(
                role="receivable", credit=D(amount), client=client, activity=w.activity
            ),
        ],
    )
    return [a.lines.get(account__role="receivable"), b.lines.get(account__role="receivable")]


def _today():
    from django.utils import timezone

    return timezone.localdate()


def receivable(w):
    return Account.objects.get(entity=w.entity, role="receivable")


def test_the_accountant_ticks_two_lines_that_balance_and_they_are_lettered(client):
    w = World("BE")
    lines = open_pair(w)
    client.force_login(w.accountant)
    page = client.get(reverse("lettering-account", args=[w.entity.pk, receivable(w).pk]))
    assert page.status_code == 200 and f'value="{lines[0].pk}"' in page.text

    response = client.post(
        reverse("lettering-letter", args=[w.entity.pk, receivable(w).pk]),
        {"lines": [x.pk for x in lines]},
        follow=True,
    )
    assert "Lines lettered AA." in response.text
    lettering = Lettering.objects.get()
    assert (lettering.automatic, lettering.created_by) == (False, w.accountant)
    assert AuditEvent.objects.filter(action="lettering.lettered", entity=w.entity).exists()
    call_command("check_books", entity=[w.entity.pk])
    index = client.get(reverse("lettering-index", args=[w.entity.pk]))
    supplier = Account.objects.get(entity=w.entity, role="supplier")
    assert f"/lettering/{w.entity.pk}/accounts/{supplier.pk}/" in index.text
    assert (
        client.get(reverse("lettering-account", args=[w.entity.pk, supplier.pk])).status_code == 200
    )


def test_lines_that_do_not_balance_or_of_two_clients_are_refused_in_plain_words(client):
    from compagnon.einvoice.tests.scenarios import business_client

    w = World("BE")
    a = open_pair(w, "100.00")
    b = open_pair(w, "30.00", client=business_client(w.activity, "BE", name="Other client BV"))
    client.force_login(w.accountant)
    url = reverse("lettering-letter", args=[w.entity.pk, receivable(w).pk])

    response = client.post(url, {"lines": [a[0].pk, b[1].pk]})
    assert response.status_code == 400
    assert "do not balance" in response.text and "same client or supplier" in response.text
    assert not Lettering.objects.exists()


def test_unlettering_needs_a_reason_is_audited_and_the_code_is_never_given_again(client):
    w = World("BE")
    first, second = open_pair(w), open_pair(w, "40.00")
    client.force_login(w.accountant)
    url = reverse("lettering-letter", args=[w.entity.pk, receivable(w).pk])
    client.post(url, {"lines": [x.pk for x in first]})
    lettering = Lettering.objects.get()

    client.post(reverse("lettering-unletter", args=[w.entity.pk, lettering.pk]), {"reason": ""})
    assert LetteredLine.objects.count() == 2  # no reason: nothing undone
    client.post(
        reverse("lettering-unletter", args=[w.entity.pk, lettering.pk]), {"reason": "Wrong client"}
    )
    lettering.refresh_from_db()
    assert lettering.undone_reason == "Wrong client" and not lettering.lines.exists()
    event = AuditEvent.objects.get(action="lettering.unlettered")
    assert event.params["reason"] == "Wrong client"

    client.post(url, {"lines": [x.pk for x in second]})
    assert Lettering.objects.get(undone_at__isnull=True).code == "AB"


def test_letter_and_unletter_through_the_api():
    from rest_framework.test import APIClient

    w = World("BE")
    lines = open_pair(w)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_for(w.accountant)}")
    listed = api.get("/api/v1/lettering/open-lines/", {"account": receivable(w).pk})
    assert {row["id"] for row in listed.json()["results"]} == {x.pk for x in lines}

    made = api.post(
        "/api/v1/lettering/letterings/",
        {"entity": w.entity.pk, "lines": [x.pk for x in lines]},
        format="json",
    )
    assert made.status_code == 201 and made.json()["code"] == "AA"
    assert sorted(made.json()["lines"]) == sorted(x.pk for x in lines)
    bad = api.post(
        f"/api/v1/lettering/letterings/{made.json()['id']}/unletter/", {"reason": ""}, format="json"
    )
    assert bad.status_code == 400
    done = api.post(
        f"/api/v1/lettering/letterings/{made.json()['id']}/unletter/",
        {"reason": "Mistake"},
        format="json",
    )
    assert (
        done.status_code == 200
        and done.json()["undone_reason"] == "Mistake"
        and done.json()["lines"] == []
    )


def test_members_and_other_entities_get_404_on_pages_and_api(client):
    from rest_framework.test import APIClient

    w = World("BE")
    lines = open_pair(w)
    api_client = APIClient()
    made = None
    outsiders = [w.member.user, staff(Role.ACCOUNTANT, EntityFactory(belgian=True))]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_for(w.accountant)}")
    made = api_client.post(
        "/api/v1/lettering/letterings/",
        {"entity": w.entity.pk, "lines": [x.pk for x in lines]},
        format="json",
    ).json()
    for user in outsiders:
        client.force_login(user)
        assert client.get(reverse("lettering-index", args=[w.entity.pk])).status_code == 404
        assert (
            client.get(
                reverse("lettering-account", args=[w.entity.pk, receivable(w).pk])
            ).status_code
            == 404
        )
        assert (
            client.post(
                reverse("lettering-unletter", args=[w.entity.pk, made["id"]]), {"reason": "x"}
            ).status_code
            == 404
        )
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_for(user)}")
        assert api.get(f"/api/v1/lettering/letterings/{made['id']}/").status_code == 404
        assert api.get("/api/v1/lettering/letterings/").json()["results"] == []
        assert (
            api.get("/api/v1/lettering/open-lines/", {"account": receivable(w).pk}).json()[
                "results"
            ]
            == []
        )
        assert (
            api.post(
                "/api/v1/lettering/letterings/",
                {"entity": w.entity.pk, "lines": [x.pk for x in lines]},
                format="json",
            ).status_code
            == 404
        )
    assert Lettering.objects.get().undone_at is None


def test_check_books_finds_a_lettering_that_does_not_balance():
    import io

    w = World("BE")
    a, b = open_pair(w), open_pair(w, "30.00")
    bad = Lettering.objects.create(
        entity=w.entity, account=receivable(w), number=1, code="AA", date=_today()
    )
    LetteredLine.objects.bulk_create(
        [LetteredLine(lettering=bad, line=a[0]), LetteredLine(lettering=bad, line=b[1])]
    )
    from django.core.management.base import CommandError

    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("check_books", entity=[w.entity.pk], stdout=out, stderr=out)
    assert "AA" in out.getvalue() and "≠" in out.getvalue()


def test_the_account_page_costs_the_same_queries_for_few_lines_or_many(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = World("BE")
    client.force_login(w.accountant)
    open_pair(w)
    url = reverse("lettering-account", args=[w.entity.pk, receivable(w).pk])
    letter = reverse("lettering-letter", args=[w.entity.pk, receivable(w).pk])
    client.post(letter, {"lines": [x.pk for x in open_pair(w, "5.00")]})
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(9):
        open_pair(w, "12.00")
    for _ in range(4):
        client.post(letter, {"lines": [x.pk for x in open_pair(w, "5.00")]})
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)  # not one query per line or per lettering
