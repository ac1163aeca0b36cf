"""The relay advisor: during the absence — and only then — they see exactly what the absent
advisor sees (the members of their offices, appointments, notes, next steps), through the pages
and the API of advising and of the members app (the permission layer), and the members read who
to ask. Before the first day and after the last one, nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from compagnon import permissions
from compagnon.accounts.models import Role, RoleAssignment
from compagnon.core.tests.factories import advisor_of
from compagnon.organisation.models import Office

from .. import absences, services
from ..models import Absence, AppointmentRequest
from .helpers import auth, coop, days, held, travel

pytestmark = pytest.mark.django_db

SECRET = "Private: worried about cash."


@pytest.fixture
def c():
    c = coop()
    c["appointment"] = held(c, notes=SECRET)
    c["step"] = services.add_step(actor=c["advisor"], member=c["camille"], text="Send the invoices", due_on=days(30))
    c["absence"] = absences.declare_absence(actor=c["advisor"], entity=c["entity"], advisor=c["advisor"],
                                            starts_on=days(10), ends_on=days(20), relay=c["relay"],
                                            message="Back on Monday the 21st.")
    return c


def _what_the_relay_sees(client, c) -> dict:
    client.force_login(c["relay"])  # a fresh session and scope at this moment
    token = auth(c["relay"])
    camille, a = c["camille"], c["appointment"]
    page = client.get(reverse("advising-appointment", args=[a.pk]))
    api = client.get(reverse("api-advising-appointment-detail", args=[a.pk]), **token)
    listed = client.get(reverse("advising-members")).content.decode()
    return {
        "member page": client.get(f"/members/{camille.pk}/").status_code,
        "member API": client.get(f"/api/v1/members/{camille.pk}/", **token).status_code,
        "follow-up": client.get(reverse("advising-member", args=[camille.pk])).status_code,
        "appointment": page.status_code,
        "notes on the page": SECRET in page.content.decode(),
        "appointment API": api.status_code,
        "notes in the API": api.status_code == 200 and api.json()["notes"] == SECRET,
        "in the list": str(camille.user) in listed,
        "in the API list": camille.pk in {row["id"] for row in client.get(
            reverse("api-advising-member-list"), **token).json()["results"]},
        "steps API": c["step"].pk in {row["id"] for row in client.get(
            reverse("api-advising-step-list"), **token).json()["results"]},
    }


def test_the_relay_sees_the_members_during_the_absence_only(client, c):
    with travel(days(9)):  # the day before
        seen = _what_the_relay_sees(client, c)
    assert seen["member page"] == seen["member API"] == seen["follow-up"] == seen["appointment"] == 404
    assert seen["appointment API"] == 404
    assert not any(seen[k] for k in ("notes on the page", "notes in the API", "in the list", "in the API list",
                                     "steps API"))
    for day in (10, 15, 20):  # first day, middle, last day
        with travel(days(day)):
            seen = _what_the_relay_sees(client, c)
        assert seen == {"member page": 200, "member API": 200, "follow-up": 200, "appointment": 200,
                        "notes on the page": True, "appointment API": 200, "notes in the API": True,
                        "in the list": True, "in the API list": True, "steps API": True}, day
    with travel(days(21)):  # the day after
        seen = _what_the_relay_sees(client, c)
    assert seen["member page"] == seen["member API"] == seen["appointment"] == seen["appointment API"] == 404
    assert not seen["in the list"] and not seen["notes in the API"]


def test_the_relay_acts_for_the_absent_advisor_and_the_member_knows_whom_to_ask(
        client, c, django_capture_on_commit_callbacks):
    with travel(days(12)):
        client.force_login(c["camille"].user)
        body = client.get(reverse("advising-mine")).content.decode()
        assert f"ask {c['relay']} in the meantime" in body and "Back on Monday the 21st." in body
        mine = client.get(reverse("api-advising-mine"), **auth(c["camille"].user)).json()
        assert mine["absence"]["away_now"] and mine["absence"]["relay"]["id"] == c["relay"].pk
        with django_capture_on_commit_callbacks(execute=True):
            services.request_appointment(actor=c["camille"].user, topic="Urgent: a client does not pay")
        from compagnon.notifications.models import Notification

        assert Notification.objects.filter(user=c["relay"], title__contains="Urgent").exists()
        r = AppointmentRequest.objects.get()
        relay = type(c["relay"]).objects.get(pk=c["relay"].pk)
        a = services.accept_request(actor=relay, request=r, starts_at=c["appointment"].starts_at.replace(
            year=c["appointment"].starts_at.year + 1), place="Angers office")
        assert a.advisor == c["relay"]
        client.force_login(c["relay"])
        body = client.get(reverse("advising-members")).content.decode()
        assert f"for {c['advisor']}" in body
    with travel(days(5)):  # before the absence: announced
        client.force_login(c["camille"].user)
        body = client.get(reverse("advising-mine")).content.decode()
        assert "will be away from" in body


def test_one_relay_row_per_office_and_cancelling_removes_them(c):
    second = Office.objects.create(entity=c["entity"], name="Saint-Nazaire")
    RoleAssignment.objects.create(user=c["advisor"], role=Role.ADVISOR, entity=c["entity"], office=second)
    absence = absences.declare_absence(actor=c["admin"], entity=c["entity"], advisor=c["advisor"],
                                       starts_on=days(40), ends_on=days(45), relay=c["relay"])
    rows = RoleAssignment.objects.filter(user=c["relay"], relay_for__isnull=False, starts_on=days(40))
    assert sorted(r.office_id for r in rows) == sorted([c["nantes"].pk, second.pk])
    assert all(r.ends_on == days(45) and r.relay_for.user_id == c["advisor"].pk for r in rows)
    with travel(days(41)):
        relay = type(c["relay"]).objects.get(pk=c["relay"].pk)
        assert c["nantes"].pk in permissions.scope_for(relay).advisor_offices
        absences.cancel_absence(actor=c["advisor"], absence=absence)
        assert not Absence.objects.filter(pk=absence.pk).exists()
        assert not RoleAssignment.objects.filter(user=c["relay"], starts_on=days(40)).exists()
        relay = type(c["relay"]).objects.get(pk=c["relay"].pk)
        assert c["nantes"].pk not in permissions.scope_for(relay).advisor_offices


def test_a_cached_scope_is_dropped_when_the_relay_starts_today(client, c, settings):
    from django.core.cache import caches

    settings.CACHES = {**settings.CACHES, "permissions": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "advising-relay"}}
    settings.PERMISSION_CACHE = "permissions"
    caches["permissions"].clear()
    client.force_login(c["relay"])
    assert client.get(reverse("advising-member", args=[c["camille"].pk])).status_code == 404  # cached now
    absences.declare_absence(actor=c["admin"], entity=c["entity"], advisor=c["advisor"], starts_on=days(0),
                             ends_on=days(2), relay=c["relay"])
    assert client.get(reverse("advising-member", args=[c["camille"].pk])).status_code == 200
    caches["permissions"].clear()


def test_absences_are_checked(client, c):
    other = advisor_of(c["angers"])
    with pytest.raises(ValidationError) as exc:
        absences.declare_absence(actor=c["advisor"], entity=c["entity"], advisor=c["advisor"], starts_on=days(15),
                                 ends_on=days(25), relay=other)
    assert "overlap" in str(exc.value)
    client.force_login(c["advisor"])
    form = {"entity": c["entity"].pk, "starts_on": days(50).isoformat(), "ends_on": days(49).isoformat(),
            "relay": c["advisor"].pk, "message": "kept message"}
    r = client.post(reverse("advising-absences"), form)
    assert r.status_code == 400 and "kept message" in r.content.decode()
    r = client.post(reverse("advising-absences"), {**form, "ends_on": days(55).isoformat()})
    assert r.status_code == 400 and "Choose another advisor of the entity as relay." in r.content.decode()
    assert client.post(reverse("advising-absences"), {**form, "ends_on": days(55).isoformat(),
                                                      "relay": other.pk}).status_code == 302
    # an advisor declares for themselves only; an administrator for any advisor of the entity
    token = auth(c["relay"])
    r = client.post(reverse("api-advising-absence-list"),
                    {"entity": c["entity"].pk, "advisor": c["advisor"].pk, "starts_on": days(70).isoformat(),
                     "ends_on": days(71).isoformat(), "relay": other.pk}, content_type="application/json", **token)
    assert r.status_code == 403
    r = client.post(reverse("api-advising-absence-list"),
                    {"entity": c["entity"].pk, "advisor": c["advisor"].pk, "starts_on": days(70).isoformat(),
                     "ends_on": days(71).isoformat(), "relay": other.pk}, content_type="application/json",
                    **auth(c["admin"]))
    assert r.status_code == 201
    for user in (c["camille"].user, c["outsider"].user, c["foreign_admin"], c["accountant"]):
        client.force_login(user)
        page = client.get(reverse("advising-absences"))
        if user == c["foreign_admin"]:  # their own entity's absences, not these
            assert page.status_code == 200 and str(c["advisor"]) not in page.content.decode()
        else:
            assert page.status_code == 404
        assert client.post(reverse("advising-absence-cancel", args=[c["absence"].pk])).status_code == 404
        assert client.delete(reverse("api-advising-absence-detail", args=[c["absence"].pk]),
                             **auth(user)).status_code == 404
    client.force_login(c["relay"])  # sees the absence it stands in for, may not cancel it
    assert client.post(reverse("advising-absence-cancel", args=[c["absence"].pk])).status_code == 403
