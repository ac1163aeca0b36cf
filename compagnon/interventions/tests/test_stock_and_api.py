"""The sector's stock and shared equipment, and the API of presences, sheets, stock, bookings and
home codes: same rules as the pages."""

import datetime
import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from compagnon.core.tests.factories import api_token_for
from compagnon.interventions import services, services_stock
from compagnon.interventions.models import Equipment, EquipmentBooking, Presence, Sheet

from .helpers import jpeg, world

pytestmark = pytest.mark.django_db


def _api(client, user):
    client.logout()
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {api_token_for(user)}"
    return client


def test_stock_page_restock_and_the_reorder_list(client):
    w = world()
    client.force_login(w.member.user)
    client.post(
        reverse("interventions-stock-add", args=[w.sector.pk]),
        {"name": "Terreau", "unit": "KGM", "quantity": "5", "reorder_at": "10"},
    )
    client.post(
        reverse("interventions-stock-add", args=[w.sector.pk]),
        {"name": "Ficelle", "quantity": "30", "reorder_at": "2"},
    )
    page = client.get(reverse("interventions-stock") + f"?sector={w.sector.pk}&reorder=1")
    assert [i.name for i in page.context["items"]] == ["Terreau"]
    terreau = w.sector.stock.get(name="Terreau")
    client.post(reverse("interventions-restock", args=[terreau.pk]), {"quantity": "20"})
    terreau.refresh_from_db()
    assert terreau.quantity == 25 and not terreau.to_reorder
    client.post(reverse("interventions-restock", args=[terreau.pk]), {"quantity": "abc"})
    terreau.refresh_from_db()
    assert terreau.quantity == 25
    client.force_login(w.outsider.user)
    assert client.get(reverse("interventions-stock") + f"?sector={w.sector.pk}").status_code == 404
    assert (
        client.post(
            reverse("interventions-restock", args=[terreau.pk]), {"quantity": "1"}
        ).status_code
        == 404
    )


