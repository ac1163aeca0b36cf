"""A member asks, the service answers or asks back, the member answers, closes and reopens; each is
told (notification, and an email for the member); sent twice, a request or a message is stored
once; bad input comes back with what was typed."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from compagnon.notifications.models import Notification

from .. import services
from ..models import Attachment, Message, MessageKind, State, SupportRequest
from .helpers import at, auth, world

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _new(client, w, **extra):
    client.force_login(w.member.user)
    page = client.get(reverse("support-new") + "?service=accounting")
    assert page.status_code == 200
    key = page.context["form"]["client_key"].value()
    data = {"service": "accounting", "subject": "", "body": "Quelle TVA sur une facture d'acompte ?",
            "client_key": str(key), **extra}
    return client.post(reverse("support-new"), data)


def test_a_member_asks_and_the_desk_hears_of_it(client, w_captured):
    w, callbacks = w_captured
    with callbacks(execute=True):
        r = _new(client, w)
    assert r.status_code == 302
    req = SupportRequest.objects.get()
    assert req.subject == "Quelle TVA sur une facture d'acompte ?" and req.state == State.NEW
    assert req.service == "accounting" and req.member == w.member and req.due_at is not None
    assert r.url == reverse("support-request", args=[req.pk])
    told = set(Notification.objects.filter(key=f"support:new:{req.pk}").values_list("user_id", flat=True))
    assert told == {w.agent.pk, w.agent2.pk}  # the accounting desk, not legal, not the administrators


def test_the_service_preselected_from_the_org_chart(client):
    w = world()
    client.force_login(w.member.user)
    page = client.get(reverse("support-new") + "?service=legal").content.decode()
    assert 'value="legal" id="id_service_1" checked' in page or ('value="legal"' in page and "checked" in page)
    assert client.get(reverse("support-new") + "?service=nonsense").status_code == 200  # ignored, not an error


def test_sent_twice_one_request_html_and_api(client):
    w = world()
    key = str(uuid.uuid4())
    data = {"service": "legal", "body": "Un client conteste mon devis", "client_key": key}
    client.force_login(w.member.user)
    first = client.post(reverse("support-new"), data)
    second = client.post(reverse("support-new"), data)
    assert first.status_code == second.status_code == 302 and first.url == second.url
    assert SupportRequest.objects.count() == 1 and Message.objects.count() == 1
    api = client.post("/api/v1/support/requests/", {**data, "client_key": key}, content_type="application/json",
                      **auth(w.member.user))
    assert api.status_code == 200 and api.json()["id"] == SupportRequest.objects.get().pk
    fresh = str(uuid.uuid4())
    made = client.post("/api/v1/support/requests/", {**data, "client_key": fresh}, content_type="application/json",
                       **auth(w.member.user))
    assert made.status_code == 201
    again = client.post("/api/v1/support/requests/", {**data, "client_key": fresh}, content_type="application/json",
                        **auth(w.member.user))
    assert again.status_code == 200 and again.json()["id"] == made.json()["id"]
    assert SupportRequest.objects.count() == 2


def test_a_reply_sent_twice_is_one_message_and_the_queued_phone_gets_json(client):
    w = world()
    req = services.create_request(actor=w.member.user, service="it", body="Mon compte est bloqué")
    client.force_login(w.member.user)
    key = str(uuid.uuid4())
    for _ in range(2):
        r = client.post(reverse("support-reply", args=[req.pk]), {"body": "Toujours bloqué", "client_key": key},
                        HTTP_X_COMPAGNON_QUEUED="1")
        assert r.status_code == 200 and "S-" in r.json()["message"]
    assert Message.objects.filter(request=req, kind=MessageKind.MEMBER).count() == 2  # the request's + one reply
    refused = client.post(reverse("support-reply", args=[req.pk]), {"body": ""}, HTTP_X_COMPAGNON_QUEUED="1")
    assert refused.status_code == 400 and refused.json()["errors"]
    queued_new = client.post(reverse("support-new"), {"service": "it", "body": "Hors ligne", "client_key": str(uuid.uuid4())},
                             HTTP_X_COMPAGNON_QUEUED="1")
    assert queued_new.status_code == 200 and queued_new.json()["url"].startswith("/support/")


def test_bad_input_comes_back_400_with_what_was_typed(client):
    w = world()
    client.force_login(w.member.user)
    r = client.post(reverse("support-new"), {"service": "accounting", "subject": "Gardé", "body": "",
                                             "client_key": str(uuid.uuid4())})
    body = r.content.decode()
    assert r.status_code == 400 and "Gardé" in body and "Nothing you typed has been lost" in body
    r = client.post(reverse("support-new"), {"service": "", "body": "Texte gardé", "client_key": str(uuid.uuid4())})
    assert r.status_code == 400 and "Texte gardé" in r.content.decode()
    api = client.post("/api/v1/support/requests/", {"service": "nope", "body": ""}, content_type="application/json",
                      **auth(w.member.user))
    assert api.status_code == 400 and set(api.json()["error"]["fields"]) == {"service", "body"}
    assert SupportRequest.objects.count() == 0


def test_answer_and_question_reach_the_member_by_notification_and_email(w_captured, mailoutbox):
    w, callbacks = w_captured
    w.member.user.language = "fr"
    w.member.user.save()
    req = services.create_request(actor=w.member.user, service="accounting", body="Quelle TVA ?")
    with callbacks(execute=True):
        services.answer(actor=w.agent, request=req, body="Pouvez-vous préciser le montant ?", ask=True)
    req.refresh_from_db()
    assert req.state == State.WAITING and req.assigned_to == w.agent
    [mail] = mailoutbox
    assert mail.to == [w.member.user.email] and str(req) in mail.subject and "préciser le montant" in mail.body
    assert reverse("support-request", args=[req.pk]) in mail.body
    note = Notification.objects.get(user=w.member.user)
    assert note.url == reverse("support-request", args=[req.pk]) and "comptabilité" in note.title.lower()
    with callbacks(execute=True):
        services.reply(actor=w.member.user, request=req, body="1 200 €")
    assert Notification.objects.filter(user=w.agent, key__startswith="support:reply:").count() == 1
    assert not Notification.objects.filter(user=w.agent2, key__startswith="support:reply:").exists()  # not theirs
    with callbacks(execute=True):
        services.answer(actor=w.agent, request=req, body="TVA à 20 % sur l'acompte.")
    req.refresh_from_db()
    assert req.state == State.ANSWERED and len(mailoutbox) == 2 and req.answered_at is not None


def test_the_member_closes_and_reopens_within_the_delay(client):
    w = world()
    req = services.create_request(actor=w.member.user, service="it", body="Imprimante", now=at(0))
    services.answer(actor=w.admin, request=req, body="Réglé ?", now=at(0, 11))
    client.force_login(w.member.user)
    assert client.post(reverse("support-close", args=[req.pk])).status_code == 302
    req.refresh_from_db()
    assert req.state == State.CLOSED and req.due_at is None
    page = client.get(reverse("support-request", args=[req.pk])).content.decode()
    assert "Reopen" in page and reverse("support-reply", args=[req.pk]) not in page
    assert client.post(reverse("support-reply", args=[req.pk]), {"body": "encore"}).status_code == 400
    assert client.post(reverse("support-reopen", args=[req.pk])).status_code == 302
    req.refresh_from_db()
    assert req.state == State.OPEN and req.due_at is not None
    services.close(actor=w.member.user, request=req, now=at(1))
    with pytest.raises(Exception) as too_late:
        services.reopen(actor=w.member.user, request=req, now=at(20))
    assert "14 days" in str(too_late.value)
    services.reopen(actor=w.admin, request=req, now=at(30))  # the service may reopen at any time
    req.refresh_from_db()
    assert req.state == State.OPEN


def test_files_are_checked_and_downloaded_only_by_who_may_read_them(client):
    w = world()
    req = services.create_request(actor=w.member.user, service="legal", body="Mon contrat",
                                  attachments=[SimpleUploadedFile("contrat.pdf", PDF, content_type="application/pdf")])
    services.add_note(actor=w.legal, request=req, body="Voir avec l'avocat",
                      attachments=[SimpleUploadedFile("avis.pdf", PDF, content_type="application/pdf")])
    mine, internal = Attachment.objects.order_by("id")
    assert not mine.internal and internal.internal and mine.content_type == "application/pdf"
    client.force_login(w.member.user)
    r = client.get(reverse("support-attachment", args=[mine.pk]))
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment") and b"".join(r.streaming_content) == PDF
    assert client.get(reverse("support-attachment", args=[internal.pk])).status_code == 404
    assert client.get(f"/api/v1/support/attachments/{internal.pk}/", **auth(w.member.user)).status_code == 404
    for outsider in (w.colleague.user, w.agent, w.foreign_admin):
        client.force_login(outsider)
        assert client.get(reverse("support-attachment", args=[mine.pk])).status_code == 404
    client.force_login(w.legal)
    r = client.get(reverse("support-attachment", args=[internal.pk]))
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    exe = SimpleUploadedFile("virus.exe", b"MZ\x90\x00" * 10)
    with pytest.raises(Exception) as refused:
        services.reply(actor=w.member.user, request=req, body="Et ça ?", attachments=[exe])
    assert "virus.exe cannot be attached" in str(refused.value)
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(Exception) as too_big:
        services.reply(actor=w.member.user, request=req, body="Et ça ?", attachments=[big])
    assert "larger than 10 MB" in str(too_big.value)


def test_about_one_of_my_documents_only(client):
    from compagnon.sales import services as sales

    from .helpers import client_of

    w = world()
    mine = sales.create_document(actor=w.member.user, activity=w.activity, client=client_of(w.activity), kind="quote",
                                 lines=[])
    theirs = sales.create_document(actor=w.colleague.user, activity=w.colleague_activity,
                                   client=client_of(w.colleague_activity), kind="quote", lines=[])
    client.force_login(w.member.user)
    page = client.get(reverse("support-new") + f"?service=legal&document={mine.pk}").content.decode()
    assert f'value="{mine.pk}" selected' in page
    r = client.post(reverse("support-new"), {"service": "legal", "body": "Ce devis", "document": str(theirs.pk),
                                             "client_key": str(uuid.uuid4())})
    assert r.status_code == 400 and not SupportRequest.objects.exists()
    r = client.post(reverse("support-new"), {"service": "legal", "body": "Ce devis", "document": str(mine.pk),
                                             "client_key": str(uuid.uuid4())})
    req = SupportRequest.objects.get()
    assert r.status_code == 302 and req.document == mine and req.activity == w.activity


def test_take_give_and_priority_from_the_page(client, w_captured):
    w, callbacks = w_captured
    req = services.create_request(actor=w.member.user, service="accounting", body="Bilan")
    client.force_login(w.agent)
    assert client.post(reverse("support-assign", args=[req.pk]), {"take": "1"}).status_code == 302
    req.refresh_from_db()
    assert req.assigned_to == w.agent and req.state == State.OPEN
    with callbacks(execute=True):
        client.post(reverse("support-assign", args=[req.pk]), {"assigned_to": str(w.agent2.pk)})
    req.refresh_from_db()
    assert req.assigned_to == w.agent2 and Notification.objects.filter(user=w.agent2, key__startswith="support:assigned").exists()
    client.post(reverse("support-assign", args=[req.pk]), {"assigned_to": str(w.legal.pk)})  # not of this desk
    req.refresh_from_db()
    assert req.assigned_to == w.agent2
    client.post(reverse("support-priority", args=[req.pk]), {"priority": "urgent"})
    req.refresh_from_db()
    assert req.priority == "urgent"


@pytest.fixture
def w_captured(django_capture_on_commit_callbacks):
    return world(), django_capture_on_commit_callbacks


def test_the_api_takes_files_with_the_request_and_serves_them(client):
    w = world()
    h = auth(w.member.user)
    made = client.post("/api/v1/support/requests/", {
        "service": "legal", "body": "Voici le contrat", "client_key": str(uuid.uuid4()),
        "attachments": [SimpleUploadedFile("contrat.pdf", PDF, content_type="application/pdf")]}, **h)
    assert made.status_code == 201
    att = Attachment.objects.get()
    assert att.name == "contrat.pdf" and att.request_id == made.json()["id"]
    assert [a["name"] for a in made.json()["thread"][0]["attachments"]] == ["contrat.pdf"]
    r = client.get(f"/api/v1/support/attachments/{att.pk}/", **h)
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    refused = client.post(f"/api/v1/support/requests/{att.request_id}/answer/", {
        "body": "Et ceci", "attachments": [SimpleUploadedFile("x.exe", b"MZ" * 20)]}, **h)
    assert refused.status_code == 400 and "attachments" in refused.json()["error"]["fields"]


def test_an_answer_sent_twice_is_one_answer(client):
    w = world()
    req = services.create_request(actor=w.member.user, service="accounting", body="Bilan ?")
    client.force_login(w.agent)
    key = client.get(reverse("support-request", args=[req.pk])).context["answer_form"]["client_key"].value()
    for _ in range(2):
        r = client.post(reverse("support-answer", args=[req.pk]), {"mode": "answer", "body": "Voici", "client_key": str(key)})
        assert r.status_code == 302
    assert Message.objects.filter(request=req, kind=MessageKind.ANSWER).count() == 1
