"""Books for tests: charts installed through the service, entries posted through the service (so
every test entry obeys the same rules as real ones)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from compagnon.clients.models import Client
from compagnon.core.tests.factories import ActivityFactory, EntityFactory
from compagnon.ledger import services
from compagnon.ledger.models import Account, Journal
from compagnon.ledger.money import money
from compagnon.ledger.services import LineSpec

D = Decimal
HUNDRED, STANDARD_RATE = D("100.00"), D("20")


class AccountFactory(DjangoModelFactory):
    """An extra account outside the standard chart (e.g. one an accountant added)."""

    class Meta:
        model = Account

    entity = factory.SubFactory(EntityFactory)
    code = factory.Sequence(lambda n: f"47{n:04d}")
    name = factory.Sequence(lambda n: f"Custom account {n}")
    kind = "asset"


class JournalFactory(DjangoModelFactory):
    class Meta:
        model = Journal

    entity = factory.SubFactory(EntityFactory)
    code = factory.Sequence(lambda n: f"J{n}")
    name = "Custom journal"


class ClientFactory(DjangoModelFactory):
    class Meta:
        model = Client

    activity = factory.SubFactory(ActivityFactory)
    name = factory.Sequence(lambda n: f"Client {n}")


def books(entity):
    """``entity`` with its standard chart and journals installed."""
    services.ensure_chart(entity)
    return entity


def sale_lines(
    activity, *, net: Decimal, rate: Decimal = STANDARD_RATE, client=None
) -> list[LineSpec]:
    """What sales posts for an invoice: receivable / revenue / VAT (the contribution is charged
    when the invoice is paid: budget/contribution.py)."""
    vat = money(net * rate / 100)
    lines = [
        LineSpec(role="receivable", debit=net + vat, activity=activity, client=client),
        LineSpec(role="revenue_services", credit=net, activity=activity),
    ]
    if vat:
        lines.append(LineSpec(role="vat_collected", rate=rate, credit=vat, activity=activity))
    return lines


def post_sale(
    activity,
    *,
    net: Decimal = HUNDRED,
    rate: Decimal = STANDARD_RATE,
    date: datetime.date | None = None,
    client=None,
    source=None,
    actor=None,
):
    return services.post_entry(
        actor=actor,
        entity=activity.entity,
        journal_code="sales",
        date=date or timezone.localdate(),
        label=f"Invoice {activity.name}",
        lines=sale_lines(activity, net=net, rate=rate, client=client),
        source=source,
    )


def post_payment(activity, *, amount: Decimal, date: datetime.date | None = None, client=None):
    return services.post_entry(
        actor=None,
        entity=activity.entity,
        journal_code="bank",
        date=date or timezone.localdate(),
        label="Payment received",
        lines=[
            LineSpec(role="bank", debit=amount, activity=activity),
            LineSpec(role="receivable", credit=amount, activity=activity, client=client),
        ],
    )
