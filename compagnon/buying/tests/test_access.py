"""Who sees what through the pages and the API: another entity's member gets 404; a member cannot
join with someone else's activity; members see totals and their own quantities, the opener and
staff see everyone's; bad input answers 400 naming the field, nothing typed lost; lists cost a
fixed number of queries."""

import pytest
from django.urls import reverse

from compagnon.core.tests.factories import api_token_for

from .. import services
from ..models import GroupPurchase, Participation, SupplierRating
from .helpers import D, coop, days, joined, open_group

pytestmark = pytest.mark.django_db


def _auth(user):
    return {"HTTP_AUTHORIZATION": f"Token {api_token_for(user)}"}


@pytest.fixture
def c():
    c = coop()
    services.save_terms(actor=c["admin"], supplier=c["supplier"], discount_percent="12", conditions="Free delivery")
    services.rate(actor=c["yanis"].user, supplier=c["supplier"], stars=4, comment="Quick delivery")
    c["group"] = joined(c, open_group(c), {"camille": "3", "yanis": "4"})
    return c


def test_member_browses_the_supplier_base_rates_and_sees_the_terms(client, c):
    client.force_login(c["camille"].user)
    body = client.get(reverse("buying-suppliers"), {"q": "durand"}).content.decode()
    assert "Papeterie Durand" in body and "4 / 5" in body.replace("\xa0", " ")
    assert "Papeterie Durand" not in client.get(reverse("buying-suppliers"), {"q": "zzz"}).content.decode()
    r = client.get(reverse("buying-supplier", args=[c["supplier"].pk]))
    assert r.status_code == 200 and "Free delivery" in r.content.decode() and "Quick delivery" in r.content.decode()
    r = client.post(reverse("buying-supplier", args=[c["supplier"].pk]), {"stars": "5", "comment": "Great"})
    assert r.status_code == 302 and SupplierRating.objects.get(member=c["camille"]).stars == 5
    r = client.post(reverse("buying-supplier", args=[c["supplier"].pk]), {"stars": "9", "comment": "kept text"})
    assert r.status_code == 400 and "kept text" in r.content.decode()
    assert client.get(reverse("buying-terms", args=[c["supplier"].pk])).status_code == 403


def test_staff_edit_terms_and_hide_a_comment(client, c):
    client.force_login(c["admin"])
    r = client.post(reverse("buying-terms", args=[c["supplier"].pk]),
                    {"discount_percent": "15", "contact_email": "not an email", "conditions": "kept conditions"})
    assert r.status_code == 400 and "kept conditions" in r.content.decode()
    r = client.post(reverse("buying-terms", args=[c["supplier"].pk]), {"discount_percent": "15"})
    assert r.status_code == 302 and c["supplier"].terms.__class__.objects.get().discount_percent == D("15")
    rating = SupplierRating.objects.get()
    assert client.post(reverse("buying-rating-hide", args=[rating.pk]), {"hidden": "1"}).status_code == 302
    client.force_login(c["camille"].user)
    assert "Quick delivery" not in client.get(reverse("buying-supplier", args=[c["supplier"].pk])).content.decode()


def test_another_entitys_member_and_admin_see_nothing(client, c):
    rating = SupplierRating.objects.get()
    for user in (c["outsider"].user, c["foreign_admin"]):
        client.force_login(user)
        for name, args in (("buying-supplier", [c["supplier"].pk]), ("buying-terms", [c["supplier"].pk]),
                           ("buying-group", [c["group"].pk])):
            assert client.get(reverse(name, args=args)).status_code == 404
        assert client.post(reverse("buying-rating-hide", args=[rating.pk])).status_code == 404
        assert client.post(reverse("buying-group-join", args=[c["group"].pk]),
                           {"activity": c["outsider_activity"].pk, "quantity": "1"}).status_code == 404
        listed = client.get(reverse("buying-suppliers")).content.decode()
        assert reverse("buying-supplier", args=[c["supplier"].pk]) not in listed
        assert "Paper for everyone" not in client.get(reverse("buying-groups"), {"show": "open"}).content.decode()
        api = client.get(reverse("api-buying-group-list"), **_auth(user)).json()
        assert api["count"] == 0
        assert client.get(reverse("api-buying-supplier-detail", args=[c["supplier"].pk]), **_auth(user)).status_code == 404
        assert client.post(reverse("api-buying-group-join", args=[c["group"].pk]),
                           {"activity": c["outsider_activity"].pk, "quantity": "1"},
                           content_type="application/json", **_auth(user)).status_code == 404


