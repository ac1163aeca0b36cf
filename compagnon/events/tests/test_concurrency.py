"""On PostgreSQL, people registering and cancelling at the same moment: the event row is locked,
so places are never given twice and the counters match the rows."""

import pytest
from django.db import connection

from compagnon.core.tests.factories import MemberFactory
from compagnon.core.tests.threads import together

from .. import services
from ..models import Event, Registration, RegistrationStatus
from .helpers import coop, event

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's"),
]


def _check(ev):
    ev = Event.objects.get(pk=ev.pk)
    rows = list(ev.registrations.values_list("status", flat=True))
    confirmed = sum(1 for s in rows if s == RegistrationStatus.CONFIRMED)
    waiting = sum(1 for s in rows if s == RegistrationStatus.WAITING)
    assert (ev.registered_count, ev.waiting_count) == (confirmed, waiting)
    return confirmed, waiting


def test_eight_people_taking_three_places_at_once():
    c = coop()
    ev = event(c, capacity=3)
    people = c["members"] + [MemberFactory(office=c["office"]) for _ in range(4)]
    results, errors = together([lambda m=m: services.register(actor=m.user, event=ev) for m in people])
    assert errors == []
    assert _check(ev) == (3, 5)
    # the same person tapping twice at once: one registration
    twice, errors = together([lambda: services.register(actor=people[0].user, event=ev)] * 2)
    assert errors == [] and Registration.objects.filter(event=ev, member=people[0]).count() == 1


def test_cancellations_and_registrations_at_once_keep_the_queue_right():
    c = coop()
    ev = event(c, capacity=2)
    first = c["members"][:2]
    waiting = [MemberFactory(office=c["office"]) for _ in range(3)]
    for m in first + waiting:
        services.register(actor=m.user, event=ev)
    late = [MemberFactory(office=c["office"]) for _ in range(2)]
    calls = [lambda m=m: services.cancel_registration(actor=m.user, event=ev) for m in first]
    calls += [lambda m=m: services.register(actor=m.user, event=ev) for m in late]
    _, errors = together(calls)
    assert errors == []
    assert _check(ev) == (2, 3)
    promoted = set(Registration.objects.filter(event=ev, status="confirmed").values_list("member_id", flat=True))
    assert promoted == {waiting[0].pk, waiting[1].pk}  # the first two waiting, never the late ones
