"""Planning: the member's day on the phone, the sector's week with drag and drop (and its form),
conflicts refused in plain words, unavailability, the iCal feed, and who sees what."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from compagnon.core.tests.factories import EntityFactory, OfficeFactory, staff
from compagnon.fieldwork import services
from compagnon.fieldwork.models import CalendarFeed, VisitState

from .factories import (
    ContractFactory,
    SectorFactory,
    UnavailabilityFactory,
    VisitFactory,
    at,
    gardener,
)

pytestmark = pytest.mark.django_db
DAY = datetime.date(2027, 5, 4)  # a Tuesday


def _visit(nantes, **kw):
    kw.setdefault("activity", nantes.activity)
    kw.setdefault("sector", nantes.sector)
    return VisitFactory(**kw)


def test_plan_visit_puts_it_in_the_calendar(nantes):
    visit = _visit(nantes)
    services.plan_visit(
        user=nantes.member.user, visit=visit, member=nantes.member, day=DAY, starts_at=at(DAY, 9)
    )
    visit.refresh_from_db()
    assert (visit.state, visit.member, visit.day, visit.starts_at) == (
        VisitState.PLANNED,
        nantes.member,
        DAY,
        at(DAY, 9),
    )


def test_overlaps_and_unavailability_are_refused_with_a_clear_message(nantes):
    first = _visit(nantes)
    services.plan_visit(
        user=nantes.member.user, visit=first, member=nantes.member, day=DAY, starts_at=at(DAY, 9)
    )
    second = _visit(nantes)
    with pytest.raises(ValidationError) as error:
        services.plan_visit(
            user=nantes.member.user,
            visit=second,
            member=nantes.member,
            day=DAY,
            starts_at=at(DAY, 10),
        )
    assert "overlaps another visit from 9 a.m. to 11 a.m. in 44000 Nantes" in str(error.value)
    services.plan_visit(
        user=nantes.member.user, visit=second, member=nantes.member, day=DAY, starts_at=at(DAY, 11)
    )
    UnavailabilityFactory(
        member=nantes.member, starts_at=at(DAY, 14), ends_at=at(DAY, 18), reason="Dentist"
    )
    third = _visit(nantes)
    with pytest.raises(ValidationError) as error:
        services.plan_visit(
            user=nantes.member.user,
            visit=third,
            member=nantes.member,
            day=DAY,
            starts_at=at(DAY, 15),
        )
    assert "unavailable" in str(error.value) and "Dentist" in str(error.value)
    with pytest.raises(ValidationError):  # a start on another day than the one given
        services.plan_visit(
            user=nantes.member.user,
            visit=third,
            member=nantes.member,
            day=DAY,
            starts_at=at(DAY + datetime.timedelta(days=1), 9),
        )
    with pytest.raises(ValidationError):  # a member of another sector and activity
        services.plan_visit(
            user=nantes.lead.user,
            visit=third,
            member=nantes.outsider,
            day=DAY,
            starts_at=at(DAY, 9),
        )


def test_who_may_plan(nantes):
    visit = _visit(nantes)
    # the sector's lead plans a colleague's visit; a member of another sector cannot
    services.plan_visit(
        user=nantes.lead.user, visit=visit, member=nantes.member, day=DAY, starts_at=None
    )
    assert visit.__class__.objects.get(pk=visit.pk).starts_at == at(DAY, 9)
    with pytest.raises(PermissionDenied):
        services.plan_visit(
            user=nantes.outsider.user, visit=visit, member=nantes.outsider, day=DAY, starts_at=None
        )


def test_the_day_list_on_the_phone(client, nantes, django_assert_max_num_queries):
    today = timezone.localdate()
    contract = ContractFactory(
        activity=nantes.activity,
        member=nantes.member,
        access_notes="Gate code 1984",
        latitude="47.218400",
        longitude="-1.553600",
    )
    late = _visit(
        nantes,
        contract=contract,
        member=nantes.member,
        day=today,
        starts_at=at(today, 14),
        state=VisitState.PLANNED,
        latitude="47.218400",
        longitude="-1.553600",
    )
    early = _visit(
        nantes, member=nantes.member, day=today, starts_at=at(today, 8), state=VisitState.PLANNED
    )
    late.tasks.create(name="Mow the lawn")
    client.force_login(nantes.member.user)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("fieldwork-index"))
    html = page.content.decode()
    assert html.index(f'id="visit-{early.pk}"') < html.index(f'id="visit-{late.pk}"')  # in order
    assert "geo:47.218400,-1.553600?q=3%20rue%20Cr%C3%A9billon%2C%2044000%20Nantes" in html
    assert "https://www.openstreetmap.org/?mlat=47.218400" in html
    assert "Gate code 1984" in html and "Mow the lawn" in html and "tel:0240000000" in html


def test_the_sector_sees_everyones_week_but_not_the_clients_details(
    client, nantes, django_assert_max_num_queries
):
    monday = DAY - datetime.timedelta(days=DAY.weekday())
    planned = _visit(
        nantes, member=nantes.member, day=DAY, starts_at=at(DAY, 9), state=VisitState.PLANNED
    )
    waiting = _visit(nantes, day=DAY)
    client.force_login(nantes.lead.user)
    url = reverse("fieldwork-sector-week", args=[nantes.sector.pk]) + f"?week={monday}"
    with django_assert_max_num_queries(25):
        page = client.get(url)
    html = page.content.decode()
    assert f'data-visit="{planned.pk}"' in html and f'data-visit="{waiting.pk}"' in html
    assert f'data-member="{nantes.member.pk}" data-day="{DAY}"' in html
    assert planned.client.name not in html  # assigned to the member, not to the lead
    for _ in range(10):
        _visit(nantes, member=nantes.member, day=DAY, state=VisitState.PLANNED)
    with django_assert_max_num_queries(25):
        client.get(url)
    client.force_login(nantes.outsider.user)
    assert client.get(url).status_code == 404


def test_drag_and_drop_posts_the_form_and_gets_json(client, nantes):
    visit = _visit(nantes)
    client.force_login(nantes.lead.user)
    url = reverse("fieldwork-visit-plan", args=[visit.pk])
    ok = client.post(
        url,
        {"member": nantes.member.pk, "day": DAY.isoformat(), "time": "10:00"},
        HTTP_ACCEPT="application/json",
    )
    assert ok.status_code == 200 and ok.json() == {"message": "Visit planned."}
    other = _visit(nantes)
    refused = client.post(
        reverse("fieldwork-visit-plan", args=[other.pk]),
        {"member": nantes.member.pk, "day": DAY.isoformat(), "time": "11:00"},
        HTTP_ACCEPT="application/json",
    )
    assert refused.status_code == 400 and "overlaps another visit" in refused.json()["errors"][0]
    # without JavaScript: the visit's form, errors next to the fields and nothing lost
    page = client.post(
        reverse("fieldwork-visit-plan", args=[other.pk]),
        {"member": nantes.member.pk, "day": DAY.isoformat(), "time": "11:00"},
    )
    assert page.status_code == 400 and b"overlaps another visit" in page.content
    assert (
        client.post(
            reverse("fieldwork-visit-plan", args=[other.pk]),
            {"member": nantes.member.pk, "day": DAY.isoformat(), "time": "13:00"},
        ).status_code
        == 302
    )


def test_members_enter_their_unavailability(client, nantes):
    client.force_login(nantes.member.user)
    url = reverse("fieldwork-unavailability")
    bad = client.post(url, {"starts_at": "2099-05-04T14:00", "ends_at": "2099-05-04T12:00"})
    assert bad.status_code == 400 and b"The end must come after the start." in bad.content
    assert (
        client.post(
            url,
            {"starts_at": "2099-05-04T08:00", "ends_at": "2099-05-04T12:00", "reason": "Dentist"},
        ).status_code
        == 302
    )
    row = nantes.member.unavailabilities.get()
    client.force_login(nantes.outsider.user)
    assert client.post(reverse("fieldwork-unavailability-delete", args=[row.pk])).status_code == 404
    client.force_login(nantes.member.user)
    client.post(reverse("fieldwork-unavailability-delete", args=[row.pk]))
    assert not nantes.member.unavailabilities.exists()


def test_the_ical_feed_is_secret_and_revocable(client, nantes):
    visit = _visit(
        nantes, member=nantes.member, day=DAY, starts_at=at(DAY, 9), state=VisitState.PLANNED
    )
    visit.tasks.create(name="Mow the lawn")
    client.force_login(nantes.member.user)
    page = client.get(reverse("fieldwork-feed"))
    feed = CalendarFeed.objects.get(member=nantes.member)
    url = reverse("fieldwork-ical", args=[feed.token])
    assert url in page.content.decode()
    client.logout()
    response = client.get(url)
    assert response["Content-Type"].startswith("text/calendar")
    with timezone.override("UTC"):
        events = [e for e in Calendar.from_ical(response.content).walk("VEVENT")]
    assert [str(e["uid"]) for e in events] == [f"visit-{visit.pk}@compagnon"]
    assert "Mow the lawn" in str(events[0]["description"]) and "44000 Nantes" in str(
        events[0]["location"]
    )
    client.force_login(nantes.member.user)
    client.post(reverse("fieldwork-feed-rotate"))
    client.logout()
    assert client.get(url).status_code == 404
    with pytest.raises(PermissionDenied):
        services.rotate_feed(actor=nantes.lead.user, member=nantes.member)


def test_staff_of_another_entity_see_nothing_and_staff_of_the_entity_everything(client, nantes):
    visit = _visit(
        nantes, member=nantes.member, day=DAY, starts_at=at(DAY, 9), state=VisitState.PLANNED
    )
    admin = staff("admin", nantes.entity)
    client.force_login(admin)
    page = client.get(reverse("fieldwork-visit", args=[visit.pk]))
    assert page.status_code == 200 and visit.client.name.encode() in page.content
    stranger = staff("admin", EntityFactory())
    client.force_login(stranger)
    assert client.get(reverse("fieldwork-visit", args=[visit.pk])).status_code == 404
    assert client.get(reverse("fieldwork-sector-week", args=[nantes.sector.pk])).status_code == 404
    # a member of another sector of another entity
    far = SectorFactory(entity=EntityFactory())
    member, _activity = gardener(far, OfficeFactory(entity=far.entity))
    client.force_login(member.user)
    assert client.get(reverse("fieldwork-visit", args=[visit.pk])).status_code == 404
