"""Who sees what, pages and API: the member sees only their own requests; the desk's staff (agents
of that service in that entity, its administrators) see the request; anybody else gets 404 —
colleagues, advisors, accountants, agents of another service, administrators of another entity.
Internal notes never reach the member. Lists cost a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compagnon.audit.models import AuditEvent
from compagnon.notifications.models import Notification

from .. import services
from .helpers import auth, world

pytestmark = pytest.mark.django_db
SECRET = "Note interne : vérifier son historique de paiements"


@pytest.fixture
def w(django_capture_on_commit_callbacks):
    w = world()
    with django_capture_on_commit_callbacks(execute=True):
        w.req = services.create_request(actor=w.member.user, service="accounting", body="Ma déclaration de TVA")
        services.add_note(actor=w.agent, request=w.req, body=SECRET)
        services.answer(actor=w.agent, request=w.req, body="Réponse visible")
    return w


def test_the_member_and_the_desk_see_the_request_nobody_else(client, w):
    url = reverse("support-request", args=[w.req.pk])
    allowed = {"member": w.member.user, "agent": w.agent, "agent2": w.agent2, "admin": w.admin}
    refused = {"colleague": w.colleague.user, "member of another office": w.member_elsewhere.user,
               "member of another entity": w.outsider.user, "advisor": w.advisor, "legal agent": w.legal,
               "collections agent": w.collections, "accountant": w.accountant, "foreign admin": w.foreign_admin,
               "foreign agent of the same service": w.foreign_agent, "bystander": w.bystander.user}
    for name, user in allowed.items():
        client.force_login(user)
        assert client.get(url).status_code == 200, name
    for name, user in refused.items():
        client.force_login(user)
        assert client.get(url).status_code == 404, name
        assert client.post(reverse("support-reply", args=[w.req.pk]), {"body": "x"}).status_code == 404, name
        assert client.post(reverse("support-answer", args=[w.req.pk]), {"body": "x", "mode": "answer"}).status_code == 404, name
        assert client.post(reverse("support-close", args=[w.req.pk])).status_code == 404, name
        h = auth(user)
        assert client.get(f"/api/v1/support/requests/{w.req.pk}/", **h).status_code == 404, name
        assert client.get(f"/api/v1/support/queue/{w.req.pk}/", **h).status_code == 404, name
        assert client.post(f"/api/v1/support/queue/{w.req.pk}/note/", {"body": "x"}, content_type="application/json",
                           **h).status_code == 404, name
        assert client.post(f"/api/v1/support/requests/{w.req.pk}/answer/", {"body": "x"}, content_type="application/json",
                           **h).status_code == 404, name
        assert w.req.pk not in [row["id"] for row in client.get("/api/v1/support/queue/?show=answered", **h).json().get("results", [])]
    client.logout()
    assert client.get(f"/api/v1/support/queue/{w.req.pk}/", **auth(w.agent)).status_code == 200
    assert client.get(f"/api/v1/support/queue/{w.req.pk}/", **auth(w.admin)).status_code == 200
    assert client.get(f"/api/v1/support/requests/{w.req.pk}/", **auth(w.member.user)).status_code == 200


def test_the_member_may_not_use_the_staff_tools(client, w):
    client.force_login(w.member.user)
    assert client.post(reverse("support-answer", args=[w.req.pk]), {"body": "x", "mode": "note"}).status_code == 403
    assert client.post(reverse("support-assign", args=[w.req.pk]), {"take": "1"}).status_code == 403
    assert client.post(reverse("support-priority", args=[w.req.pk]), {"priority": "urgent"}).status_code == 403
    assert client.get(reverse("support-queue")).status_code == 404
    assert client.get(f"/api/v1/support/queue/{w.req.pk}/", **auth(w.member.user)).status_code == 404
    assert client.get(reverse("support-canned")).status_code == 404
    assert client.get(reverse("support-settings", args=[w.entity.pk])).status_code == 404
    client.force_login(w.agent)  # staff, not a member: cannot ask
    assert client.get(reverse("support-new")).status_code == 403
    assert client.get(reverse("support-settings", args=[w.entity.pk])).status_code == 404  # admins only
    client.force_login(w.foreign_admin)
    assert client.get(reverse("support-settings", args=[w.entity.pk])).status_code == 404
    client.force_login(w.admin)
    assert client.get(reverse("support-settings", args=[w.entity.pk])).status_code == 200


def test_internal_notes_never_reach_the_member_html_and_api(client, w):
    client.force_login(w.member.user)
    page = client.get(reverse("support-request", args=[w.req.pk])).content.decode()
    assert "Réponse visible" in page and SECRET not in page and "internal note" not in page
    assert SECRET not in client.get(reverse("support-mine")).content.decode()
    api = client.get(f"/api/v1/support/requests/{w.req.pk}/", **auth(w.member.user)).content.decode()
    assert "Réponse visible" in api and SECRET not in api and '"note"' not in api
    assert SECRET not in client.get("/api/v1/support/requests/", **auth(w.member.user)).content.decode()
    assert not Notification.objects.filter(user=w.member.user, body__contains="interne").exists()
    history = client.get(reverse("audit-list")).content.decode()
    assert "Internal note" not in history and SECRET not in history
    assert AuditEvent.objects.filter(action="support.note", member__isnull=True).exists()
    client.force_login(w.agent)
    staff_page = client.get(reverse("support-request", args=[w.req.pk])).content.decode()
    assert SECRET in staff_page and "internal note" in staff_page
    staff_api = client.get(f"/api/v1/support/queue/{w.req.pk}/", **auth(w.agent)).json()
    notes = [item for item in staff_api["thread"] if item["kind"] == "note"]
    assert [n["text"] for n in notes] == [SECRET] and notes[0]["internal"] is True


def test_queues_are_per_service_and_entity(client, w):
    legal = services.create_request(actor=w.member.user, service="legal", body="Un contrat")
    foreign = services.create_request(actor=w.outsider.user, service="accounting", body="Ailleurs")
    client.force_login(w.agent)
    seen = client.get(reverse("support-queue") + "?show=answered").content.decode()
    assert f'data-request="{w.req.pk}"' in seen
    todo = client.get(reverse("support-queue")).content.decode()
    assert f'data-request="{legal.pk}"' not in todo and f'data-request="{foreign.pk}"' not in todo
    client.force_login(w.legal)
    todo = client.get(reverse("support-queue")).content.decode()
    assert f'data-request="{legal.pk}"' in todo and f'data-request="{foreign.pk}"' not in todo
    assert client.get(reverse("support-queue") + "?service=accounting").status_code == 400  # not their desk
    client.force_login(w.admin)
    todo = client.get(reverse("support-queue")).content.decode()
    assert f'data-request="{legal.pk}"' in todo and f'data-request="{foreign.pk}"' not in todo
    rows = client.get("/api/v1/support/queue/", **auth(w.admin)).json()["results"]
    assert [r["id"] for r in rows] == [legal.pk] and rows[0]["clock"]["kind"] == "due"


def test_queue_filters(client, w):
    from django.utils import timezone

    from .helpers import at

    mine = services.create_request(actor=w.member.user, service="accounting", body="A", now=at(0))
    services.assign(actor=w.agent, request=mine, agent=w.agent)
    late = services.create_request(actor=w.member.user, service="accounting", body="B", now=at(-30))
    urgent = services.create_request(actor=w.member.user, service="accounting", body="C")
    services.set_priority(actor=w.agent, request=urgent, priority="urgent")
    h = auth(w.agent)

    def ids(query):
        return [r["id"] for r in client.get("/api/v1/support/queue/?" + query, **h).json()["results"]]

    assert ids("who=mine") == [mine.pk]
    assert set(ids("who=unassigned")) == {late.pk, urgent.pk}
    assert late.pk in ids("late=1") and urgent.pk not in ids("late=1")
    assert ids("priority=urgent") == [urgent.pk]
    assert ids("")[0] == late.pk  # the most overdue first
    assert client.get("/api/v1/support/queue/?priority=extreme", **h).status_code == 400
    client.force_login(w.agent)
    page = client.get(reverse("support-queue") + "?late=1").content.decode()
    assert f'data-request="{late.pk}"' in page and 'data-clock="late"' in page
    assert timezone.now() > late.due_at


def _count(client, url, **extra) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, **extra).status_code == 200
    return len(ctx.captured_queries)


def test_query_counts_do_not_grow_with_the_rows(client, w):
    from .helpers import open_case

    def more(n):
        for i in range(n):
            r = services.create_request(actor=w.member.user, service="accounting", body=f"Question {i}")
            services.assign(actor=w.agent, request=r, agent=w.agent2 if i % 2 else w.agent)
        open_case(w)  # a collections case of the member's activity, in "My requests"

    more(2)
    client.force_login(w.agent)
    queue_url, mine_url = reverse("support-queue"), reverse("support-mine")
    first_queue = _count(client, queue_url)
    api_queue = _count(client, "/api/v1/support/queue/", **auth(w.agent))
    client.force_login(w.member.user)
    first_mine = _count(client, mine_url)
    api_mine = _count(client, "/api/v1/support/requests/", **auth(w.member.user))
    more(6)
    client.force_login(w.agent)
    assert _count(client, queue_url) == first_queue
    assert _count(client, "/api/v1/support/queue/", **auth(w.agent)) == api_queue
    client.force_login(w.member.user)
    assert _count(client, mine_url) == first_mine
    assert _count(client, "/api/v1/support/requests/", **auth(w.member.user)) == api_mine