def test_stock_page_queries_do_not_grow_with_items(client):
    w = world()
    services_stock.create_stock_item(actor=w.member.user, sector=w.sector, name="A")
    client.force_login(w.member.user)
    url = reverse("interventions-stock")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(10):
        services_stock.create_stock_item(
            actor=w.member.user, sector=w.sector, name=f"Item {n}", quantity=n
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_equipment_cannot_be_booked_twice(client):
    w = world()
    shredder = services_stock.add_equipment(actor=w.member.user, sector=w.sector, name="Broyeur")
    start = timezone.localtime().replace(minute=0, second=0, microsecond=0) + datetime.timedelta(
        days=1
    )
    client.force_login(w.member.user)
    fmt = "%Y-%m-%dT%H:%M"
    client.post(
        reverse("interventions-book", args=[shredder.pk]),
        {
            "starts_at": start.strftime(fmt),
            "ends_at": (start + datetime.timedelta(hours=4)).strftime(fmt),
        },
    )
    client.force_login(w.colleague.user)
    answer = client.post(
        reverse("interventions-book", args=[shredder.pk]),
        {
            "starts_at": (start + datetime.timedelta(hours=2)).strftime(fmt),
            "ends_at": (start + datetime.timedelta(hours=6)).strftime(fmt),
        },
        follow=True,
    )
    assert "already booked" in answer.content.decode()
    assert EquipmentBooking.objects.count() == 1
    page = client.get(reverse("interventions-equipment")).content.decode()
    assert "Broyeur" in page
    client.force_login(w.outsider.user)
    assert client.post(reverse("interventions-book", args=[shredder.pk]), {}).status_code == 404


def test_api_presence_is_idempotent_and_scoped(client):
    w = world()
    api = _api(client, w.member.user)
    key = str(uuid.uuid4())
    body = {"visit": w.visit.pk, "kind": "in", "client_uuid": key, "at": timezone.now().isoformat()}
    assert api.post("/api/v1/presences/", body, content_type="application/json").status_code == 201
    assert api.post("/api/v1/presences/", body, content_type="application/json").status_code == 200
    assert Presence.objects.count() == 1
    api = _api(client, w.outsider.user)
    body["client_uuid"] = str(uuid.uuid4())
    answer = api.post("/api/v1/presences/", body, content_type="application/json")
    assert answer.status_code == 400 and "visit" in answer.json()["error"]["fields"]


def test_api_sheet_update_conflict_photo_signature_validate(client):
    w = world()
    sheet = services.ensure_sheet(actor=w.member.user, visit=w.visit)
    api = _api(client, w.member.user)
    url = f"/api/v1/sheets/{sheet.pk}/"
    answer = api.patch(
        url,
        {
            "version": sheet.version,
            "minutes": 75,
            "remarks": "Taille faite",
            "supplies": [{"name": "Sacs", "quantity": "3"}],
        },
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["minutes"] == 75 and answer.json()["supplies"][0]["name"] == "Sacs"
    stale = api.patch(
        url, {"version": sheet.version, "remarks": "x"}, content_type="application/json"
    )
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
    photo = api.post(url + "photos/", {"kind": "after", "file": _upload()})
    assert photo.status_code == 201, photo.content
    sign = api.post(
        url + "signature/",
        {"strokes": json.dumps([[[1, 1], [40, 40]]]), "signed_by": "Mme Durand"},
        content_type="application/json",
    )
    assert sign.status_code == 200 and sign.json()["signature_url"]
    done = api.post(url + "validate/", {}, content_type="application/json")
    assert done.status_code == 200 and done.json()["state"] == "validated"
    api = _api(client, w.colleague.user)
    assert api.get(url).status_code == 200
    assert api.patch(url, {"version": 99}, content_type="application/json").status_code == 403
    api = _api(client, w.outsider.user)
    assert api.get(url).status_code == 404
    assert api.get("/api/v1/sheets/").json()["results"] == []


def _upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("after.jpg", jpeg(800, 600), "image/jpeg")


def test_api_stock_bookings_and_home_codes(client):
    w = world()
    api = _api(client, w.member.user)
    item = api.post(
        "/api/v1/stock-items/",
        {"sector": w.sector.pk, "name": "Engrais", "quantity": "2", "reorder_at": "5"},
        content_type="application/json",
    )
    assert item.status_code == 201, item.content
    assert [i["name"] for i in api.get("/api/v1/stock-items/?reorder=true").json()["results"]] == [
        "Engrais"
    ]
    restocked = api.post(
        f"/api/v1/stock-items/{item.json()['id']}/restock/",
        {"quantity": "10"},
        content_type="application/json",
    )
    assert restocked.json()["quantity"] == "12.000"
    van = Equipment.objects.create(sector=w.sector, name="Camion")
    start = timezone.now() + datetime.timedelta(days=2)
    body = {
        "equipment": van.pk,
        "starts_at": start.isoformat(),
        "ends_at": (start + datetime.timedelta(hours=3)).isoformat(),
    }
    assert (
        api.post("/api/v1/equipment-bookings/", body, content_type="application/json").status_code
        == 201
    )
    again = api.post("/api/v1/equipment-bookings/", body, content_type="application/json")
    assert again.status_code == 400 and "already booked" in json.dumps(again.json())
    code = api.post("/api/v1/home-codes/", {"visit": w.visit.pk}, content_type="application/json")
    assert code.status_code == 201 and "/interventions/scan/" in code.json()["scan_url"]
    assert (
        api.post(
            "/api/v1/position-consent/", {"allowed": True}, content_type="application/json"
        ).json()["allowed"]
        is True
    )
    api = _api(client, w.outsider.user)
    assert api.get("/api/v1/stock-items/").json()["results"] == []
    assert api.get("/api/v1/equipment-bookings/").json()["results"] == []
    assert api.get("/api/v1/home-codes/").json()["results"] == []
    assert Sheet.objects.count() == 0
