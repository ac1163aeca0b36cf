"""Staff import notices (dry run first), enter one by hand; members of the right trade and zone
are told once."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from compagnon.notifications.models import Notification
from compagnon.tenders import services
from compagnon.tenders.models import Notice, NoticeImport, NoticeMatch

from .helpers import api, data, later, world

pytestmark = pytest.mark.django_db


def test_a_dry_run_shows_what_would_change_and_saves_nothing(client):
    w = world()
    client.force_login(w.admin)
    page = client.post(reverse("tenders-import"), {
        "entity": w.entity.pk, "source": "boamp", "dry_run": "on",
        "file": SimpleUploadedFile("boamp.json", data("boamp_export.json"))})
    assert page.status_code == 200
    text = page.content.decode()
    assert "26-123456" in text and "26-123457" in text and "dateparution" in text
    assert Notice.objects.count() == 0 and NoticeImport.objects.count() == 0


def test_an_import_creates_then_updates_keeps_the_file_and_tells_matched_members_once(
        client, django_capture_on_commit_callbacks):
    w = world()
    client.force_login(w.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("tenders-import"), {
            "entity": w.entity.pk, "source": "boamp",
            "file": SimpleUploadedFile("boamp.json", data("boamp_export.json"))})
    assert response.status_code == 302
    imp = NoticeImport.objects.get()
    assert (imp.created, imp.updated) == (2, 0) and imp.problems[0]["field"] == "dateparution"
    with imp.file.open("rb") as kept:
        assert kept.read() == data("boamp_export.json")
    green = Notice.objects.get(source_id="26-123456")
    matched = set(NoticeMatch.objects.filter(notice=green).values_list("member_id", flat=True))
    assert matched == {w.member.pk, w.colleague.pk}  # not Paris, not the IT technician, not the outsider
    it = Notice.objects.get(source_id="26-123457")
    assert set(NoticeMatch.objects.filter(notice=it).values_list("member_id", flat=True)) == {w.tech.pk}
    assert Notification.objects.filter(user=w.member.user, url=reverse("tenders-notice", args=[green.pk])).count() == 1
    # the same file again: updated, nobody told twice
    with django_capture_on_commit_callbacks(execute=True):
        again = services.import_notices(actor=w.admin, entity=w.entity, source="boamp", name="boamp.json",
                                        data=data("boamp_export.json"))
    assert (len(again.created), len(again.updated)) == (0, 2)
    assert Notice.objects.count() == 2
    assert Notification.objects.filter(user=w.member.user).count() == 1
    detail = client.get(reverse("tenders-import-detail", args=[imp.pk]))
    assert detail.status_code == 200 and "dateparution" in detail.content.decode()
    kept = client.get(reverse("tenders-import-file", args=[imp.pk]))
    assert kept.status_code == 200 and b"".join(kept.streaming_content) == data("boamp_export.json")


def test_a_ted_import_through_the_api_names_the_refused_notice():
    w = world()
    response = api(w.admin).post("/api/v1/tenders/imports/", {
        "entity": w.entity.pk, "source": "ted", "file": SimpleUploadedFile("ted.xml", data("ted_notices.xml"))},
        format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["created"] == ["00712345-2026"] and body["problems"][0]["record"] == 2
    notice = Notice.objects.get()
    assert set(notice.matches.values_list("member_id", flat=True)) == {w.member.pk, w.colleague.pk}
    dry = api(w.admin).post("/api/v1/tenders/imports/", {
        "entity": w.entity.pk, "source": "ted", "dry_run": True,
        "file": SimpleUploadedFile("ted.xml", data("ted_notices.xml"))}, format="multipart")
    assert dry.status_code == 200 and dry.json()["updated"] == ["00712345-2026"]
    bad = api(w.admin).post("/api/v1/tenders/imports/", {
        "entity": w.entity.pk, "source": "ted", "file": SimpleUploadedFile("x.xml", b"<nope")}, format="multipart")
    assert bad.status_code == 400 and "file" in bad.json()["error"]["fields"]
    assert api(w.member.user).post("/api/v1/tenders/imports/", {
        "entity": w.entity.pk, "source": "ted", "file": SimpleUploadedFile("ted.xml", data("ted_notices.xml"))},
        format="multipart").status_code == 400  # not an entity they serve


def test_a_grant_entered_by_hand_is_matched_by_keyword_and_a_bad_form_keeps_what_was_typed(
        client, django_capture_on_commit_callbacks):
    w = world()
    client.force_login(w.admin)
    form = {"entity": w.entity.pk, "kind": "grant", "title": "Appel à projets : jardins partagés et espaces verts",
            "buyer": "Région Pays de la Loire", "cpv_codes": "1234", "department": "44",
            "deadline": later(30).strftime("%Y-%m-%dT%H:%M")}
    bad = client.post(reverse("tenders-notice-new"), form)
    assert bad.status_code == 400 and "jardins partagés" in bad.content.decode() and "CPV" in bad.content.decode()
    form["cpv_codes"] = ""
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("tenders-notice-new"), form).status_code == 302
    grant = Notice.objects.get()
    assert grant.source == "hand" and grant.kind == "grant"
    assert set(grant.matches.values_list("member_id", flat=True)) == {w.member.pk, w.colleague.pk}
    client.force_login(w.member.user)
    home = client.get(reverse("tenders-list"))
    assert "jardins partagés" in home.content.decode()
    assert Notification.objects.filter(user=w.member.user, title__startswith="Grant call for you").count() == 1
    assert api(w.member.user).get("/api/v1/tenders/notices/?for_me=true").json()["results"][0]["id"] == grant.pk
    assert api(w.tech.user).get("/api/v1/tenders/notices/?for_me=true").json()["results"] == []


def test_staff_edit_the_trade_table_and_members_cannot(client):
    w = world()
    client.force_login(w.admin)
    assert client.post(reverse("tenders-mappings"), {"entity": w.entity.pk, "trade": w.it.pk,
                                                      "cpv_prefix": "7"}).status_code == 400
    assert client.post(reverse("tenders-mappings"), {"entity": w.entity.pk, "trade": w.it.pk,
                                                      "cpv_prefix": "72"}).status_code == 302
    client.force_login(w.member.user)
    assert client.get(reverse("tenders-mappings")).status_code == 404
    assert client.get(reverse("tenders-import")).status_code == 404
    assert api(w.member.user).get("/api/v1/tenders/trades/").json()["results"] == []
