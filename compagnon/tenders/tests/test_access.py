"""Who sees which notices and administrative documents, in pages and the API."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from compagnon.tenders import services

from .helpers import PDF, api, notice, pdf, world

pytestmark = pytest.mark.django_db


def test_notices_are_seen_inside_their_cooperative_only(client):
    w = world()
    n = notice(w)
    for user, code in ((w.member.user, 200), (w.paris.user, 200), (w.admin, 200),
                       (w.outsider.user, 404), (w.outsider_admin, 404)):
        client.force_login(user)
        assert client.get(reverse("tenders-notice", args=[n.pk])).status_code == code, user
        assert api(user).get(f"/api/v1/tenders/notices/{n.pk}/").status_code == code, user
    client.force_login(w.outsider.user)
    assert n.title.encode() not in client.get(reverse("tenders-list")).content
    assert api(w.outsider.user).get("/api/v1/tenders/notices/").json()["results"] == []
    assert api(w.outsider.user).post("/api/v1/tenders/answers/", {"notice": n.pk}, format="json").status_code == 404
    # staff do not answer; a member of the entity does
    assert api(w.admin).post("/api/v1/tenders/answers/", {"notice": n.pk}, format="json").status_code == 403
    assert api(w.paris.user).post("/api/v1/tenders/answers/", {"notice": n.pk}, format="json").status_code == 201


def test_members_only_read_the_administrative_documents_and_staff_add_them(client):
    w = world()
    client.force_login(w.admin)
    issued = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    bad = client.post(reverse("tenders-admin-documents"), {
        "entity": w.entity.pk, "kind": "registration", "title": "Kbis", "issued_on": issued, "expires_on": "2000-01-01",
        "file": SimpleUploadedFile("kbis.pdf", PDF)})
    assert bad.status_code == 400 and "Kbis" in bad.content.decode()
    assert client.post(reverse("tenders-admin-documents"), {
        "entity": w.entity.pk, "kind": "registration", "title": "Kbis", "issued_on": issued,
        "file": SimpleUploadedFile("kbis.pdf", PDF)}).status_code == 302
    doc = services.save_admin_document(actor=w.admin, entity=w.entity, kind="tax", title="Attestation fiscale",
                                       upload=pdf(), issued_on=timezone.localdate())
    client.force_login(w.member.user)
    page = client.get(reverse("tenders-admin-documents"))
    assert page.status_code == 200 and "Attestation fiscale" in page.content.decode()
    assert "Add a document" not in page.content.decode()
    assert client.post(reverse("tenders-admin-documents"), {"entity": w.entity.pk}).status_code == 403
    got = client.get(reverse("tenders-admin-document-file", args=[doc.pk]))
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"%PDF")
    assert api(w.member.user).post("/api/v1/tenders/admin-documents/", {
        "entity": w.entity.pk, "kind": "tax", "file": SimpleUploadedFile("a.pdf", PDF), "issued_on": issued},
        format="multipart").status_code == 403
    assert len(api(w.member.user).get("/api/v1/tenders/admin-documents/").json()["results"]) == 2
    for user in (w.outsider.user, w.outsider_admin):
        client.force_login(user)
        assert client.get(reverse("tenders-admin-document-file", args=[doc.pk])).status_code == 404
        assert api(user).get(f"/api/v1/tenders/admin-documents/{doc.pk}/download/").status_code == 404
    staff = api(w.admin).post("/api/v1/tenders/admin-documents/", {
        "entity": w.entity.pk, "kind": "insurance", "file": SimpleUploadedFile("rc.pdf", PDF), "issued_on": issued,
        "expires_on": (timezone.localdate() + datetime.timedelta(days=5)).isoformat()}, format="multipart")
    assert staff.status_code == 201 and staff.json()["status"] == "soon"


def test_bad_query_parameters_answer_400_with_the_field_named(client):
    w = world()
    client.force_login(w.member.user)
    assert client.get(reverse("tenders-list") + "?kind=nope").status_code == 400
    r = api(w.member.user).get("/api/v1/tenders/notices/?kind=nope")
    assert r.status_code == 400 and "kind" in r.json()["error"]["fields"]