def test_a_member_sees_totals_and_own_quantity_the_opener_sees_all(client, c):
    client.force_login(c["ines"].user)
    body = client.get(reverse("buying-group", args=[c["group"].pk])).content.decode()
    assert c["activity"].name not in body and c["yanis_activity"].name not in body and "7" in body
    client.force_login(c["yanis"].user)
    body = client.get(reverse("buying-group", args=[c["group"].pk])).content.decode()
    assert c["yanis_activity"].name in body and c["activity"].name not in body
    data = client.get(reverse("api-buying-group-detail", args=[c["group"].pk]), **_auth(c["yanis"].user)).json()
    assert [p["activity"] for p in data["participants"]] == [c["yanis_activity"].pk]
    assert data["total_quantity"] == "7.00"
    client.force_login(c["camille"].user)  # the opener
    body = client.get(reverse("buying-group", args=[c["group"].pk])).content.decode()
    assert c["activity"].name in body and c["yanis_activity"].name in body
    data = client.get(reverse("api-buying-group-detail", args=[c["group"].pk]), **_auth(c["advisor"])).json()
    assert len(data["participants"]) == 2


def test_joining_through_the_page_and_never_with_someone_elses_activity(client, c):
    client.force_login(c["ines"].user)
    url = reverse("buying-group-join", args=[c["group"].pk])
    r = client.post(url, {"activity": c["yanis_activity"].pk, "quantity": "2"})
    assert r.status_code == 400 and not Participation.objects.filter(activity=c["yanis_activity"], quantity=2).exists()
    r = client.post(url, {"activity": c["ines_activity"].pk, "quantity": "abc"})
    assert r.status_code == 400 and "Nothing you typed has been lost" in r.content.decode()
    assert client.post(url, {"activity": c["ines_activity"].pk, "quantity": "2.5"}).status_code == 302
    assert Participation.objects.get(activity=c["ines_activity"]).quantity == D("2.5")
    r = client.post(reverse("buying-group-leave", args=[c["group"].pk, c["yanis_activity"].pk]))
    assert r.status_code == 404 and Participation.objects.filter(activity=c["yanis_activity"]).exists()
    api = reverse("api-buying-group-join", args=[c["group"].pk])
    r = client.post(api, {"activity": c["yanis_activity"].pk, "quantity": "9"}, content_type="application/json",
                    **_auth(c["ines"].user))
    assert r.status_code == 404 and Participation.objects.get(activity=c["yanis_activity"]).quantity == D("4")
    r = client.post(api, {"activity": c["ines_activity"].pk, "quantity": "0"}, content_type="application/json",
                    **_auth(c["ines"].user))
    assert r.status_code == 400 and "quantity" in r.json()["error"]["fields"]


def test_opening_a_group_purchase_by_page_and_api(client, c):
    client.force_login(c["yanis"].user)
    form = {"supplier": c["supplier"].pk, "title": "Ink", "description": "Black ink", "unit": "cartridge",
            "unit_price": "12.5", "deadline": days(-1).isoformat(), "minimum_quantity": "10"}
    r = client.post(reverse("buying-group-new"), form)
    assert r.status_code == 400 and "The deadline cannot be in the past." in r.content.decode()
    assert "Black ink" in r.content.decode()
    r = client.post(reverse("buying-group-new"), {**form, "deadline": days(3).isoformat()})
    assert r.status_code == 302 and GroupPurchase.objects.filter(title="Ink").exists()
    r = client.post(reverse("api-buying-group-list"), {**form, "title": "Ink 2", "deadline": days(3).isoformat()},
                    content_type="application/json", **_auth(c["admin"]))
    assert r.status_code == 201 and r.json()["state"] == "open"
    r = client.post(reverse("api-buying-group-list"),
                    {**form, "supplier": c["outsider_supplier"].pk, "deadline": days(3).isoformat()},
                    content_type="application/json", **_auth(c["yanis"].user))
    assert r.status_code == 404


