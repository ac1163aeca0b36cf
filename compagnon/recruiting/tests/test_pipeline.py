"""The advisor moves an application through the pipeline, refuses one politely, and makes an
accepted applicant a member; nobody else sees applicants."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from compagnon.directory.models import DirectoryProfile
from compagnon.members.models import Member
from compagnon.recruiting import services
from compagnon.recruiting.models import Move, Step

from .conftest import apply

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


def test_the_advisor_sees_the_board_with_counts_and_filters(client, w, django_assert_max_num_queries):
    for i in range(5):
        apply(w, email=f"a{i}@example.org", last_name=f"Applicant {i}")
    apply(w, email="it@example.org", trades=[w.it], last_name="Technician")
    apply(w, office=w.other_office, email="far@example.org", last_name="Elsewhere")
    client.force_login(w.advisor)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("recruiting-board"))
    body = page.content.decode()
    assert page.status_code == 200 and "Applicant 3" in body and "Elsewhere" not in body
    assert page.context["counts"][0] == {"step": "received", "label": Step.RECEIVED.label, "count": 6}
    by_trade = client.get(reverse("recruiting-board") + f"?trade={w.it.pk}")
    assert [a.last_name for a in by_trade.context["page"].object_list] == ["Technician"]
    assert client.get(reverse("recruiting-board") + "?step=nonsense").status_code == 400


def test_an_application_moves_with_who_and_when_and_the_applicant_is_told(client, w, django_capture_on_commit_callbacks):
    application = apply(w)
    client.force_login(w.advisor)
    url = reverse("recruiting-move", args=[application.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"step": "interview", "note": "Strong project"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.step == Step.INTERVIEW
    move = application.moves.last()
    assert (move.from_step, move.to_step, move.by, move.note) == ("received", "interview", w.advisor, "Strong project")
    assert any("interview" in m.body for m in mail.outbox if m.to == [application.email])
    again = client.post(url, {"step": "interview"})
    assert again.status_code == 400 and "already at this step" in again.content.decode()
    client.post(reverse("recruiting-note", args=[application.pk]), {"text": "Called her back"})
    assert Move.objects.filter(application=application, to_step="", note="Called her back").exists()


def test_refusing_needs_a_reason_and_tells_the_applicant_politely(client, w, django_capture_on_commit_callbacks):
    application = apply(w)
    client.force_login(w.admin)
    url = reverse("recruiting-refuse", args=[application.pk])
    missing = client.post(url, {"reason": "other", "note": ""})
    assert missing.status_code == 400 and "Write a few words" in missing.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "zone", "note": "We have no member near Brest yet."})
    application.refresh_from_db()
    assert application.step == Step.REFUSED and application.refusal_reason == "zone" and application.purge_after
    told = next(m for m in mail.outbox if m.to == [application.email] and "sorry" in m.body)
    assert "outside the cooperative's area" in told.body and "near Brest" in told.body
    with pytest.raises(ValidationError):
        services.move_application(actor=w.admin, application=application, step="interview")


def test_nobody_else_sees_applicants_nor_their_documents(client, w):
    cv = SimpleUploadedFile("cv.pdf", PDF, content_type="application/pdf")
    application = apply(w, files=[cv])
    doc = application.documents.get()
    client.force_login(w.advisor)
    download = client.get(reverse("recruiting-document", args=[doc.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert download.content == PDF and download["Cache-Control"] == "private, no-store"
    for outsider in (w.other_advisor, w.member.user, w.foreign_admin):
        client.force_login(outsider)
        assert client.get(reverse("recruiting-application", args=[application.pk])).status_code == 404
        assert client.get(reverse("recruiting-document", args=[doc.pk])).status_code == 404
        assert client.post(reverse("recruiting-move", args=[application.pk]), {"step": "interview"}).status_code == 404
        assert client.get(f"/api/v1/recruiting/applications/{application.pk}/").status_code == 404
        listed = client.get("/api/v1/recruiting/applications/")
        assert listed.status_code == 200 and listed.json()["results"] == []
    client.force_login(w.member.user)
    assert client.get(reverse("recruiting-board")).status_code == 404
    with pytest.raises(PermissionDenied):
        services.move_application(actor=w.member.user, application=application, step="interview")


def test_an_accepted_applicant_joins_with_their_data_carried_over(client, w, django_capture_on_commit_callbacks):
    application = apply(w, phone="0699887766", postcode="44300", city="Nantes", zone_km=30)
    client.force_login(w.advisor)
    join = reverse("recruiting-join", args=[application.pk])
    client.post(join)
    assert not Member.objects.filter(user__email=application.email).exists()  # not accepted yet
    services.move_application(actor=w.advisor, application=application, step="accepted")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(join)
    assert response.status_code == 302
    application.refresh_from_db()
    member = application.member
    assert application.step == Step.JOINED and member is not None
    assert member.office == w.office and member.advisor == w.advisor and member.postcode == "44300"
    assert list(member.trades.all()) == [w.gardening]
    assert (member.user.first_name, member.user.last_name, member.user.phone) == ("Inès", "Morvan", "0699887766")
    assert not member.user.has_usable_password()
    zone = DirectoryProfile.objects.get(member=member)
    assert (zone.zone_postcode, zone.zone_km) == ("44300", 30)
    welcome = next(m for m in mail.outbox if m.to == [application.email] and "/accounts/password/reset/key/" in m.body)
    link = "/accounts/password/reset/key/" + welcome.body.split("/accounts/password/reset/key/", 1)[1].split()[0]
    client.logout()
    assert client.get(link, follow=True).status_code == 200  # the password page opens
    with pytest.raises(ValidationError):
        services.join(actor=w.advisor, application=application)


def test_the_api_moves_refuses_and_joins(client, w):
    application = apply(w)
    client.force_login(w.admin)
    base = f"/api/v1/recruiting/applications/{application.pk}"
    assert client.post(f"{base}/move/", {"step": "accepted"}, content_type="application/json").json()["step"] == "accepted"
    bad = client.post(f"{base}/move/", {"step": "joined"}, content_type="application/json")
    assert bad.status_code == 400 and "step" in bad.json()["error"]["fields"]
    assert client.post(f"{base}/notes/", {"text": "ok"}, content_type="application/json").status_code == 201
    joined = client.post(f"{base}/join/")
    assert joined.status_code == 201 and Member.objects.filter(pk=joined.json()["member"]).exists()
    detail = client.get(base + "/").json()
    assert detail["step"] == "joined" and [m["to_step"] for m in detail["moves"]][-1] == "joined"
    other = apply(w, email="x@example.org")
    refused = client.post(f"/api/v1/recruiting/applications/{other.pk}/refuse/", {"reason": "full"},
                          content_type="application/json")
    assert refused.status_code == 200 and refused.json()["step"] == "refused"
