"""Who sees what: a member sees the cases of their activities and those given to them; the desk
(administrators, client-relations agents) its entity's; anybody else gets 404, pages and API alike."""

import pytest
from django.urls import reverse

from .. import services
from ..models import State, WarrantyRule
from .helpers import auth, coop, reported

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    return coop()


def test_other_people_get_404_on_the_case_page_and_in_the_api(client, c):
    case = reported(c)
    for user in (c.techie.user, c.outsider.user, c.legal, c.advisor, c.foreign_admin):
        client.force_login(user)
        assert client.get(reverse("aftersales-case", args=[case.pk])).status_code == 404, user
        assert client.post(reverse("aftersales-accept", args=[case.pk])).status_code == 404
        assert str(case) not in client.get(reverse("aftersales-list")).content.decode()
        api = client.get(f"/api/v1/aftersales/cases/{case.pk}/", **auth(user))
        assert api.status_code == 404
        assert client.get("/api/v1/aftersales/cases/", **auth(user)).json()["results"] == []
        photo = case.photos.create(file="aftersales/x.jpg")
        assert client.get(reverse("aftersales-photo", args=[case.pk, photo.pk])).status_code == 404
    client.force_login(c.colleague.user)  # a colleague of the trade, not given the case
    assert client.get(reverse("aftersales-case", args=[case.pk])).status_code == 404


def test_the_desk_sees_the_queue_members_do_not(client, c):
    client.force_login(c.gardener.user)
    assert client.get(reverse("aftersales-queue")).status_code == 404
    for user in (c.desk, c.admin):
        client.force_login(user)
        assert client.get(reverse("aftersales-queue")).status_code == 200
    client.force_login(c.legal)
    assert client.get(reverse("aftersales-queue")).status_code == 404


def test_members_cannot_give_a_case_away(client, c):
    case = reported(c)
    client.force_login(c.gardener.user)
    assert client.post(reverse("aftersales-assign", args=[case.pk]), {"member": c.colleague.pk}).status_code == 403
    response = client.post(f"/api/v1/aftersales/cases/{case.pk}/assign/", {"member": c.colleague.pk},
                           content_type="application/json", **auth(c.gardener.user))
    assert response.status_code == 403


def test_api_round_trip_of_a_case(client, c):
    case = reported(c)
    listed = client.get("/api/v1/aftersales/cases/?state=with_member", **auth(c.gardener.user)).json()
    assert [row["id"] for row in listed["results"]] == [case.pk]
    assert client.get("/api/v1/aftersales/cases/?state=nonsense", **auth(c.gardener.user)).status_code == 400
    h = auth(c.gardener.user)
    declined = client.post(f"/api/v1/aftersales/cases/{case.pk}/decline/", {"reason": "Too far"},
                           content_type="application/json", **h)
    assert declined.status_code == 200 and declined.json()["state"] == State.REPORTED and declined.json()["in_queue"]
    d = auth(c.desk)
    assert client.get("/api/v1/aftersales/cases/?in_queue=true", **d).json()["results"][0]["id"] == case.pk
    given = client.post(f"/api/v1/aftersales/cases/{case.pk}/assign/", {"member": c.colleague.pk},
                        content_type="application/json", **d)
    assert given.status_code == 200 and given.json()["assigned_member"] == c.colleague.pk
    k = auth(c.colleague.user)
    assert client.post(f"/api/v1/aftersales/cases/{case.pk}/accept/", **k).json()["state"] == State.IN_PROGRESS
    answered = client.post(f"/api/v1/aftersales/cases/{case.pk}/answer/", {"body": "I come tomorrow"},
                           content_type="application/json", **k)
    assert answered.status_code == 201 and answered.json()["thread"][-1]["body"] == "I come tomorrow"
    assert answered.json()["first_answer_seconds"] is not None
    resolved = client.post(f"/api/v1/aftersales/cases/{case.pk}/resolve/", {"resolution": "Replaced the plants"},
                           content_type="application/json", **k)
    assert resolved.json()["state"] == State.RESOLVED
    again = client.post(f"/api/v1/aftersales/cases/{case.pk}/reject/", {"reason": "x"},
                        content_type="application/json", **k)
    assert again.status_code == 400 and again.json()["error"]["message"]
    assert client.post(f"/api/v1/aftersales/cases/{case.pk}/close/", **k).json()["state"] == State.CLOSED


def test_warranty_rules_api_is_the_desks(client, c):
    body = {"entity": c.entity.pk, "trade": c.gardening.pk, "days": 365, "starts_from": "invoice"}
    denied = client.post("/api/v1/aftersales/warranty-rules/", body, content_type="application/json",
                         **auth(c.gardener.user))
    assert denied.status_code == 400 and not WarrantyRule.objects.exists()
    made = client.post("/api/v1/aftersales/warranty-rules/", body, content_type="application/json", **auth(c.desk))
    assert made.status_code == 201 and made.json()["days"] == 365
    assert [r["id"] for r in client.get("/api/v1/aftersales/warranty-rules/", **auth(c.gardener.user)).json()["results"]] == [made.json()["id"]]
    assert client.get("/api/v1/aftersales/warranty-rules/", **auth(c.outsider.user)).json()["results"] == []
    rule_url = f"/api/v1/aftersales/warranty-rules/{made.json()['id']}/"
    assert client.delete(rule_url, **auth(c.gardener.user)).status_code == 403
    assert client.delete(rule_url, **auth(c.foreign_admin)).status_code == 404
    assert client.delete(rule_url, **auth(c.admin)).status_code == 204


def test_services_check_the_rules_again(c):
    case = reported(c)
    from django.core.exceptions import PermissionDenied
    with pytest.raises(PermissionDenied):
        services.accept(actor=c.techie.user, case=case)
    with pytest.raises(PermissionDenied):
        services.assign(actor=c.gardener.user, case=case, member=c.colleague)