def test_api_supplier_base_terms_and_ratings(client, c):
    r = client.get(reverse("api-buying-supplier-list"), {"q": "Durand"}, **_auth(c["camille"].user))
    row = r.json()["results"][0]
    assert row["terms"]["discount_percent"] == "12.00" and row["rating_count"] == 1
    url = reverse("api-buying-supplier-rating", args=[c["supplier"].pk])
    r = client.post(url, {"stars": 3, "comment": "ok"}, content_type="application/json", **_auth(c["camille"].user))
    assert r.status_code == 200 and r.json()["stars"] == 3
    terms = reverse("api-buying-supplier-terms", args=[c["supplier"].pk])
    body = {"discount_percent": "5", "conditions": "", "contact_name": "", "contact_email": "", "contact_phone": ""}
    assert client.put(terms, body, content_type="application/json", **_auth(c["camille"].user)).status_code == 403
    assert client.put(terms, body, content_type="application/json", **_auth(c["accountant"])).status_code == 200
    rating = SupplierRating.objects.get(member=c["yanis"])
    hide = reverse("api-buying-rating-hide", args=[rating.pk])
    assert client.post(hide, {"hidden": True}, content_type="application/json",
                       **_auth(c["camille"].user)).status_code == 403
    assert client.post(hide, {"hidden": True}, content_type="application/json", **_auth(c["admin"])).json()["hidden"]


def test_lists_cost_a_fixed_number_of_queries(client, c, django_assert_max_num_queries):
    from compagnon.purchases import suppliers

    for i in range(6):
        s = suppliers.save_supplier(actor=c["accountant"], entity=c["entity"], name=f"Supplier {i}")
        services.save_terms(actor=c["admin"], supplier=s, discount_percent="5")
        g = open_group(c, title=f"Group {i}")
        joined(c, g, {"ines": "1"})
    client.force_login(c["camille"].user)
    token = _auth(c["camille"].user)
    for name, params in (("buying-suppliers", {}), ("buying-groups", {"show": "open"}),
                         ("buying-groups", {"show": "mine"})):
        with django_assert_max_num_queries(14):
            assert client.get(reverse(name), params).status_code == 200
    for name in ("api-buying-supplier-list", "api-buying-group-list"):
        with django_assert_max_num_queries(10):
            assert client.get(reverse(name), **token).status_code == 200


def test_every_page_answers_for_members_and_staff(client, c):
    from .. import group

    joined(c, c["group"], {"ines": "3"})  # 10: the minimum
    group.settle(actor=c["camille"].user, group=c["group"])
    pages = [("buying-groups", [], {"show": "past"}), ("buying-groups", [], {"show": "mine"}),
             ("buying-group-new", [], {"supplier": c["supplier"].pk}), ("buying-group", [c["group"].pk], {}),
             ("buying-supplier", [c["supplier"].pk], {})]
    for user in (c["camille"].user, c["admin"], c["advisor"], c["accountant"]):
        client.force_login(user)
        for name, args, params in pages:
            assert client.get(reverse(name, args=args), params).status_code == 200, (name, user)
    client.force_login(c["admin"])
    body = client.get(reverse("buying-group", args=[c["group"].pk])).content.decode()
    assert "Link the invoice" in body
    assert client.get(reverse("buying-terms", args=[c["supplier"].pk])).status_code == 200
    assert client.get(reverse("buying-groups"), {"show": "bogus"}).status_code == 400
