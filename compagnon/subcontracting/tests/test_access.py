"""Who sees and does what, through the pages and the API: the two activities' people, their
advisors and the entity's administrators see a subcontract; anybody else gets 404; a visible
subcontract one may not act on answers 403. Bad input re-renders with 400 and what was typed;
lists cost a fixed number of queries."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from compagnon.core.tests.factories import api_token_for

from .. import services
from ..models import InternalInvoice, Policy, Status, Subcontract
from .helpers import Coop

pytestmark = pytest.mark.django_db


def _auth(user):
    return {"HTTP_AUTHORIZATION": f"Token {api_token_for(user)}"}


@pytest.fixture
def coop():
    coop = Coop("FR")
    coop.s = coop.ask("400")
    return coop


def test_a_asks_b_through_the_pages_and_b_accepts_and_invoices(client, coop):
    client.force_login(coop.a_member.user)
    r = client.get(reverse("subcontracting-new"))
    assert r.status_code == 200 and coop.b.name in r.content.decode()
    r = client.post(reverse("subcontracting-new"), {"ordering": coop.a.pk, "provider": coop.b.pk,
                                                    "description": "Drone photos", "amount": "350.00"})
    assert r.status_code == 302
    s = Subcontract.objects.get(description="Drone photos")
    assert client.get(reverse("subcontracting-list")).content.decode().count("Drone photos") == 1
    client.force_login(coop.b_member.user)
    body = client.get(reverse("subcontracting-list")).content.decode()
    assert "Waiting for your answer" in body and "Drone photos" in body
    assert client.post(reverse("subcontracting-decide", args=[s.pk, "accept"])).status_code == 302
    r = client.post(reverse("subcontracting-issue", args=[s.pk]))
    assert r.status_code == 302
    invoice = InternalInvoice.objects.get(subcontract=s)
    r = client.get(reverse("subcontracting-invoice", args=[invoice.pk]))
    assert r.status_code == 200 and invoice.number in r.content.decode()
    client.force_login(coop.a_member.user)
    assert client.get(reverse("subcontracting-invoice", args=[invoice.pk])).status_code == 200


def test_bad_input_is_answered_400_naming_the_field_nothing_lost(client, coop):
    client.force_login(coop.a_member.user)
    r = client.post(reverse("subcontracting-new"), {"ordering": coop.a.pk, "provider": coop.a.pk,
                                                    "description": "kept words", "amount": "12"})
    body = r.content.decode()
    assert r.status_code == 400 and "kept words" in body and "cannot subcontract to itself" in body
    r = client.post(reverse("subcontracting-new"), {"ordering": coop.a.pk, "provider": coop.b.pk,
                                                    "description": "kept words", "amount": "abc"})
    assert r.status_code == 400 and "Nothing you typed has been lost" in r.content.decode()


def test_nobody_else_sees_a_subcontract(client, coop):
    url = reverse("subcontracting-detail", args=[coop.s.pk])
    for user, code in ((coop.a_member.user, 200), (coop.b_member.user, 200), (coop.advisor, 200), (coop.admin, 200),
                       (coop.c_member.user, 404), (coop.outsider.user, 404), (coop.foreign_admin, 404),
                       (coop.accountant, 404)):
        client.force_login(user)
        assert client.get(url).status_code == code, user
        r = client.get(reverse("api-subcontracting-subcontract-detail", args=[coop.s.pk]), **_auth(user))
        assert r.status_code == code, user


def test_only_b_answers_and_only_a_withdraws(client, coop):
    client.force_login(coop.a_member.user)
    assert client.post(reverse("subcontracting-decide", args=[coop.s.pk, "accept"])).status_code == 403
    client.force_login(coop.c_member.user)
    assert client.post(reverse("subcontracting-decide", args=[coop.s.pk, "accept"])).status_code == 404
    client.force_login(coop.b_member.user)
    assert client.post(reverse("subcontracting-withdraw", args=[coop.s.pk])).status_code == 403
    r = client.post(reverse("api-subcontracting-subcontract-accept", args=[coop.s.pk]), **_auth(coop.a_member.user))
    assert r.status_code == 403
    r = client.post(reverse("api-subcontracting-subcontract-decline", args=[coop.s.pk]), {"answer": "busy"},
                    **_auth(coop.b_member.user))
    assert r.status_code == 200 and r.json()["status"] == Status.DECLINED and r.json()["answer"] == "busy"


def test_the_api_asks_accepts_issues_and_cancels(client, coop):
    a, b = _auth(coop.a_member.user), _auth(coop.b_member.user)
    url = reverse("api-subcontracting-subcontract-list")
    r = client.post(url, {"ordering": coop.a.pk, "provider": coop.b.pk, "description": "Logo", "amount": "90.00"},
                    content_type="application/json", **a)
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    r = client.post(url, {"ordering": coop.a.pk, "provider": coop.a.pk, "description": "x", "amount": "9"},
                    content_type="application/json", **a)
    assert r.status_code == 400 and "provider" in r.json()["error"]["fields"]
    r = client.post(url, {"ordering": coop.b.pk, "provider": coop.c.pk, "description": "x", "amount": "9"},
                    content_type="application/json", **a)
    assert r.status_code == 403  # not a holder of that activity
    assert client.post(reverse("api-subcontracting-subcontract-accept", args=[pk]), **b).status_code == 200
    r = client.post(reverse("api-subcontracting-subcontract-issue", args=[pk]), **b)
    assert r.status_code == 201 and r.json()["number"].startswith("INT-")
    invoice_pk = r.json()["id"]
    r = client.get(reverse("api-subcontracting-subcontract-list") + "?side=received", **b)
    data = r.json()
    rows = data["results"] if isinstance(data, dict) else data
    assert sorted(row["id"] for row in rows) == sorted([pk, coop.s.pk])
    r = client.post(reverse("api-subcontracting-invoice-cancel", args=[invoice_pk]), **a)
    assert r.status_code == 403  # A does not cancel B's invoice
    r = client.post(reverse("api-subcontracting-invoice-cancel", args=[invoice_pk]), **b)
    assert r.status_code == 201 and r.json()["kind"] == "credit_note"
    r = client.get(reverse("api-subcontracting-invoice-list"), **_auth(coop.c_member.user))
    assert r.status_code == 200 and "INT-" not in r.content.decode()


def test_staff_list_and_the_setting(client, coop):
    client.force_login(coop.admin)
    r = client.get(reverse("subcontracting-entity", args=[coop.entity.pk]))
    assert r.status_code == 200 and "Photos of the catalogue" in r.content.decode()
    r = client.post(reverse("subcontracting-settings", args=[coop.entity.pk]), {"internal_rate": "150"})
    assert r.status_code == 400
    r = client.post(reverse("subcontracting-settings", args=[coop.entity.pk]), {"internal_rate": "2.5"})
    assert r.status_code == 302 and Policy.objects.get(entity=coop.entity).internal_rate == D("2.5")
    client.force_login(coop.advisor)
    assert client.get(reverse("subcontracting-entity", args=[coop.entity.pk])).status_code == 200
    assert client.get(reverse("subcontracting-settings", args=[coop.entity.pk])).status_code == 404
    r = client.put(reverse("api-subcontracting-settings-detail", args=[coop.entity.pk]), {"internal_rate": "1"},
                   content_type="application/json", **_auth(coop.advisor))
    assert r.status_code == 403
    r = client.put(reverse("api-subcontracting-settings-detail", args=[coop.entity.pk]), {"internal_rate": "1"},
                   content_type="application/json", **_auth(coop.admin))
    assert r.status_code == 200 and r.json()["internal_rate"] == "1.00"
    for user in (coop.a_member.user, coop.foreign_admin):
        client.force_login(user)
        assert client.get(reverse("subcontracting-entity", args=[coop.entity.pk])).status_code == 404
        assert client.get(reverse("api-subcontracting-settings-detail", args=[coop.entity.pk]),
                          **_auth(user)).status_code == 404


def test_lists_cost_a_fixed_number_of_queries(client, coop, django_assert_max_num_queries):
    for n in range(6):
        s = coop.ask(str(100 + n), description=f"job {n}")
        if n % 2:
            services.issue_by_hand(actor=coop.b_member.user, subcontract=coop.accept(s))
    client.force_login(coop.a_member.user)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("subcontracting-list")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("api-subcontracting-subcontract-list"), **_auth(coop.a_member.user)).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("api-subcontracting-invoice-list"), **_auth(coop.a_member.user)).status_code == 200
    client.force_login(coop.admin)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("subcontracting-entity", args=[coop.entity.pk])).status_code == 200
