"""Topics with their expert members (volunteer, confirmed by staff, a link to write to them; never
another entity's people), and the FAQ kept by the editors (pages and API)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from .. import catalogue
from ..models import FaqEntry, TopicExpert
from .helpers import auth, coop

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    c = coop()
    c["topic"] = catalogue.save_topic(actor=c["admin"], entity=c["entity"], name_en="Quotes", name_fr="Devis",
                                      shared=True)
    return c


def test_a_member_volunteers_staff_confirm_and_members_write_to_them(client, c):
    client.force_login(c["camille"])
    r = client.post(reverse("knowledge-volunteer", args=[c["topic"].pk]), {"note": "I send quotes daily"})
    assert r.status_code == 302
    expert = TopicExpert.objects.get()
    compose = reverse("messaging-compose") + f"?to={c['camille'].pk}"
    client.force_login(c["yanis"])
    body = client.get(reverse("knowledge-topic", args=[c["topic"].pk])).content.decode()
    assert "I send quotes daily" not in body  # not confirmed yet
    with pytest.raises(PermissionDenied):
        catalogue.confirm_expert(actor=c["yanis"], expert=expert)
    assert client.post(reverse("knowledge-expert-confirm", args=[expert.pk])).status_code == 403
    client.force_login(c["editor"])
    assert "I send quotes daily" in client.get(reverse("knowledge-topic", args=[c["topic"].pk])).content.decode()
    assert client.post(reverse("knowledge-expert-confirm", args=[expert.pk])).status_code == 302
    client.force_login(c["yanis"])
    body = client.get(reverse("knowledge-topic", args=[c["topic"].pk])).content.decode()
    assert "I send quotes daily" in body and compose in body
    data = client.get(reverse("api-knowledge-topic-detail", args=[c["topic"].pk]), **auth(c["yanis"])).json()
    assert data["experts"][0]["user"] == c["camille"].pk
    # the topic is shared: another entity reads it, but never sees our people
    client.force_login(c["outsider"])
    body = client.get(reverse("knowledge-topic", args=[c["topic"].pk])).content.decode()
    assert "I send quotes daily" not in body
    assert client.post(reverse("knowledge-expert-withdraw", args=[expert.pk])).status_code == 404
    client.force_login(c["camille"])
    assert client.post(reverse("knowledge-expert-withdraw", args=[expert.pk])).status_code == 302
    assert not TopicExpert.objects.exists()


def test_editors_keep_the_faq_readers_read_it(client, c):
    client.force_login(c["editor"])
    r = client.post(reverse("knowledge-faq-new"), {"entity": c["entity"].pk, "question_en": "Kept question",
                                                   "answer_en": "", "position": "0"})
    assert r.status_code == 400 and "Kept question" in r.content.decode()
    r = client.post(reverse("knowledge-faq-new"), {"entity": c["entity"].pk, "topic": c["topic"].pk, "position": "1",
                                                   "question_en": "Who pays the VAT?",
                                                   "answer_en": "The **client** pays it."})
    assert r.status_code == 302
    entry = FaqEntry.objects.get()
    client.force_login(c["yanis"])
    body = client.get(reverse("knowledge-faq")).content.decode()
    assert "Who pays the VAT?" in body and "<strong>client</strong>" in body
    assert client.get(reverse("knowledge-faq-edit", args=[entry.pk])).status_code == 404
    client.force_login(c["outsider"])
    assert "Who pays the VAT?" not in client.get(reverse("knowledge-faq")).content.decode()
    token = auth(c["yanis"])
    assert client.get(reverse("api-knowledge-faq-list"), **token).json()["results"][0]["answer_html"] == \
        "<p>The <strong>client</strong> pays it.</p>\n"
    r = client.patch(reverse("api-knowledge-faq-detail", args=[entry.pk]), {"question_fr": "Qui paie la TVA ?",
                                                                            "answer_fr": "Le client."},
                     content_type="application/json", **token)
    assert r.status_code == 404
    r = client.patch(reverse("api-knowledge-faq-detail", args=[entry.pk]), {"question_fr": "Qui paie la TVA ?",
                                                                            "answer_fr": "Le client."},
                     content_type="application/json", **auth(c["admin"]))
    assert r.status_code == 200 and r.json()["question_en"] == "Who pays the VAT?"
    r = client.post(reverse("api-knowledge-faq-list"), {"question_en": "Q", "answer_en": "A"},
                    content_type="application/json", **token)
    assert r.status_code == 403
    assert client.delete(reverse("api-knowledge-faq-detail", args=[entry.pk]), **auth(c["admin"])).status_code == 204
