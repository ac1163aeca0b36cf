"""Attachments: what the content is decides (not the name), size and number limits, stored through
the default storage under a path nobody can guess, downloaded by participants only."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from .. import files, services
from ..models import Attachment, Message
from .helpers import auth, pdf, png

pytestmark = pytest.mark.django_db


def _conv(c):
    return services.start_conversation(actor=c["a"], recipients=[c["b"]], body="Files follow").conversation


def test_photos_and_documents_are_attached_and_downloaded_by_participants(client, c):
    conv = _conv(c)
    client.force_login(c["a"])
    r = client.post(reverse("messaging-conversation", args=[conv.pk]),
                    {"body": "The plan and the quote", "attachments": [png("plan.png"), pdf("quote.pdf")]})
    assert r.status_code == 302
    items = list(Attachment.objects.order_by("id"))
    assert [(i.name, i.content_type) for i in items] == [("plan.png", "image/png"), ("quote.pdf", "application/pdf")]
    assert all(default_storage.exists(i.file.name) and "plan" not in i.file.name for i in items)
    client.force_login(c["b"])
    page = client.get(reverse("messaging-conversation", args=[conv.pk])).content.decode()
    assert "plan.png" in page and reverse("messaging-attachment", args=[items[1].pk]) in page
    r = client.get(reverse("messaging-attachment", args=[items[1].pk]))
    assert r["Content-Type"] == "application/pdf" and 'filename="quote.pdf"' in r["Content-Disposition"]
    assert b"".join(r.streaming_content).startswith(b"%PDF")
    client.logout()
    r = client.get(f"/api/v1/messages/attachments/{items[0].pk}/", **auth(c["b"]))
    assert r.status_code == 200 and b"".join(r.streaming_content)


def test_a_file_with_nothing_to_say_is_refused_and_the_text_kept(client, c):
    conv = _conv(c)
    client.force_login(c["a"])
    fake = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00 this is a program", content_type="application/pdf")
    r = client.post(reverse("messaging-conversation", args=[conv.pk]), {"body": "Typed text stays", "attachments": [fake]})
    body = r.content.decode()
    assert r.status_code == 400 and "Typed text stays" in body and "invoice.pdf cannot be attached" in body
    assert Message.objects.count() == 1 and not Attachment.objects.exists()


def test_limits_on_size_and_number(c, settings):
    conv = _conv(c)
    with pytest.raises(services.ValidationError) as exc:
        services.send_message(actor=c["a"], conversation=conv, body="many",
                              attachments=[png(f"p{i}.png") for i in range(files.MAX_FILES + 1)])
    assert "at most 5 files" in str(exc.value)
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * files.MAX_BYTES, content_type="application/pdf")
    with pytest.raises(services.ValidationError) as exc:
        services.send_message(actor=c["a"], conversation=conv, body="big", attachments=[big])
    assert "larger than 10 MB" in str(exc.value)


def test_office_documents_and_text_are_recognised():
    assert files.content_type(b"PK\x03\x04rest", "report.docx").startswith("application/vnd.openxml")
    assert files.content_type(b"PK\x03\x04rest", "archive.exe") == ""
    assert files.content_type("Prénom;Ville\n".encode(), "list.csv").startswith("text/csv")
    assert files.content_type(b"\xff\xfe\x00bad", "list.txt") == ""
    assert files.clean_name('../../etc/"pass"wd.txt') == "passwd.txt"


def test_a_file_alone_is_a_message(c):
    conv = _conv(c)
    message = services.send_message(actor=c["a"], conversation=conv, body="  ", attachments=[png()])
    assert message.body == "" and message.attachments.count() == 1


def test_the_api_takes_files_as_multipart(client, c):
    h = auth(c["a"])
    r = client.post("/api/v1/messages/conversations/", {"to": [c["b"].pk], "body": "With a photo",
                                                       "attachments": [png()]}, **h)
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["attachments"][0]["name"] == "photo.png" and data["mine"] is True
    assert data["attachments"][0]["url"].endswith(f"/api/v1/messages/attachments/{data['attachments'][0]['id']}/")
