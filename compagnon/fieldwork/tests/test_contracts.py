"""Maintenance contracts: the rhythm gives visits once, around the member's unavailability; the
client chooses the tasks of the next visit; contracts renew every year."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from compagnon.fieldwork import services
from compagnon.fieldwork.models import Contract, ContractState, Visit, VisitState, VisitTask

from .factories import ClientFactory, ContractFactory, UnavailabilityFactory, at

pytestmark = pytest.mark.django_db

SUMMER = list(range(4, 11))
WINTER = [11, 12, 1, 2, 3]


def _contract(nantes, **kw):
    kw.setdefault("member", nantes.member)
    contract = ContractFactory(
        activity=nantes.activity, sector=nantes.sector, starts_on=datetime.date(2027, 1, 4), **kw
    )
    services.set_recurrences(
        actor=nantes.member.user,
        contract=contract,
        recurrences=[
            {"months": SUMMER, "every_weeks": 2, "weekday": 1, "minutes": 120},
            {"months": WINTER, "every_weeks": 4, "weekday": 1, "minutes": 90},
        ],
    )
    services.set_tasks(
        actor=nantes.member.user,
        contract=contract,
        tasks=[
            {"name": "Mowing", "every_visit": True},
            {"name": "Hedge", "every_visit": False},
            {"name": "Weeding", "every_visit": False},
        ],
    )
    return contract


def test_every_two_weeks_in_summer_and_monthly_in_winter(nantes):
    contract = _contract(nantes)
    dates = [
        d
        for d, _ in services.rhythm_dates(
            contract,
            contract.recurrences.all(),
            since=contract.starts_on,
            until=datetime.date(2027, 12, 31),
        )
    ]
    assert all(d.weekday() == 1 for d in dates)
    winter = [d for d in dates if d.month in WINTER]
    summer = [d for d in dates if d.month in SUMMER]
    assert all((b - a).days in (14,) for a, b in zip(summer, summer[1:], strict=False))
    assert {(b - a).days for a, b in zip(winter[:3], winter[1:3], strict=False)} == {28}
    assert len(summer) in (15, 16) and 4 <= len(winter) <= 7


def test_visits_are_generated_once_with_the_tasks_of_every_visit(nantes):
    contract = _contract(nantes)
    first = services.generate_visits(
        contract, datetime.date(2027, 6, 30), today=datetime.date(2027, 1, 1)
    )
    again = services.generate_visits(
        contract, datetime.date(2027, 6, 30), today=datetime.date(2027, 1, 1)
    )
    assert first and again == []
    assert Visit.objects.filter(contract=contract).count() == len(first)
    visit = first[0]
    assert (
        visit.state == VisitState.PLANNED
        and visit.member == nantes.member
        and visit.starts_at == at(visit.day, 9)
    )
    assert [t.name for t in visit.tasks.all()] == ["Mowing"]
    more = services.generate_visits(
        contract, datetime.date(2027, 8, 31), today=datetime.date(2027, 1, 1)
    )
    assert more and min(v.rhythm_date for v in more) > datetime.date(2027, 6, 30)


def test_an_unavailable_member_gets_the_visit_on_the_next_free_weekday(nantes):
    contract = _contract(nantes)
    tuesday = datetime.date(2027, 1, 5)  # the first Tuesday of the rhythm
    UnavailabilityFactory(
        member=nantes.member, starts_at=at(tuesday, 0), ends_at=at(tuesday, 23, 59)
    )
    visits = services.generate_visits(
        contract, datetime.date(2027, 1, 10), today=datetime.date(2027, 1, 1)
    )
    assert len(visits) == 1
    assert visits[0].day == datetime.date(2027, 1, 6) and visits[0].rhythm_date == tuesday
    # a whole week away: the visit stays to plan on its date
    UnavailabilityFactory(
        member=nantes.member,
        starts_at=at(datetime.date(2027, 1, 31), 0),
        ends_at=at(datetime.date(2027, 2, 7), 23),
    )
    visits = services.generate_visits(
        contract, datetime.date(2027, 2, 6), today=datetime.date(2027, 1, 1)
    )
    assert [(v.state, v.day, v.starts_at) for v in visits] == [
        (VisitState.TO_PLAN, datetime.date(2027, 2, 2), None)
    ]


def test_only_those_working_in_the_activity_change_a_contract(nantes):
    contract = _contract(nantes)
    with pytest.raises(PermissionDenied):
        services.generate_visits(contract, datetime.date(2027, 3, 1), actor=nantes.outsider.user)
    with pytest.raises(ValidationError) as error:
        services.set_recurrences(
            actor=nantes.member.user,
            contract=contract,
            recurrences=[
                {"months": [4, 5], "every_weeks": 2, "weekday": 1, "minutes": 60},
                {"months": [5, 6], "every_weeks": 2, "weekday": 1, "minutes": 60},
            ],
        )
    assert "one rhythm only" in str(error.value)


def test_contract_pages_create_edit_and_show_hours(client, nantes):
    customer = ClientFactory(activity=nantes.activity)
    client.force_login(nantes.member.user)
    url = reverse("fieldwork-contract-new") + f"?client={customer.pk}"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "Garden",
            "client": customer.pk,
            "member": nantes.member.pk,
            "sector": nantes.sector.pk,
            "starts_on": "2027-01-04",
            "pricing": "hour",
            "price": "40",
            "vat_rate": "20",
            "yearly_hours": "20",
            "invoicing": "month",
            "country": "FR",
            "renews_yearly": "on",
        },
    )
    contract = Contract.objects.get()
    assert (
        response.status_code == 302
        and contract.postcode == customer.postcode
        and contract.latitude is not None
    )
    rhythm = {
        "r-TOTAL_FORMS": "1",
        "r-INITIAL_FORMS": "0",
        "r-0-months": ["4", "5", "6"],
        "r-0-every_weeks": "2",
        "r-0-weekday": "1",
        "r-0-start_time": "08:30",
        "r-0-minutes": "120",
    }
    assert (
        client.post(reverse("fieldwork-contract-rhythm", args=[contract.pk]), rhythm).status_code
        == 302
    )
    tasks = {
        "t-TOTAL_FORMS": "2",
        "t-INITIAL_FORMS": "0",
        "t-0-name": "Mowing",
        "t-0-every_visit": "on",
        "t-1-name": "Hedge",
    }
    assert (
        client.post(reverse("fieldwork-contract-tasks", args=[contract.pk]), tasks).status_code
        == 302
    )
    assert [(t.name, t.every_visit) for t in contract.tasks.all()] == [
        ("Mowing", True),
        ("Hedge", False),
    ]
    services.generate_visits(contract, datetime.date(2027, 5, 31), today=datetime.date(2027, 1, 1))
    Visit.objects.filter(contract=contract, day__lt=datetime.date(2027, 4, 15)).update(
        state=VisitState.DONE
    )
    hours = services.hours(contract, 2027)
    assert (
        hours["used"] == Decimal("2.00")
        and hours["planned"] == Decimal("6.00")
        and hours["left"] == Decimal("12.00")
    )
    page = client.get(reverse("fieldwork-contract", args=[contract.pk]))
    assert page.status_code == 200 and b"Mowing" in page.content
    client.force_login(nantes.outsider.user)
    assert client.get(reverse("fieldwork-contract", args=[contract.pk])).status_code == 404


def test_the_client_chooses_the_tasks_of_the_next_visit(
    client, nantes, django_capture_on_commit_callbacks
):
    contract = _contract(nantes)
    visits = (
        services.generate_visits(
            contract, datetime.date(2099, 12, 31), today=datetime.date(2099, 1, 1)
        )
        or []
    )
    assert visits
    url = reverse("fieldwork-client-space", args=[contract.client_token])
    page = client.get(url)
    assert page.status_code == 200 and b"Hedge" in page.content
    hedge, weeding = contract.tasks.get(name="Hedge"), contract.tasks.get(name="Weeding")
    mowing = contract.tasks.get(name="Mowing")
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            client.post(url, {"tasks": [hedge.pk, weeding.pk]}).status_code == 302
        )  # swaps mowing for two others
    first = visits[0]
    chosen = list(VisitTask.objects.filter(visit=first).values_list("name", "chosen_by_client"))
    assert sorted(chosen) == [("Hedge", True), ("Weeding", True)]
    assert nantes.member.user.notifications.filter(
        key__startswith=f"fieldwork-tasks-{first.pk}"
    ).exists()
    # not the visit after, and never a task of another contract
    with pytest.raises(ValidationError):
        services.choose_tasks(contract=contract, visit=visits[1], task_ids=[mowing.pk])
    other = _contract(nantes)
    with pytest.raises(ValidationError):
        services.choose_tasks(contract=contract, visit=first, task_ids=[other.tasks.first().pk])
    assert client.get(reverse("fieldwork-client-space", args=["nope"])).status_code == 404


def test_contracts_renew_every_year_and_the_others_end(nantes):
    renewing = _contract(nantes, ends_on=datetime.date(2027, 3, 31))
    ending = _contract(nantes, ends_on=datetime.date(2027, 3, 31), renews_yearly=False)
    assert services.renew_contracts(today=datetime.date(2027, 4, 1)) == {"renewed": 1, "ended": 1}
    assert services.renew_contracts(today=datetime.date(2027, 4, 1)) == {"renewed": 0, "ended": 0}
    renewing.refresh_from_db()
    ending.refresh_from_db()
    assert renewing.ends_on == datetime.date(2028, 3, 31) and renewing.state == ContractState.ACTIVE
    assert ending.state == ContractState.ENDED
    call_command("renew_contracts")  # the daily command runs (nothing due today)


def test_ending_a_contract_cancels_the_visits_after(nantes):
    contract = _contract(nantes)
    services.generate_visits(contract, datetime.date(2099, 6, 30), today=datetime.date(2099, 1, 1))
    services.end_contract(
        actor=nantes.member.user, contract=contract, on=datetime.date(2099, 3, 31)
    )
    assert (
        not Visit.objects.filter(contract=contract, day__gt=datetime.date(2099, 3, 31))
        .exclude(state=VisitState.CANCELLED)
        .exists()
    )
