"""Who sees what, through the pages and the API: members see their own shares and their entity's
assemblies; the register is for the entity's administrators and accountants; anybody else gets
404. Lists cost a fixed number of queries; bad input is answered naming the field."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compagnon.core.tests.factories import MemberFactory, api_token_for

from .. import register, voting
from .helpers import ago, coop, open_assembly

pytestmark = pytest.mark.django_db
D = Decimal


def _auth(user):
    return {"HTTP_AUTHORIZATION": f"Token {api_token_for(user)}"}


@pytest.fixture
def c():
    c = coop(members=3)
    c["assembly"], (c["resolution"],) = open_assembly(c)
    return c


def test_a_member_sees_their_shares_and_assemblies_not_the_register(client, c):
    me = c["members"][0]
    client.force_login(me.user)
    assert client.get(reverse("governance-index")).status_code == 200
    assert client.get(reverse("governance-associate", args=[c["associates"][0].pk])).status_code == 200
    assert client.get(reverse("governance-associate", args=[c["associates"][1].pk])).status_code == 404
    assert client.get(reverse("governance-register", args=[c["entity"].pk])).status_code == 404
    assert client.get(reverse("governance-assembly", args=[c["assembly"].pk])).status_code == 200
    assert client.get(reverse("governance-decisions", args=[c["entity"].pk])).status_code == 200
    r = client.post(reverse("governance-movement", args=[c["associates"][0].pk]), {"kind": "payment"})
    assert r.status_code == 403


@pytest.mark.parametrize("who", ["outsider", "foreign_admin"])
def test_outsiders_get_404_on_pages_and_api(client, c, who):
    user = c[who].user if who == "outsider" else c[who]
    client.force_login(user)
    e, a = c["entity"].pk, c["assembly"].pk
    for url in [
        reverse("governance-register", args=[e]),
        reverse("governance-associate", args=[c["associates"][0].pk]),
        reverse("governance-assemblies", args=[e]),
        reverse("governance-assembly", args=[a]),
        reverse("governance-verify", args=[a]),
        reverse("governance-decisions", args=[e]),
    ]:
        assert client.get(url).status_code == 404, url
    client.logout()
    h = _auth(user)
    for url in [
        f"/api/v1/governance/assemblies/{a}/",
        f"/api/v1/governance/associates/{c['associates'][0].pk}/",
    ]:
        assert client.get(url, **h).status_code == 404, url
    r = client.post(
        f"/api/v1/governance/assemblies/{a}/vote/",
        {"resolution": c["resolution"].pk, "choice": "for"},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 404
    assert client.get(f"/api/v1/governance/associates/?entity={e}", **h).json()["count"] == 0


def test_the_accountant_keeps_the_register_through_the_page_and_the_api(client, c):
    client.force_login(c["accountant"])
    page = client.get(reverse("governance-register", args=[c["entity"].pk]))
    assert page.status_code == 200 and c["members"][0].number in page.content.decode()
    r = client.post(
        reverse("governance-movement", args=[c["associates"][0].pk]),
        {"kind": "subscription", "date": str(ago(1)), "shares": "3"},
    )
    assert r.status_code == 302
    assert register.holding(c["associates"][0]).shares == 5
    client.logout()
    h = _auth(c["accountant"])
    r = client.post(
        "/api/v1/governance/movements/",
        {"associate": c["associates"][0].pk, "kind": "payment", "date": str(ago(1)), "amount": "1000.00"},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 400
    assert "amount" in r.json()["error"]["fields"]
    r = client.post(
        "/api/v1/governance/movements/",
        {"associate": c["associates"][0].pk, "kind": "payment", "date": str(ago(1)), "amount": "150.00"},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 201 and r.json()["entry"]
    listing = client.get(f"/api/v1/governance/associates/?entity={c['entity'].pk}", **h).json()
    assert listing["count"] == 3 and listing["results"][0]["holding"]["shares"] == 5


def test_bad_input_on_a_page_names_the_field_and_keeps_the_form(client, c):
    client.force_login(c["admin"])
    r = client.post(
        reverse("governance-movement", args=[c["associates"][0].pk]),
        {"kind": "transfer", "date": str(ago(1)), "shares": "1", "to": "NOBODY"},
    )
    assert r.status_code == 400
    body = r.content.decode()
    assert "No associate of this entity has this member number." in body and 'id="id_to_error"' in body
    r = client.post(reverse("governance-settings", args=[c["entity"].pk]), {"share_nominal": "12", "max_proxies": "2"})
    assert r.status_code == 400 and "id_share_nominal_error" in r.content.decode()


def test_voting_through_the_page_shows_a_receipt_that_the_check_page_finds(client, c):
    me = c["members"][0]
    client.force_login(me.user)
    r = client.post(reverse("governance-vote", args=[c["assembly"].pk, c["resolution"].pk]), {"choice": "against"})
    assert r.status_code == 200
    receipt = r.context["receipt"]
    assert receipt in r.content.decode()
    r = client.post(reverse("governance-verify", args=[c["assembly"].pk]), {"receipt": receipt})
    assert r.status_code == 200 and "as cast: against" in r.content.decode()
    r = client.post(reverse("governance-vote", args=[c["assembly"].pk, c["resolution"].pk]), {"choice": "for"})
    assert r.status_code == 302
    r = client.post(reverse("governance-verify", args=[c["assembly"].pk]), {"receipt": ""})
    assert r.status_code == 400 and "id_receipt_error" in r.content.decode()


def test_voting_through_the_api_and_minutes_once_closed(client, c):
    h = _auth(c["members"][1].user)
    r = client.post(
        f"/api/v1/governance/assemblies/{c['assembly'].pk}/vote/",
        {"resolution": c["resolution"].pk, "choice": "for"},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 201
    receipt = r.json()["receipt"]
    r = client.post(
        f"/api/v1/governance/assemblies/{c['assembly'].pk}/verify/",
        {"receipt": receipt},
        content_type="application/json",
        **h,
    )
    assert r.json() == {"found": True, "resolution": c["resolution"].pk, "choice": "for"}
    r = client.post(
        f"/api/v1/governance/assemblies/{c['assembly'].pk}/vote/",
        {"resolution": c["resolution"].pk, "choice": "maybe"},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 400 and "choice" in r.json()["error"]["fields"]
    voting.close(actor=c["admin"], assembly=c["assembly"])
    client.force_login(c["members"][1].user)
    pdf = client.get(reverse("governance-minutes", args=[c["assembly"].pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    page = client.get(reverse("governance-decisions", args=[c["entity"].pk]))
    assert "Adopted" in page.content.decode()
    assert client.get("/api/v1/governance/my-shares/", **h).json()["shares"] == 2


def test_the_admin_runs_an_assembly_from_the_pages(client, c, settings):
    client.force_login(c["admin"])
    r = client.post(
        reverse("governance-assemblies", args=[c["entity"].pk]),
        {"title": "Extraordinary", "kind": "extraordinary", "held_at": "2030-05-01T18:00", "place": "", "online_url": ""},
    )
    assert r.status_code == 400 and "id_place_error" in r.content.decode()
    r = client.post(
        reverse("governance-assemblies", args=[c["entity"].pk]),
        {"title": "Extraordinary", "kind": "extraordinary", "held_at": "2030-05-01T18:00", "place": "Hall", "online_url": ""},
    )
    assert r.status_code == 302
    pk = int(r.url.rstrip("/").rsplit("/", 1)[-1])
    r = client.post(reverse("governance-resolution-add", args=[pk]), {"title": "Statutes", "majority": "two_thirds", "quorum": "33", "secret": "on"})
    assert r.status_code == 302
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = client.post(reverse("governance-document-add", args=[pk]), {"title": "Report", "file": SimpleUploadedFile("r.pdf", b"%PDF-1.4 x")})
    assert r.status_code == 302
    for step in ("convene", "open", "close"):
        assert client.post(reverse("governance-step", args=[pk, step])).status_code == 302
    page = client.get(reverse("governance-assembly", args=[pk]))
    assert "Not adopted" in page.content.decode()


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_list_pages_cost_a_fixed_number_of_queries(client, c):
    client.force_login(c["admin"])
    urls = [
        reverse("governance-register", args=[c["entity"].pk]),
        reverse("governance-assemblies", args=[c["entity"].pk]),
        reverse("governance-decisions", args=[c["entity"].pk]),
        reverse("governance-index"),
    ]
    voting.close(actor=c["admin"], assembly=c["assembly"])
    before = [_queries(client, u) for u in urls]
    for _ in range(5):
        m = MemberFactory(office=c["office"])
        register.admit_associate(actor=c["admin"], member=m, category=c["workers"], joined_on=ago(10), shares=1)
    more, (_r,) = open_assembly(c)
    voting.close(actor=c["admin"], assembly=more)
    after = [_queries(client, u) for u in urls]
    assert before == after
    assert max(after) <= 25
