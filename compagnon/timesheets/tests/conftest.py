import datetime
from decimal import Decimal

import pytest

from compagnon.clients.models import Client
from compagnon.core.tests.factories import member_with_activity
from compagnon.timesheets import services


def client_of(activity, name="Copropriété Les Tilleuls", **kw):
    data = {"name": name, "street": "4 rue des Lilas", "postcode": "44000", "city": "Nantes", "language": "en"}
    data.update(kw)
    return Client.objects.create(activity=activity, **data)


@pytest.fixture
def last_week():
    """Monday of last week: every day of it is in the past, whatever today is."""
    today = datetime.date.today()
    return today - datetime.timedelta(days=today.weekday() + 7)


@pytest.fixture
def gardener():
    """A member holding a gardening activity with two clients and a default rate of 40 €/h."""
    member, activity = member_with_activity()
    tilleuls = client_of(activity)
    martin = client_of(activity, name="M. Martin", language="en")
    services.set_hourly_rate(actor=member.user, activity=activity, hourly_rate=Decimal("40"))
    return member, activity, tilleuls, martin


def log(member, activity, client, day, minutes, description, **kw):
    return services.add_time_entry(
        actor=member.user,
        activity=activity,
        client=client,
        date=day,
        duration=minutes,
        description=description,
        **kw,
    )
