"""A statement started from "Not on a statement yet" covers that client's unbilled time, not last month."""

import datetime
from decimal import Decimal as D

import pytest

from compagnon.timesheets import services

from .conftest import log

pytestmark = pytest.mark.django_db


def test_the_period_runs_from_the_first_to_the_last_unbilled_day(gardener, last_week, client):
    member, activity, tilleuls, martin = gardener
    early = last_week - datetime.timedelta(days=40)
    log(member, activity, tilleuls, early, 60, "Autumn pruning")
    log(member, activity, tilleuls, last_week, 90, "Hedge trimming")
    # an expense after the last hour: the period reaches it too
    services.add_expense(actor=member.user, activity=activity, client=tilleuls, description="Green waste",
                         amount=D("25"), date=last_week + datetime.timedelta(days=2))
    log(member, activity, martin, last_week, 30, "Another client's work")
    client.force_login(member.user)

    page = client.get(f"/activities/{activity.pk}/statements/?for={tilleuls.pk}")
    form = page.context["form"]
    assert form["client"].value() == tilleuls.pk
    assert (form["period_start"].value(), form["period_end"].value()) == (
        early, last_week + datetime.timedelta(days=2))
    assert f'href="?for={tilleuls.pk}"' in page.content.decode()


def test_without_a_client_the_period_stays_the_usual_one(gardener, client):
    member, activity, _tilleuls, _martin = gardener
    client.force_login(member.user)
    form = client.get(f"/activities/{activity.pk}/statements/").context["form"]
    assert form["period_start"].value() and form["period_end"].value()
