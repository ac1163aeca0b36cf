"""The prefinancing checks of ``manage.py check_books`` (see compagnon.ledger.checks)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Sum

from compagnon.ledger.checks import register
from compagnon.ledger.models import Entry, EntryLine

from . import accounts
from .models import BOOKED, ZERO, Advance, AdvanceState, Settlement
from .services import LOSS_KIND
from .settlement import SETTLE_KIND

SOURCE = "prefinancing.advance"
STEP = "prefinancing.settlement"


def _counts(entities, source_type, kind) -> dict[int, int]:
    return dict(Entry.objects.filter(entity__in=entities, source_type=source_type, kind=kind)
                .values_list("source_id").annotate(n=Count("id")).order_by())


@register("Every advance is posted once, each settlement and loss once")
def advances_posted_once(entities):
    issued = _counts(entities, SOURCE, "issue")
    losses = _counts(entities, SOURCE, LOSS_KIND)
    for pk, state, entry_id, loss_entry_id in Advance.objects.filter(entity__in=entities).values_list(
            "id", "state", "entry_id", "loss_entry_id").iterator():
        n = issued.pop(pk, 0)
        expected = 1 if state in BOOKED else 0
        if n != expected or (expected and entry_id is None):
            yield f"advance {pk} ({state}): {n} entries instead of {expected}"
        m = losses.pop(pk, 0)
        expected = 1 if state in (AdvanceState.COVERED, AdvanceState.RECOVERED) else 0
        if m != expected or (expected and loss_entry_id is None):
            yield f"advance {pk} ({state}): {m} loss entries instead of {expected}"
    for source_id in list(issued) + list(losses):
        yield f"prefinancing entry for advance id {source_id}, which does not exist"
    steps = _counts(entities, STEP, SETTLE_KIND)
    for pk, entry_id in Settlement.objects.filter(advance__entity__in=entities).values_list("id", "entry_id"):
        if steps.pop(pk, 0) != 1 or entry_id is None:
            yield f"settlement {pk} of an advance is not posted exactly once"
    for source_id in steps:
        yield f"prefinancing settlement entry {source_id} without its settlement"


@register("Outstanding advances equal the prefinancing account's balance, activity by activity")
def outstanding_equals_account(entities):
    expected: dict = defaultdict(Decimal)
    for activity_id, amount, settled in Advance.objects.filter(
            entity__in=entities, state=AdvanceState.APPROVED).values_list("activity_id", "amount", "settled_amount"):
        expected[activity_id] += amount - settled
    booked: dict = defaultdict(Decimal)
    for row in (EntryLine.objects.filter(entry__entity__in=entities, account__role=accounts.OUTSTANDING)
                .values("activity_id").annotate(d=Sum("debit"), c=Sum("credit")).order_by()):
        booked[row["activity_id"]] += (row["d"] or ZERO) - (row["c"] or ZERO)
    for activity_id in sorted(set(expected) | set(booked), key=lambda x: x or 0):
        if expected.get(activity_id, ZERO) != booked.get(activity_id, ZERO):
            yield (f"activity {activity_id}: advances outstanding {expected.get(activity_id, ZERO):.2f}, "
                   f"prefinancing account {booked.get(activity_id, ZERO):.2f}")
