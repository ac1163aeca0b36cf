"""Builders for collections scenarios: an entity with its plan, a member's overdue invoice, and a
clock that moves (the run takes its day as an argument; nothing else depends on the real date)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.utils import timezone

from compagnon.core.tests.factories import staff
from compagnon.dunning import services
from compagnon.einvoice.tests.scenarios import (
    _line,
    business_client,
    individual_client,
    issue,
    seller,
)
from compagnon.sales.models import Document, Kind

TODAY = timezone.localdate()
# Until compagnon.notifications is in INSTALLED_APPS, the assertions about in-app notifications are
# left out (everything else runs); run with it: see the report / README of the app.
NOTIFICATIONS = apps.is_installed("compagnon.notifications")


def notifications():
    from compagnon.notifications.models import Notification

    return Notification.objects


def day(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@dataclass
class World:
    member: object
    activity: object
    client: object
    document: object
    admin: object

    @property
    def entity(self):
        return self.activity.entity


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """run(n): the daily run on day TODAY+n, with what it enqueues carried out."""

    def _run(n: int = 0, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return services.run_collections(today=day(n), **kwargs)

    return _run


@pytest.fixture
def make(django_capture_on_commit_callbacks):
    """make(country, kind, price, due_days_ago, plan=True): a member's issued invoice, overdue."""

    def _make(country="FR", kind="company", price="1000", due_days_ago=10, plan=True, quote=False,
              admin=None, **client_kw) -> World:
        member, activity = seller(country)
        client = (business_client(activity, country, **client_kw) if kind == "company"
                  else individual_client(activity, country))
        rate = "21" if country == "BE" else "20"
        if quote:
            from compagnon.sales import services as sales

            document = sales.create_document(actor=member.user, activity=activity, client=client, kind=Kind.QUOTE,
                                             lines=[_line("Work", "1", price, rate=rate, unit="LS")])
            document = sales.change_quote_state(actor=member.user, document=document, to_state="sent")
        else:
            document = issue(member, activity, client, [_line("Work", "1", price, rate=rate, unit="LS")])
            Document.objects.filter(pk=document.pk).update(due_date=TODAY - datetime.timedelta(days=due_days_ago))
            document.refresh_from_db()
        admin = admin or staff("admin", activity.entity)
        if plan:
            with django_capture_on_commit_callbacks(execute=True):
                services.create_default_plan(actor=admin, entity=activity.entity)
        return World(member=member, activity=activity, client=client, document=document, admin=admin)

    return _make


def actions_of(document):
    from compagnon.dunning.models import AutomatedAction

    return {a.order: a for a in AutomatedAction.objects.filter(document=document)}


def client_emails(mailoutbox, document):
    return [m for m in mailoutbox if document.client.email in m.to]

