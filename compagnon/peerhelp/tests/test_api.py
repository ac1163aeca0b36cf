"""The API: ask, search, answer, accept, "this helped", follow, suggestions."""

import pytest
from django.urls import reverse

from ..models import Question
from .helpers import auth, coop

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    return coop()


def test_a_question_through_the_api(client, c, django_capture_on_commit_callbacks):
    me, yanis, ines = auth(c["camille"]), auth(c["yanis"]), auth(c["ines"])
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("api-peerhelp-question-list"), {
            "title": "Comment tailler une haie de lauriers ?", "trade": c["garden"].pk, "skills": "taille"},
            content_type="application/json", **me)
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert Question.objects.get(pk=pk).reached_count == 3
    r = client.post(reverse("api-peerhelp-question-answers", args=[pk]), {"body": "En septembre."},
                    content_type="application/json", **yanis)
    assert r.status_code == 201
    answer = r.json()["id"]
    assert client.post(reverse("api-peerhelp-answer-accept", args=[answer]), **yanis).status_code == 403
    assert client.post(reverse("api-peerhelp-answer-accept", args=[answer]), **me).json()["accepted"] is True
    assert client.post(reverse("api-peerhelp-answer-helped", args=[answer]), **ines).json()["helped_count"] == 1
    found = client.get(reverse("api-peerhelp-question-list"), {"q": "haie", "state": "answered"}, **ines).json()
    assert [q["id"] for q in found["results"]] == [pk]
    sugg = client.get(reverse("api-peerhelp-question-suggestions"), {"title": "tailler laurier"}, **ines).json()
    assert [q["id"] for q in sugg] == [pk]
    assert client.post(reverse("api-peerhelp-question-follow", args=[pk]), **ines).json()["following"] is True
    assert client.delete(reverse("api-peerhelp-question-follow", args=[pk]), **ines).json()["following"] is False
    detail = client.get(reverse("api-peerhelp-question-detail", args=[pk]), **ines).json()
    assert detail["accepted"] == answer and detail["answers"][0]["author"] == "Yanis Martin"


def test_bad_input_answers_400(client, c):
    me = auth(c["camille"])
    assert client.get(reverse("api-peerhelp-question-list"), {"trade": "abc"}, **me).status_code == 400
    r = client.post(reverse("api-peerhelp-question-list"), {"title": "Une question assez longue", "trade": 999999},
                    content_type="application/json", **me)
    assert r.status_code == 400 and "trade" in r.json()["error"]["fields"]
    r = client.post(reverse("api-peerhelp-question-list"), {"title": "court"}, content_type="application/json", **me)
    assert r.status_code == 400 and "title" in r.json()["error"]["fields"]
