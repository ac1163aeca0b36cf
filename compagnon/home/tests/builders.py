"""A member whose profile is complete (so the home page has nothing to ask of them) and the
situations that put something on their to-do list, written straight to the database: each is the
state the services leave behind (a draft, an accepted quote, an issued invoice never sent…)."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal as D

from django.utils import timezone

from compagnon.clients.models import Client, EntryKind, RelationshipEntry
from compagnon.core.tests.factories import (
    ActivityFactory,
    MemberFactory,
    OfficeFactory,
    TradeFactory,
)
from compagnon.dunning.models import (
    ActionState,
    AutomatedAction,
    CollectionPlan,
    PlanStep,
    StepKind,
)
from compagnon.members.models import ActivityMembership, ActivityRole
from compagnon.sales.models import Document, Kind, PaymentState, State

_numbers = itertools.count(1)
TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def settled_member(office=None, activities: int = 1):
    """A member with a complete profile holding ``activities`` activities with logo and letterhead."""
    office = office or OfficeFactory()
    member = MemberFactory(office=office, city="Nantes", user__phone="+33 6 12 34 56 78")
    member.trades.add(TradeFactory())
    made = [add_activity(member) for _ in range(activities)]
    return member, made


def add_activity(member):
    activity = ActivityFactory(entity=member.entity, logo="logos/leaf.png", letterhead="Jardins de Camille")
    ActivityMembership.objects.create(activity=activity, member=member, role=ActivityRole.HOLDER)
    return activity


def client_of(activity, name="Copropriété Les Tilleuls") -> Client:
    return Client.objects.create(activity=activity, name=name, street="4 rue des Lilas", postcode="44000",
                                 city="Nantes", country="FR", email="syndic@example.org")


def document(activity, client, *, kind=Kind.INVOICE, state=State.DRAFT, **fields) -> Document:
    if state != State.DRAFT and "number" not in fields:
        n = next(_numbers)
        fields.update(number=f"{kind[0].upper()}{TODAY.year}-{n:05d}", series=kind, year=TODAY.year, sequence=n)
    return Document.objects.create(entity=activity.entity, activity=activity, client=client, kind=kind,
                                   state=state, created_by=None, **fields)


def open_invoice(activity, client, amount="120.00", *, due_in=30, paid="0", sent=True) -> Document:
    return document(activity, client, kind=Kind.INVOICE, state=State.ISSUED, issue_date=TODAY,
                    due_date=days(due_in), payable=D(amount), tax_inclusive=D(amount), paid_amount=D(paid),
                    payment_state=(PaymentState.PAID if D(paid) >= D(amount) else
                                   PaymentState.PARTIAL if D(paid) else PaymentState.AWAITING),
                    sent_at=timezone.now() if sent else None)


def action_awaiting_ok(activity, client) -> AutomatedAction:
    invoice = open_invoice(activity, client, due_in=-20)
    plan, _ = CollectionPlan.objects.get_or_create(entity=activity.entity, defaults={"name": "Plan"})
    step, _ = PlanStep.objects.get_or_create(plan=plan, order=2, defaults={
        "kind": StepKind.FORMAL_NOTICE, "label": "Mise en demeure", "delay_days": 30, "requires_approval": True})
    return AutomatedAction.objects.create(
        document=invoice, step=step, entity=activity.entity, activity=activity, client=client,
        kind=step.kind, order=step.order, channel=step.channel, due_on=days(3), announce_on=days(0),
        state=ActionState.SCHEDULED, needs_approval=True)


# What puts each kind of to-do on the list (key of dashboard.Todo -> builder).
SITUATIONS = {
    "to_invoice": lambda a, c: document(a, c, kind=Kind.QUOTE, state=State.ACCEPTED, decided_at=timezone.now()),
    "drafts": lambda a, c: document(a, c, kind=Kind.QUOTE),
    "not_sent": lambda a, c: open_invoice(a, c, sent=False),
    "expiring": lambda a, c: document(a, c, kind=Kind.QUOTE, state=State.SENT, valid_until=days(3),
                                      sent_at=timezone.now()),
    "approvals": action_awaiting_ok,
    "commitments": lambda a, c: RelationshipEntry.objects.create(
        client=c, kind=EntryKind.OUR_COMMITMENT, title="Envoyer le plan de taille", due_on=days(-1)),
    "statements": lambda a, c: document(a, c, kind=Kind.STATEMENT, state=State.SENT, sent_at=timezone.now()),
}
