"""Who sees what through the pages and the API: outsiders get 404; a member sees only the
exchanges they are part of; staff read totals, not details. Bad input re-renders with 400 and
what was typed; lists cost a fixed number of queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compagnon.core.tests.factories import api_token_for

from .. import barter, positions
from ..models import BarterExchange, ExchangeStatus, SharedPosition
from .helpers import ago, coop, last_month

pytestmark = pytest.mark.django_db
D = Decimal


def _auth(user):
    return {"HTTP_AUTHORIZATION": f"Token {api_token_for(user)}"}


@pytest.fixture
def c():
    c = coop()
    a, b, _ = c["members"]
    c["exchange"] = barter.record_exchange(actor=a.user, receiver=b, date=ago(1), hours=D("2"), description="website help")
    c["position"] = positions.create_position(
        actor=c["admin"], entity=c["entity"], title="Shared assistant", hours_per_week=D("10"), employer=None,
        monthly_cost=D("900"), starts_on=last_month(), shares=[(c["activities"][0], D("50")), (c["activities"][1], D("50"))],
    )
    return c


def test_the_barter_page_shows_my_exchanges_and_records_one(client, c):
    a, b, d = c["members"]
    client.force_login(b.user)
    r = client.get(reverse("cooperation-barter"))
    assert r.status_code == 200 and "website help" in r.content.decode()
    r = client.post(reverse("cooperation-exchange-decide", args=[c["exchange"].pk, "confirm"]))
    assert r.status_code == 302
    c["exchange"].refresh_from_db()
    assert c["exchange"].status == ExchangeStatus.CONFIRMED
    r = client.post(reverse("cooperation-barter"), {"receiver": d.pk, "date": ago(2).isoformat(), "hours": "1.5", "description": "photos"})
    assert r.status_code == 302 and BarterExchange.objects.filter(giver=b, receiver=d).exists()
    client.force_login(d.user)
    assert "website help" not in client.get(reverse("cooperation-barter")).content.decode()


def test_bad_input_is_answered_400_naming_the_field_nothing_lost(client, c):
    a, b, _ = c["members"]
    client.force_login(a.user)
    r = client.post(reverse("cooperation-barter"), {"receiver": b.pk, "date": ago(-5).isoformat(), "hours": "2", "description": "kept text"})
    body = r.content.decode()
    assert r.status_code == 400 and "kept text" in body and "The date cannot be in the future." in body
    r = client.post(reverse("cooperation-barter"), {"receiver": b.pk, "date": ago(1).isoformat(), "hours": "abc", "description": "kept"})
    assert r.status_code == 400 and "Nothing you typed has been lost" in r.content.decode()
    client.force_login(c["admin"])
    url = reverse("cooperation-position-new", args=[c["entity"].pk])
    acts = c["activities"]
    data = {"title": "Typed title", "hours_per_week": "10", "monthly_cost": "100", "starts_on": ago(3).isoformat(),
            "activity_1": acts[0].pk, "percent_1": "50", "activity_2": acts[1].pk, "percent_2": "40"}
    r = client.post(url, data)
    assert r.status_code == 400 and "Typed title" in r.content.decode() and "100" in r.content.decode()
    data["percent_2"] = "50"
    assert client.post(url, data).status_code == 302
    r = client.post(reverse("cooperation-position-cost", args=[c["position"].pk]), {"monthly_cost": "-3"})
    assert r.status_code == 400


def test_the_exchange_of_others_is_404_for_members_and_staff(client, c):
    for user in (c["members"][2].user, c["admin"], c["outsider"].user):
        client.force_login(user)
        assert client.post(reverse("cooperation-exchange-decide", args=[c["exchange"].pk, "confirm"])).status_code == 404
        client.logout()
        h = _auth(user)
        assert client.get(f"/api/v1/cooperation/exchanges/{c['exchange'].pk}/", **h).status_code == 404
        assert client.post(f"/api/v1/cooperation/exchanges/{c['exchange'].pk}/confirm/", **h).status_code == 404
    # the giver sees it but may not confirm it
    client.force_login(c["members"][0].user)
    assert client.post(reverse("cooperation-exchange-decide", args=[c["exchange"].pk, "confirm"])).status_code == 403


@pytest.mark.parametrize("who", ["outsider", "foreign_admin"])
def test_outsiders_get_404_on_pages_and_api(client, c, who):
    user = c[who].user if who == "outsider" else c[who]
    p, e = c["position"], c["entity"]
    share = p.shares.first()
    client.force_login(user)
    for url in [
        reverse("cooperation-barter-totals", args=[e.pk]),
        reverse("cooperation-position", args=[p.pk]),
        reverse("cooperation-position-new", args=[e.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    for url in [
        reverse("cooperation-position-cost", args=[p.pk]),
        reverse("cooperation-position-end", args=[p.pk]),
        reverse("cooperation-share-decide", args=[share.pk, "accept"]),
    ]:
        assert client.post(url, {"monthly_cost": "1"}).status_code == 404, url
    client.logout()
    h = _auth(user)
    assert client.get(f"/api/v1/cooperation/positions/{p.pk}/", **h).status_code == 404
    assert client.get(f"/api/v1/cooperation/positions/{p.pk}/charges/", **h).status_code == 404
    assert client.post(f"/api/v1/cooperation/positions/{p.pk}/cost/", {"monthly_cost": "1"}, **h).status_code == 404
    assert client.post(f"/api/v1/cooperation/position-shares/{share.pk}/accept/", **h).status_code == 404
    assert client.get("/api/v1/cooperation/positions/", **h).json()["count"] == 0
    assert client.get(f"/api/v1/cooperation/barter/totals/?entity={e.pk}", **h).json()["count"] == 0
    assert client.get("/api/v1/cooperation/exchanges/", **h).json()["count"] == 0
    r = client.post("/api/v1/cooperation/positions/", {"entity": e.pk, "title": "x", "hours_per_week": "1",
                    "starts_on": "2026-01-01", "shares": []}, content_type="application/json", **h)
    assert r.status_code == 404


def test_staff_read_totals_not_details(client, c):
    client.force_login(c["admin"])
    r = client.get(reverse("cooperation-barter-totals", args=[c["entity"].pk]))
    assert r.status_code == 200 and "website help" not in r.content.decode()
    client.force_login(c["members"][0].user)
    assert client.get(reverse("cooperation-barter-totals", args=[c["entity"].pk])).status_code == 404
    client.logout()
    h = _auth(c["advisor"])
    rows = client.get(f"/api/v1/cooperation/barter/totals/?entity={c['entity'].pk}", **h).json()["results"]
    assert {r["member"] for r in rows} >= {m.pk for m in c["members"]}
    assert client.get("/api/v1/cooperation/exchanges/", **h).json()["count"] == 0


def test_the_api_records_confirms_and_manages_positions(client, c):
    a, b, d = c["members"]
    r = client.post("/api/v1/cooperation/exchanges/", {"receiver": d.pk, "date": ago(1).isoformat(), "hours": "1.5",
                    "description": "spreadsheet"}, **_auth(a.user))
    assert r.status_code == 201, r.content
    r = client.post("/api/v1/cooperation/exchanges/", {"receiver": c["outsider"].pk, "date": ago(1).isoformat(),
                    "hours": "1", "description": "x"}, **_auth(a.user))
    assert r.status_code == 400 and "receiver" in r.json()["error"]["fields"]
    pk = c["exchange"].pk
    assert client.post(f"/api/v1/cooperation/exchanges/{pk}/confirm/", **_auth(b.user)).json()["status"] == "confirmed"
    assert client.get("/api/v1/cooperation/barter/balance/", **_auth(a.user)).json()["balance"] == "2.00"
    admin = _auth(c["admin"])
    acts = c["activities"]
    r = client.post("/api/v1/cooperation/positions/", {
        "entity": c["entity"].pk, "title": "Bookkeeper", "hours_per_week": "8", "employer": acts[2].pk,
        "monthly_cost": "1000.00", "starts_on": last_month().isoformat(),
        "shares": [{"activity": acts[0].pk, "percent": "33.33"}, {"activity": acts[1].pk, "percent": "33.33"},
                   {"activity": acts[2].pk, "percent": "33.33"}],
    }, content_type="application/json", **admin)
    assert r.status_code == 400 and "shares" in r.json()["error"]["fields"]
    p = c["position"]
    share = p.shares.get(activity=acts[0])
    assert client.post(f"/api/v1/cooperation/position-shares/{share.pk}/accept/", **_auth(a.user)).json()["status"] == "accepted"
    r = client.post(f"/api/v1/cooperation/positions/{p.pk}/cost/", {"monthly_cost": "950.00"}, **admin)
    assert r.status_code == 200 and r.json()["monthly_cost"] == "950.00"
    assert client.post(f"/api/v1/cooperation/positions/{p.pk}/cost/", {"monthly_cost": "1"}, **_auth(a.user)).status_code == 403
    assert client.post(f"/api/v1/cooperation/positions/{p.pk}/end/", {}, **admin).json()["ended_on"]


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_pages_cost_a_fixed_number_of_queries(client, c):
    a, b, d = c["members"]
    client.force_login(c["admin"])
    totals = reverse("cooperation-barter-totals", args=[c["entity"].pk])
    _count(client, totals)
    t0 = _count(client, totals)
    client.force_login(b.user)
    few = {u: _count(client, reverse(u)) for u in ("cooperation-barter", "cooperation-positions")}
    for i in range(6):
        ex = barter.record_exchange(actor=a.user, receiver=b, date=ago(i + 2), hours=D("1"), description=f"help {i}")
        barter.confirm_exchange(actor=b.user, exchange=ex)
        barter.record_exchange(actor=b.user, receiver=d, date=ago(i + 2), hours=D("1"), description=f"more {i}")
        positions.create_position(
            actor=c["admin"], entity=c["entity"], title=f"P{i}", hours_per_week=D("5"), starts_on=last_month(),
            shares=[(c["activities"][0], D("50")), (c["activities"][1], D("50"))],
        )
    assert SharedPosition.objects.count() == 7
    for u, n in few.items():
        assert _count(client, reverse(u)) == n, u
    client.force_login(c["admin"])
    _count(client, totals)
    assert _count(client, totals) == t0


def test_members_read_the_position_and_its_monthly_charges(client, c):
    p = c["position"]
    for share, member in zip(p.shares.order_by("id"), c["members"], strict=False):
        positions.accept_share(actor=member.user, share=share)
    positions.charge_month(position=p, month=last_month())
    client.force_login(c["members"][0].user)
    body = client.get(reverse("cooperation-position", args=[p.pk])).content.decode()
    assert "450.00" in body and "Manage the position" not in body
    assert client.get(reverse("cooperation-position", args=[p.pk]) + "?x=1").status_code == 200
    assert client.get(reverse("cooperation-position", args=[p.pk])).status_code == 200
    client.force_login(c["members"][2].user)
    assert client.get(reverse("cooperation-position", args=[p.pk])).status_code == 404
    client.force_login(c["admin"])
    assert "Manage the position" in client.get(reverse("cooperation-position", args=[p.pk])).content.decode()
    client.logout()
    rows = client.get(f"/api/v1/cooperation/positions/{p.pk}/charges/", **_auth(c["members"][1].user)).json()["results"]
    assert rows[0]["split"] == {str(c["activities"][0].pk): "450.00", str(c["activities"][1].pk): "450.00"}


def test_hostile_parameters_are_answered_400_not_500(client, c):
    client.force_login(c["admin"])
    for url in (reverse("cooperation-barter"), reverse("cooperation-positions"),
                reverse("cooperation-barter-totals", args=[c["entity"].pk])):
        assert client.get(url, {"page": "x\x00"}).status_code == 400, url
    client.logout()
    h = _auth(c["admin"])
    for url in ("/api/v1/cooperation/positions/", "/api/v1/cooperation/barter/totals/"):
        r = client.get(url, {"entity": "99999999999999999999"}, **h)
        assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_parameter", url
        assert client.get(url, {"page_size": "0"}, **h).status_code == 400
