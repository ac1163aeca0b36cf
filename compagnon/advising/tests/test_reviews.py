"""The yearly review: staff write the template (sections and questions), the advisor fills it with
the member during the review appointment, it is kept per year, shared with the member when done
(told, and by email), and downloads as a PDF. A template changed later changes no review."""

import pytest
from django.core import mail
from django.urls import reverse

from compagnon.notifications.models import Notification

from .. import reviews
from ..models import AppointmentKind, Review, ReviewState, ReviewTemplate
from .helpers import at, auth, coop, days, planned

pytestmark = pytest.mark.django_db


def _formset(rows):
    data = {"q-TOTAL_FORMS": str(len(rows)), "q-INITIAL_FORMS": "0", "q-MIN_NUM_FORMS": "0", "q-MAX_NUM_FORMS": "60"}
    for i, (section, label, kind) in enumerate(rows):
        data.update({f"q-{i}-section": section, f"q-{i}-label": label, f"q-{i}-help": "", f"q-{i}-kind": kind})
    return data


@pytest.fixture
def c():
    c = coop()
    c["template"] = reviews.save_template(actor=c["admin"], entity=c["entity"], name="Yearly review", questions=[
        {"section": "Activity figures", "label": "Revenue of the year", "kind": "number"},
        {"section": "Goals", "label": "Goals for next year", "kind": "long_text"},
        {"section": "Training needs", "label": "Would you like a training?", "kind": "yes_no"},
    ])
    return c


def test_staff_write_a_template_on_the_page(client, c):
    client.force_login(c["advisor"])
    url = reverse("advising-template-new")
    r = client.post(url, {"name": "", "intro": "kept intro", "active": "on", **_formset([("S", "Q1", "text")])})
    assert r.status_code == 400 and "kept intro" in r.content.decode()
    r = client.post(url, {"name": "Mid-year check", "active": "on", **_formset([("", "", "text")])})
    assert r.status_code == 400 and "Write at least one question." in r.content.decode()
    r = client.post(url, {"name": "Mid-year check", "active": "on",
                          **_formset([("Money", "Cash in the bank", "number"), ("", "", "text"),
                                      ("Plans", "Next big client", "text")])})
    assert r.status_code == 302
    t = ReviewTemplate.objects.get(name="Mid-year check")
    assert [q.label for q in t.questions.all()] == ["Cash in the bank", "Next big client"]
    assert client.get(reverse("advising-template", args=[t.pk])).status_code == 200
    for user in (c["camille"].user, c["accountant"], c["foreign_admin"]):
        client.force_login(user)
        assert client.get(reverse("advising-template", args=[t.pk])).status_code == 404


def test_a_review_is_filled_shared_when_done_and_downloaded(client, c, django_capture_on_commit_callbacks):
    meeting = planned(c, when=at(days(0), 8), kind=AppointmentKind.REVIEW, topic="Yearly review")
    client.force_login(c["advisor"])
    assert "Start the review" in client.get(reverse("advising-appointment", args=[meeting.pk])).content.decode()
    r = client.post(reverse("advising-review-start", args=[c["camille"].pk]),
                    {"year": str(days(0).year), "template": c["template"].pk, "appointment": meeting.pk})
    assert r.status_code == 302
    review = Review.objects.get()
    assert review.appointment == meeting and [q["label"] for q in review.questions][0] == "Revenue of the year"
    # the member does not see it while in progress
    client.force_login(c["camille"].user)
    assert client.get(reverse("advising-review", args=[review.pk])).status_code == 404
    assert client.get(reverse("advising-review-pdf", args=[review.pk])).status_code == 404
    client.force_login(c["advisor"])
    url = reverse("advising-review", args=[review.pk])
    ids = [q["id"] for q in review.questions]
    r = client.post(url, {f"q_{ids[0]}": "a lot", f"q_{ids[1]}": "Two contracts", f"q_{ids[2]}": "yes"})
    assert r.status_code == 400 and "Enter a number" in r.content.decode() and "Two contracts" in r.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(url, {f"q_{ids[0]}": "38 500", f"q_{ids[1]}": "Two contracts", f"q_{ids[2]}": "yes",
                              "summary": "A sound year.", "done": "1"})
    assert r.status_code == 302
    review.refresh_from_db()
    assert review.state == ReviewState.DONE and review.answers[str(ids[0])] == "38500"
    assert Notification.objects.filter(user=c["camille"].user, url=url).exists()
    assert mail.outbox[-1].to == [c["camille"].user.email]
    # a template changed later changes no review
    reviews.save_template(actor=c["admin"], entity=c["entity"], template=c["template"], name="Yearly review",
                          questions=[{"label": "Something else", "kind": "text"}])
    for user in (c["camille"].user, c["advisor"], c["admin"]):
        client.force_login(user)
        body = client.get(url).content.decode()
        assert "Revenue of the year" in body and "Two contracts" in body and "Something else" not in body
        pdf = client.get(reverse("advising-review-pdf", args=[review.pk]))
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    client.force_login(c["camille"].user)
    assert "Yearly review" in client.get(reverse("advising-mine")).content.decode()
    r = client.post(url, {f"q_{ids[1]}": "changed by the member"})
    assert r.status_code == 403
    for user in (c["yanis"].user, c["support"], c["accountant"], c["foreign_admin"]):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.get(reverse("api-advising-review-detail", args=[review.pk]), **auth(user)).status_code == 404


def test_one_review_per_member_and_year_and_the_api(client, c):
    token = auth(c["advisor"])
    body = {"member": c["camille"].pk, "year": days(0).year, "template": c["template"].pk}
    r = client.post(reverse("api-advising-review-list"), body, content_type="application/json", **token)
    assert r.status_code == 201
    pk, qid = r.json()["id"], r.json()["questions"][2]["id"]
    r = client.post(reverse("api-advising-review-list"), body, content_type="application/json", **token)
    assert r.status_code == 400 and "year" in r.json()["error"]["fields"]
    r = client.patch(reverse("api-advising-review-detail", args=[pk]), {"answers": {str(qid): "maybe"}},
                     content_type="application/json", **token)
    assert r.status_code == 400 and f"q_{qid}" in r.json()["error"]["fields"]
    r = client.post(reverse("api-advising-review-done", args=[pk]), content_type="application/json", **token)
    assert r.status_code == 400  # nothing answered yet
    r = client.patch(reverse("api-advising-review-detail", args=[pk]), {"answers": {str(qid): "no"}},
                     content_type="application/json", **token)
    assert r.json()["answers"][str(qid)] == "no"
    assert client.post(reverse("api-advising-review-done", args=[pk]), content_type="application/json",
                       **token).json()["state"] == "done"
    rows = client.get(reverse("api-advising-review-list"), **auth(c["camille"].user)).json()["results"]
    assert [row["id"] for row in rows] == [pk]
    pdf = client.get(reverse("api-advising-review-pdf", args=[pk]), **auth(c["camille"].user))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    r = client.put(reverse("api-advising-template-detail", args=[c["template"].pk]),
                   {"entity": c["entity"].pk, "name": "Renamed", "questions": [{"label": "Only one"}]},
                   content_type="application/json", **auth(c["camille"].user))
    assert r.status_code == 404
