"""Who sees and decides what: a member never reaches another member's actions or cases (404, pages
and API); the collections service works its entity's queue; bounded query counts."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from compagnon.core.tests.factories import api_token_for, staff
from compagnon.dunning import services
from compagnon.dunning.models import AutomatedAction, CaseDocument, CaseNote, CollectionCase

from .conftest import actions_of

pytestmark = pytest.mark.django_db



def step_names(entity) -> tuple[str, str]:
    """The default plan's first-reminder and formal-notice names, as stored: in the entity's
    language (French here), which is what every page shows whoever reads it."""
    from django.utils import translation

    with translation.override(entity.default_language or "fr"):
        return translation.gettext("First reminder"), translation.gettext("Formal notice")

def api(client, user):
    return {"HTTP_AUTHORIZATION": f"Token {api_token_for(user)}"}


@pytest.fixture
def two(make):
    return make(due_days_ago=10), make(due_days_ago=10)


def test_another_member_gets_404_on_actions_pages_and_api(two, client):
    mine, theirs = two
    action = actions_of(theirs.document)[1]
    client.force_login(mine.member.user)
    assert client.post(f"/collections/actions/{action.pk}/hold/").status_code == 404
    assert client.get(f"/collections/actions/{action.pk}/letter/").status_code == 404
    assert client.get(f"/collections/activities/{theirs.activity.pk}/").status_code == 404
    assert client.post(f"/collections/documents/{theirs.document.pk}/stop/").status_code == 404
    assert client.post(f"/collections/clients/{theirs.client.pk}/", {"never_remind": "1"}).status_code == 404
    auth = api(client, mine.member.user)
    assert client.get(f"/api/v1/collections/actions/{action.pk}/", **auth).status_code == 404
    assert client.post(f"/api/v1/collections/actions/{action.pk}/hold/", **auth).status_code == 404
    listed = client.get("/api/v1/collections/actions/", **auth).json()
    assert {row["document"] for row in listed["results"]} == {mine.document.pk}
    assert AutomatedAction.objects.get(pk=action.pk).state == "scheduled"


def test_member_decides_through_the_api_and_the_page(two, client):
    mine, _theirs = two
    action = actions_of(mine.document)[1]
    auth = api(client, mine.member.user)
    held = client.post(f"/api/v1/collections/actions/{action.pk}/hold/", **auth)
    assert held.status_code == 200 and held.json()["state"] == "held"
    again = client.post(f"/api/v1/collections/actions/{action.pk}/hold/", **auth)
    assert again.status_code == 400 and "state" in again.json()["error"]["fields"]
    upcoming = client.get(f"/api/v1/collections/actions/?activity={mine.activity.pk}&upcoming=1", **auth).json()
    assert upcoming["count"] == 4
    client.force_login(mine.member.user)
    response = client.post(f"/collections/actions/{action.pk}/approve/", {"next": "/documents/"})
    assert response.status_code == 302 and response["Location"] == "/documents/"
    assert AutomatedAction.objects.get(pk=action.pk).state == "approved"
    # htmx: the panel comes back
    partial = client.post(f"/collections/actions/{action.pk}/hold/", HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and b'id="collections"' in partial.content and b"On hold" in partial.content


def _case(world):
    case = CollectionCase.objects.create(entity=world.entity, activity=world.activity, client=world.client)
    CaseDocument.objects.create(case=case, document=world.document)
    CaseNote.objects.create(case=case, body="for the member", for_member=True)
    CaseNote.objects.create(case=case, body="agents only")
    return case


def test_cases_are_404_for_other_members_and_other_entities_agents(two, client):
    mine, theirs = two
    case = _case(theirs)
    outsider_agent = staff("support", mine.entity, service="collections")
    for user in (mine.member.user, outsider_agent):
        client.force_login(user)
        assert client.get(f"/collections/cases/{case.pk}/").status_code == 404
        auth = api(client, user)
        assert client.get(f"/api/v1/collections/cases/{case.pk}/", **auth).status_code == 404
        assert client.patch(f"/api/v1/collections/cases/{case.pk}/", {"status": "closed"},
                            content_type="application/json", **auth).status_code == 404


def test_case_api_for_the_agent_and_the_member(make, client):
    w = make(due_days_ago=10)
    case = _case(w)
    agent = staff("support", w.entity, service="collections")
    other_service = staff("support", w.entity, service="legal")
    auth = api(client, agent)
    queue = client.get("/api/v1/collections/cases/?status=new", **auth).json()
    assert [row["id"] for row in queue["results"]] == [case.pk]
    changed = client.patch(f"/api/v1/collections/cases/{case.pk}/", {"status": "in_progress", "assigned_to": agent.pk},
                           content_type="application/json", **auth)
    assert changed.status_code == 200 and changed.json()["status"] == "in_progress"
    noted = client.post(f"/api/v1/collections/cases/{case.pk}/notes/", {"body": "Letter sent by the bailiff",
                                                                         "for_member": True},
                        content_type="application/json", **auth)
    assert noted.status_code == 201
    detail = client.get(f"/api/v1/collections/cases/{case.pk}/", **auth).json()
    assert "agents only" in [i["text"] for i in detail["timeline"]]
    member = api(client, w.member.user)
    seen = client.get(f"/api/v1/collections/cases/{case.pk}/", **member).json()
    texts = [i["text"] for i in seen["timeline"]]
    assert "for the member" in texts and "Letter sent by the bailiff" in texts and "agents only" not in texts
    assert client.patch(f"/api/v1/collections/cases/{case.pk}/", {"status": "closed"},
                        content_type="application/json", **member).status_code == 403
    # another support service reads the entity's activities: it sees what the member sees, and cannot act
    legal = api(client, other_service)
    seen = client.get(f"/api/v1/collections/cases/{case.pk}/", **legal).json()
    assert seen["as_agent"] is False and "agents only" not in [i["text"] for i in seen["timeline"]]
    assert client.post(f"/api/v1/collections/cases/{case.pk}/notes/", {"body": "x"},
                       content_type="application/json", **legal).status_code == 403


def test_the_plan_page_is_for_administrators(make, client):
    w = make(plan=False, due_days_ago=10)
    client.force_login(w.member.user)
    assert client.get(f"/collections/plans/{w.entity.pk}/").status_code == 404
    client.force_login(w.admin)
    page = client.get(f"/collections/plans/{w.entity.pk}/")
    assert page.status_code == 200 and b"Start from the recommended plan" in page.content
    client.post(f"/collections/plans/{w.entity.pk}/")
    page = client.get(f"/collections/plans/{w.entity.pk}/")
    first, notice = step_names(w.entity)
    assert first.encode() in page.content and notice.encode() in page.content
    step = w.entity and services.active_plan(w.entity.pk).steps.get(order=1)
    edit = client.get(f"/collections/plans/{w.entity.pk}/steps/{step.pk}/")
    assert edit.status_code == 200 and b"Subject (German)" in edit.content
    bad = client.post(f"/collections/plans/{w.entity.pk}/steps/{step.pk}/", {
        "order": 1, "kind": "reminder", "label": "R1", "delay_days": 5, "channel": "email", "announce_days_before": 3,
        "subject_en": "Hi", "body_en": "{unknown}"})
    assert bad.status_code == 400 and b"Unknown placeholders" in bad.content


def _render_panel(user, document):
    request = RequestFactory().get(f"/documents/{document.pk}/")
    request.user, request.htmx = user, False
    return Template("{% load dunning_tags %}{% collection_panel document %}").render(
        Context({"request": request, "document": document}))


def test_panel_query_count_does_not_grow_with_the_actions(make, run, django_assert_max_num_queries):
    from compagnon.sales import selectors as sales_selectors

    w = make(due_days_ago=40)
    for n in range(0, 8):
        run(n)
    document = sales_selectors.document_detail(w.member.user, w.document.pk)
    with django_assert_max_num_queries(9):
        html = _render_panel(w.member.user, document)
    first, notice = step_names(w.entity)
    assert first in html and notice in html and "waits for your OK" in html


def test_queue_and_activity_pages_have_bounded_queries(make, client, django_assert_max_num_queries):
    from compagnon.clients.models import Client

    w = make(due_days_ago=10)
    agent = staff("support", w.entity, service="collections")
    for i in range(12):
        c = Client.objects.create(activity=w.activity, name=f"Client {i}", street="1 rue", postcode="44000", city="Nantes")
        CollectionCase.objects.create(entity=w.entity, activity=w.activity, client=c)
    client.force_login(agent)
    client.get("/collections/cases/")
    with django_assert_max_num_queries(8):
        assert client.get("/collections/cases/").status_code == 200
    client.force_login(w.member.user)
    with django_assert_max_num_queries(16):
        page = client.get(f"/collections/activities/{w.activity.pk}/")
    assert page.status_code == 200 and w.document.number.encode() in page.content


def test_client_timeline_shows_past_and_upcoming_actions(make, run, client):
    w = make(due_days_ago=10)
    run(0)
    run(3)
    client.force_login(w.member.user)
    page = client.get(f"/clients/{w.client.pk}/")
    assert page.status_code == 200
    first, _notice = step_names(w.entity)
    assert f"{first} · {w.document.number}".encode() in page.content
    with translation.override(w.entity.default_language or "fr"):
        second = translation.gettext("Second reminder")
    assert f"{second} · {w.document.number}".encode() in page.content


def _render(user, source, **context):
    request = RequestFactory().get("/")
    request.user, request.htmx = user, False
    return Template("{% load dunning_tags %}" + source).render(Context({"request": request, **context}))


def test_upcoming_actions_and_client_switch_tags(make, django_assert_max_num_queries):
    w = make(due_days_ago=10)
    with django_assert_max_num_queries(6):
        html = _render(w.member.user, "{% upcoming_actions activity %}", activity=w.activity)
    assert w.document.number in html and "Hold" in html and f"/collections/activities/{w.activity.pk}/" in html
    html = _render(w.member.user, "{% client_collection_switch client %}", client=w.client)
    assert "Never remind this client automatically" in html
    other = make()
    assert "<form" not in _render(other.member.user, "{% client_collection_switch client %}", client=w.client)
