"""Collections in the demo, made through the same services a member and an administrator use.

* each entity gets the recommended collection plan (two reminders, a formal notice and the
  handover with the member's OK, a quote follow-up), following the law of its country (law.py);
* Camille (member1@demo.coop, "Les Jardins de Camille") has two overdue invoices: one to a client
  she asked never to remind automatically — its first reminder waits for her OK — and one whose
  first reminder goes automatically in three days, announced today, which she can still hold;
* Yanis (member2@demo.coop, "Yanis Informatique") asks before every step: his overdue invoice's
  first reminder waits for his OK.

The overdue invoices are issued on the days they would have been (10 to 15 days past their due
date), before any other demo document, so numbers stay chronological; then today's run announces
what comes (notifications and digests by the task queue). Nothing is due today, so nothing is sent
to a client while seeding. Deterministic: the dates are relative to today, the rest is fixed.
"""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from decimal import Decimal as D
from unittest import mock

from django.utils import timezone

CAMILLE, YANIS = "Les Jardins de Camille", "Yanis Informatique"
# (activity, client index, days overdue, line, never remind this client)
OVERDUE = [
    (YANIS, 0, 15, ("Diagnostic et dépannage", "HUR", D("3"), D("55")), False),
    (CAMILLE, 0, 12, ("Taille de haies", "HUR", D("6"), D("42")), True),
    (CAMILLE, 1, 10, ("Tonte de pelouse", "HUR", D("4"), D("38")), False),
]


@contextmanager
def _as_of(day: datetime.date):
    """Issue as if it were ``day`` (the demo's past): the clock every service reads is moved back."""
    real_now = timezone.now
    shift = timezone.localdate() - day
    with mock.patch.object(timezone, "now", lambda: real_now() - shift):
        yield


def seed_demo_collections(activities_by_name: dict) -> dict:
    """Plans for every entity, the overdue invoices above and today's run. Returns what was made."""
    from compagnon import jurisdictions
    from compagnon.accounts.models import Role, RoleAssignment
    from compagnon.organisation.models import Entity
    from compagnon.sales import services as sales
    from compagnon.sales.models import Document, Kind

    from . import daily, decisions, plans
    from .base import active_plan

    today = timezone.localdate()
    invoices = []
    wanted = []
    for name, index, overdue, (description, unit, quantity, price), never_remind in OVERDUE:
        activity = activities_by_name.get(name)
        if activity is None:
            continue
        clients = list(activity.clients.filter(archived=False).exclude(street="").exclude(email="").order_by("id"))
        if len(clients) <= index:
            continue
        client = clients[index]
        terms = client.payment_terms_days if client.payment_terms_days is not None else activity.payment_terms_days
        issued_on = today - datetime.timedelta(days=terms + overdue)
        wanted.append((issued_on, activity, client, description, unit, quantity, price, never_remind))
    for issued_on, activity, client, description, unit, quantity, price, never_remind in sorted(
            wanted, key=lambda w: w[0]):
        user = activity.memberships.filter(role="holder").select_related("member__user").first().member.user
        rate = jurisdictions.get(activity.entity.jurisdiction).vat_rates[0].rate
        with _as_of(issued_on):
            draft = sales.create_document(actor=user, activity=activity, client=client, kind=Kind.INVOICE,
                                          lines=[{"description": description, "quantity": quantity, "unit": unit,
                                                  "unit_price": price, "vat_category": "S", "vat_rate": rate}])
            invoices.append(sales.issue_document(actor=user, document=draft))
        # its PDF is asked for now, after the seed's commit (not on the day it is dated)
        Document.objects.filter(pk=invoices[-1].pk).update(pdf_requested_at=timezone.now())
        if never_remind:
            decisions.set_client_preference(actor=user, client=client, never_remind=True)
    yanis = activities_by_name.get(YANIS)
    if yanis is not None:
        holder = yanis.memberships.filter(role="holder").select_related("member__user").first().member.user
        decisions.set_activity_preferences(actor=holder, activity=yanis, ask_before_formal_notice=True,
                                           ask_before_every_step=True, paused=False)
    made_plans = []
    for entity in Entity.objects.order_by("id"):
        if active_plan(entity.pk) is None:
            admin = (RoleAssignment.objects.filter(entity=entity, role=Role.ADMIN).select_related("user")
                     .order_by("id").first())
            if admin is None:
                continue
            made_plans.append(plans.create_default_plan(actor=admin.user, entity=entity))
        plans.replan_entity(entity.pk, today=today)
    summary = daily.run_collections(today=today)
    return {"plans": len(made_plans), "overdue_invoices": len(invoices), "run": summary}
