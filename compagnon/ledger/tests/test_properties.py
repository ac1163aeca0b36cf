"""Property: any balanced set of lines posts, and the entity's trial balance stays at zero."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from compagnon.core.tests.factories import ActivityFactory, EntityFactory
from compagnon.ledger import selectors, services
from compagnon.ledger.models import Account, EntryLine
from compagnon.ledger.services import LineSpec

from .factories import books

pytestmark = pytest.mark.django_db

ROLES = ["bank", "cash", "receivable", "revenue_services", "supplier", "member_current", "suspense"]
cents = st.integers(min_value=1, max_value=10**11)  # up to a billion, in cents


@st.composite
def balanced_sides(draw):
    """Debit amounts, then the same total cut into credit amounts (all positive, in cents)."""
    debits = draw(st.lists(cents, min_size=1, max_size=6))
    total = sum(debits)
    n_credits = draw(st.integers(min_value=1, max_value=min(6, total)))
    if n_credits == 1:
        credits = [total]
    else:
        cuts = sorted(
            draw(
                st.lists(
                    st.integers(min_value=1, max_value=total - 1),
                    min_size=n_credits - 1,
                    max_size=n_credits - 1,
                    unique=True,
                )
            )
        )
        credits = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
    if len(debits) + len(credits) < 2:
        debits, credits = [total], [total]
    return debits, credits


@settings(max_examples=40, deadline=None)
@given(sides=balanced_sides(), data=st.data())
def test_any_balanced_entry_posts_and_the_trial_balance_sums_to_zero(sides, data):
    with transaction.atomic():
        entity = books(EntityFactory())
        activity = ActivityFactory(entity=entity)
        debits, credits = sides
        role = st.sampled_from(ROLES)
        lines = [
            LineSpec(role=data.draw(role), debit=Decimal(c) / 100, activity=activity)
            for c in debits
        ] + [LineSpec(role=data.draw(role), credit=Decimal(c) / 100) for c in credits]
        entry = services.post_entry(
            actor=None,
            entity=entity,
            journal_code="OD",
            date=datetime.date(2026, 6, 30),
            label="Random",
            lines=lines,
        )
        assert entry.number == 1 and entry.lines.count() == len(lines)
        assert selectors.trial_balance_total(entity) == 0
        balances = [
            a.total_debit - a.total_credit for a in selectors.chart(entity, with_balances=True)
        ]
        assert sum(balances) == 0
        assert Account.objects.filter(entity=entity).count() == len(balances)
        assert (
            sum(x.debit for x in EntryLine.objects.filter(entry=entry))
            == Decimal(sum(debits)) / 100
        )
        transaction.set_rollback(True)
