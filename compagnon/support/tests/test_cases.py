"""Collections cases are requests of kind "collections case": a new case makes its request, in the
collections queue and in the member's "My requests"; the service's answer is a case note the member
sees (one thread); internal notes stay internal; the request follows the case's status and agent
whichever page changed them; cases from before are linked once."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from compagnon.dunning import litigation
from compagnon.dunning.models import CaseNote, CaseStatus, CollectionCase

from .. import services
from ..models import Kind, Message, State, SupportRequest
from .helpers import auth, open_case, world

pytestmark = pytest.mark.django_db


def test_a_new_case_creates_its_request():
    w = world()
    case = open_case(w)
    r = SupportRequest.objects.get(case=case)
    assert r.kind == Kind.COLLECTIONS_CASE and r.service == "collections" and r.entity == w.entity
    assert r.activity == w.activity and r.state == State.NEW and r.due_at is not None and r.member is None
    assert r.subject == case.client.name


def test_the_case_is_in_the_collections_queue_and_in_my_requests(client):
    w = world()
    case = open_case(w)
    r = case.support_request
    client.force_login(w.collections)
    assert f'data-request="{r.pk}"' in client.get(reverse("support-queue")).content.decode()
    client.force_login(w.agent)  # accounting: not theirs
    assert client.get(reverse("support-request", args=[r.pk])).status_code == 404
    client.force_login(w.member.user)
    mine = client.get(reverse("support-mine")).content.decode()
    assert f'data-request="{r.pk}"' in mine and case.client.name in mine
    page = client.get(reverse("support-request", args=[r.pk])).content.decode()
    assert reverse("collections-case", args=[case.pk]) in page and 'data-case-status="new"' in page
    client.force_login(w.colleague.user)  # another member of the office: not their activity
    assert client.get(reverse("support-request", args=[r.pk])).status_code == 404
    assert f'data-request="{r.pk}"' not in client.get(reverse("support-mine")).content.decode()
    api = client.get("/api/v1/support/requests/", **auth(w.member.user)).json()["results"]
    assert [(row["id"], row["kind"], row["case"]) for row in api] == [(r.pk, "collections_case", case.pk)]


def test_answering_posts_a_case_note_one_thread(client, django_capture_on_commit_callbacks, mailoutbox):
    w = world()
    case = open_case(w)
    r = case.support_request
    client.force_login(w.collections)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("support-answer", args=[r.pk]),
                           {"mode": "answer", "body": "Le client promet de payer vendredi."}).status_code == 302
        client.post(reverse("support-answer", args=[r.pk]), {"mode": "note", "body": "Solvabilité douteuse."})
    notes = list(CaseNote.objects.filter(case=case).values_list("body", "for_member"))
    assert notes == [("Le client promet de payer vendredi.", True), ("Solvabilité douteuse.", False)]
    assert not Message.objects.filter(request=r).exists()  # nothing in a second thread
    r.refresh_from_db()
    case.refresh_from_db()
    assert r.state == State.ANSWERED and r.assigned_to == w.collections and case.assigned_to == w.collections
    assert [m.to for m in mailoutbox] == [[w.member.user.email]]
    # the member reads the same thread on both pages, without the internal note
    client.force_login(w.member.user)
    mine = client.get(reverse("support-request", args=[r.pk])).content.decode()
    case_page = client.get(reverse("collections-case", args=[case.pk])).content.decode()
    for page in (mine, case_page):
        assert "payer vendredi" in page and "Solvabilité" not in page
    api = client.get(f"/api/v1/support/requests/{r.pk}/", **auth(w.member.user)).content.decode()
    assert "payer vendredi" in api and "Solvabilité" not in api
    staff = client.get(f"/api/v1/support/queue/{r.pk}/", **auth(w.collections)).json()
    assert {(i["kind"], i["text"]) for i in staff["thread"] if i["kind"] in ("answer", "note")} == {
        ("answer", "Le client promet de payer vendredi."), ("note", "Solvabilité douteuse.")}
    # the member writes back: the request is open again for the service
    client.post(reverse("support-reply", args=[r.pk]), {"body": "Merci, je vous tiens au courant."})
    r.refresh_from_db()
    assert r.state == State.OPEN and r.due_at is not None


def test_a_note_written_on_the_case_page_answers_the_request(client, django_capture_on_commit_callbacks, mailoutbox):
    w = world()
    case = open_case(w)
    client.force_login(w.collections)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("collections-case-note", args=[case.pk]), {"body": "Relance par huissier.", "for_member": "on"})
    r = SupportRequest.objects.get(case=case)
    assert r.state == State.ANSWERED and len(mailoutbox) == 1
    litigation.add_case_note(actor=w.collections, case=case, body="interne")
    r.refresh_from_db()
    assert r.state == State.ANSWERED


def test_the_request_follows_the_case_status_and_agent():
    w = world()
    case = open_case(w)
    litigation.assign_case(actor=w.admin, case=case, agent=w.collections)
    r = SupportRequest.objects.get(case=case)
    assert r.assigned_to == w.collections
    litigation.change_case_status(actor=w.collections, case=case, status=CaseStatus.IN_PROGRESS)
    r.refresh_from_db()
    assert r.state == State.OPEN
    litigation.change_case_status(actor=w.collections, case=case, status=CaseStatus.SETTLED)
    r.refresh_from_db()
    assert r.state == State.CLOSED and r.due_at is None and r.closed_at is not None
    services.reopen(actor=w.collections, request=r)  # through the case: back in progress
    case.refresh_from_db()
    r.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS and r.state == State.OPEN and r.due_at is not None
    services.close(actor=w.admin, request=r)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_the_member_neither_closes_nor_reopens_a_case(client):
    w = world()
    r = open_case(w).support_request
    client.force_login(w.member.user)
    assert client.post(reverse("support-close", args=[r.pk])).status_code == 403
    assert "My question is answered" not in client.get(reverse("support-request", args=[r.pk])).content.decode()


def test_cases_from_before_are_linked_once():
    w = world()
    case = open_case(w)
    answered = open_case(w, client=None)
    CaseNote.objects.create(case=answered, body="Déjà répondu", for_member=True)
    closed = open_case(w, client=None)
    CollectionCase.objects.filter(pk=closed.pk).update(status=CaseStatus.CLOSED)
    SupportRequest.objects.all().delete()  # as if support had been installed after
    call_command("support_link_cases", verbosity=0)
    states = dict(SupportRequest.objects.values_list("case_id", "state"))
    assert states == {case.pk: State.NEW, answered.pk: State.ANSWERED, closed.pk: State.CLOSED}
    call_command("support_link_cases", verbosity=0)
    assert SupportRequest.objects.count() == 3
