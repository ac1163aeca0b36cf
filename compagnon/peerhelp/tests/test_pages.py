"""The member's pages on the phone: asking (with photos, the "maybe already answered" list),
the question page, answering, accepting, "this helped", the photos served privately, search."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from compagnon.procedures import sources as procedure_sources

from .. import services, views
from ..models import Photo, Question
from .helpers import asked, coop, png

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    return coop()


def test_a_member_asks_from_the_page_with_a_photo(client, c, django_capture_on_commit_callbacks):
    client.force_login(c["camille"])
    page = client.get(reverse("peerhelp-ask"))
    assert page.status_code == 200 and 'hx-get="/help-each-other/suggest/"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("peerhelp-ask"), {
            "title": "Comment tailler une haie de lauriers ?", "trade": c["garden"].pk, "skills": "taille",
            "body": "Trois mètres de haut.", "photos": [SimpleUploadedFile("haie.png", png(), content_type="image/png")]})
    q = Question.objects.get()
    assert r.status_code == 302 and r.url == reverse("peerhelp-question", args=[q.pk])
    page = client.get(r.url).content.decode()
    assert "Sent to 3 colleagues" in page and "Yanis Martin" in page
    photo = Photo.objects.get()
    served = client.get(reverse("peerhelp-photo", args=[photo.pk]))
    assert served["Cache-Control"] == "private, no-store" and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == png()


def test_a_wrong_file_keeps_what_was_typed(client, c):
    client.force_login(c["camille"])
    r = client.post(reverse("peerhelp-ask"), {
        "title": "Quel engrais pour des rosiers grimpants ?", "body": "Sol argileux.",
        "photos": [SimpleUploadedFile("x.png", b"%PDF-1.4 not a photo", content_type="image/png")]})
    body = r.content.decode()
    assert r.status_code == 400
    assert "is not a photo" in body and "Quel engrais pour des rosiers grimpants ?" in body and "Sol argileux." in body
    assert not Question.objects.exists()


def test_while_typing_answered_questions_are_suggested(client, c):
    q = asked(c)
    services.answer(actor=c["yanis"], question=q, body="En septembre.")
    asked(c, title="Laurier qui jaunit : que faire ?", skills="")  # not answered: not suggested
    client.force_login(c["lea"])
    body = client.get(reverse("peerhelp-suggest"), {"title": "tailler mes lauriers"}).content.decode()
    assert "Comment tailler une haie de lauriers" in body and "jaunit" not in body
    assert client.get(reverse("peerhelp-suggest"), {"title": "x" * 300}).status_code == 400


def test_answer_accept_and_helped_from_the_question_page(client, c):
    q = asked(c)
    client.force_login(c["yanis"])
    r = client.post(reverse("peerhelp-answer", args=[q.pk]), {"body": ""})
    assert r.status_code == 400 and "This field is required" in r.content.decode()
    r = client.post(reverse("peerhelp-answer", args=[q.pk]), {"body": "Au sécateur, en septembre."})
    assert r.status_code == 302
    a = q.answers.get()
    assert client.post(reverse("peerhelp-accept", args=[a.pk])).status_code == 403
    client.force_login(c["camille"])
    page = client.get(reverse("peerhelp-question", args=[q.pk])).content.decode()
    assert "Accept this answer" in page and "Call this colleague in on a job" in page
    client.post(reverse("peerhelp-accept", args=[a.pk]))
    client.force_login(c["ines"])
    client.post(reverse("peerhelp-helped", args=[a.pk]))
    page = client.get(reverse("peerhelp-question", args=[q.pk])).content.decode()
    assert "Accepted answer" in page and "helped 1 person" in page and "You marked it helpful." in page


def test_search_past_questions_by_words_trade_and_answers(client, c):
    answered = asked(c)
    services.answer(actor=c["yanis"], question=answered, body="En septembre.")
    asked(c, title="Mon ordinateur ne démarre plus", skills="", trade="it", by="lea")
    client.force_login(c["ines"])

    def titles(**params):
        return [q.title for q in client.get(reverse("peerhelp-index"), params).context["page"].object_list]

    assert titles(q="HAIE lauriers") == ["Comment tailler une haie de lauriers ?"]
    assert titles(q="ordinateur") == ["Mon ordinateur ne démarre plus"]
    assert titles(trade=c["it"].pk) == ["Mon ordinateur ne démarre plus"]
    assert titles(state="unanswered") == ["Mon ordinateur ne démarre plus"]
    assert titles(state="answered") == ["Comment tailler une haie de lauriers ?"]
    assert titles(show="for_me") == ["Comment tailler une haie de lauriers ?"]
    assert client.get(reverse("peerhelp-index"), {"state": "maybe"}).status_code == 400


def test_the_list_costs_the_same_for_many_questions(client, c, django_assert_max_num_queries):
    for i in range(3):
        asked(c, title=f"Question numéro {i} sur les haies", match=False)
    client.force_login(c["camille"])
    client.get(reverse("peerhelp-index"))
    for i in range(15):
        asked(c, title=f"Autre question numéro {i} sur les haies", match=False)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("peerhelp-index")).status_code == 200


def test_an_answered_question_turns_into_a_procedure_that_says_where_it_comes_from(client, c):
    q = asked(c)
    a = services.answer(actor=c["yanis"], question=q, body="Au sécateur.")
    assert views.procedure_link(q, None) is None  # nothing to write from before an answer is accepted
    url = views.procedure_link(q, a)
    assert url.startswith("/procedures/new/?") and f"source=peerhelp.question%3A{q.pk}" in url
    assert f"trade={c['garden'].pk}" in url and "Au+s%C3%A9cateur" in url
    services.accept(actor=c["camille"], answer=a)
    client.force_login(c["camille"])
    page = client.get(reverse("peerhelp-question", args=[q.pk])).content.decode()
    assert "/procedures/new/?" in page
    # the procedure's "written from" names the question for a colleague, not for an outsider
    source = f"peerhelp.question:{q.pk}"
    assert procedure_sources.describe(c["yanis"], source) == {
        "label": q.title, "url": f"/help-each-other/{q.pk}/"}
    assert procedure_sources.describe(c["outsider"], source)["url"] == ""
