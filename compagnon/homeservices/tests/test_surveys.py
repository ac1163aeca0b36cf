"""After a visit the client rates the work once; the member reads what is said about their own
work; the sector reads an average from 5 answers on; nobody reads a ranking of people."""

import datetime

import pytest
from django.core import mail

from compagnon.core.tests.factories import OfficeFactory, api_token_for
from compagnon.homeservices import surveys
from compagnon.homeservices.models import Survey

from .helpers import client_of, contract_for, gardener, sector_for, validated_sheet

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def team():
    office = OfficeFactory()
    sector = sector_for(office)
    ana, ana_activity = gardener(office, sector)
    bob, bob_activity = gardener(office, sector)
    return sector, (ana, ana_activity), (bob, bob_activity)


def test_the_client_rates_a_visit_once_and_only_the_member_reads_it(client, team):
    sector, (ana, activity), (bob, _b) = team
    contract = contract_for(ana, activity, client_of(activity), invoicing="visit", sector=sector)
    mail.outbox.clear()
    validated_sheet(contract, datetime.date(2026, 5, 4))
    survey = Survey.objects.get()
    assert survey.member == ana and mail.outbox and survey.token in mail.outbox[-1].body
    page = client.post(f"/hs/survey/{survey.token}/", {"stars": "9"})
    assert page.status_code == 400
    assert (
        client.post(
            f"/hs/survey/{survey.token}/", {"stars": "4", "comment": "Très soigné"}
        ).status_code
        == 200
    )
    client.post(f"/hs/survey/{survey.token}/", {"stars": "1"})
    survey.refresh_from_db()
    assert (survey.stars, survey.comment) == (4, "Très soigné")
    client.force_login(ana.user)
    assert "Très soigné" in client.get("/home-services/surveys/").content.decode()
    client.force_login(bob.user)
    assert "Très soigné" not in client.get("/home-services/surveys/").content.decode()
    headers = {"HTTP_AUTHORIZATION": f"Token {api_token_for(bob.user)}"}
    assert client.get("/api/v1/surveys/", **headers).json()["results"] == []
    mine = {"HTTP_AUTHORIZATION": f"Token {api_token_for(ana.user)}"}
    assert client.get("/api/v1/surveys/", **mine).json()["results"][0]["stars"] == 4


def test_monthly_contracts_get_one_survey_a_month_sent_when_the_month_is_over(team):
    sector, (ana, activity), _bob = team
    contract = contract_for(ana, activity, client_of(activity), sector=sector)
    validated_sheet(contract, datetime.date(2026, 5, 4))
    validated_sheet(contract, datetime.date(2026, 5, 18))
    assert Survey.objects.count() == 1 and Survey.objects.get().sent_at is None
    assert surveys.send_monthly(datetime.date(2026, 5, 31)) == 0
    assert surveys.send_monthly(datetime.date(2026, 6, 1)) == 1
    assert surveys.send_monthly(datetime.date(2026, 6, 2)) == 0


def test_the_sector_average_shows_from_five_answers_and_never_names_anyone(client, team):
    sector, (ana, activity), (bob, bob_activity) = team
    ana_contract = contract_for(
        ana, activity, client_of(activity), invoicing="visit", sector=sector
    )
    bob_contract = contract_for(
        bob, bob_activity, client_of(bob_activity, name="Luc"), invoicing="visit", sector=sector
    )
    for i, (contract, stars) in enumerate(
        [(ana_contract, 5), (bob_contract, 3), (ana_contract, 4), (bob_contract, 4)]
    ):
        validated_sheet(contract, datetime.date(2026, 5, 4 + i))
        surveys.answer(survey=Survey.objects.order_by("-id").first(), stars=stars)
    headers = {"HTTP_AUTHORIZATION": f"Token {api_token_for(ana.user)}"}
    row = client.get("/api/v1/surveys/summary/", **headers).json()
    assert row["sectors"][0]["shown"] is False and row["sectors"][0]["average"] is None
    assert row["answers"] == 2 and row["average"] == "4.5"
    validated_sheet(bob_contract, datetime.date(2026, 5, 20))
    surveys.answer(survey=Survey.objects.order_by("-id").first(), stars=4)
    row = client.get("/api/v1/surveys/summary/", **headers).json()
    assert row["sectors"][0] == {
        "id": sector.pk,
        "name": sector.name,
        "answers": 5,
        "shown": True,
        "average": "4.0",
    }
    client.force_login(ana.user)
    page = client.get("/home-services/surveys/").content.decode()
    assert "4 / 5" in page
    assert str(bob) not in page
