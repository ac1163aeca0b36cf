"""The demo: a batch paying back expense claims, sent and settled by a demo statement."""

import pytest

from compagnon.accounts.models import Role
from compagnon.banking.demo import seed_demo_banking
from compagnon.core.tests.factories import EntityFactory, OfficeFactory, member_with_activity, staff
from compagnon.expenses.demo import seed_demo_expenses
from compagnon.payments.tests.helpers import books_are_sound
from compagnon.payouts.models import BatchState, LineState
from compagnon.seeding.transfers import seed_demo_transfers

pytestmark = pytest.mark.django_db


def test_the_demo_batch_is_sent_and_settled_by_its_statement():
    entity = EntityFactory()
    staff(Role.ADMIN, entity)
    staff(Role.ACCOUNTANT, entity)
    seed_demo_banking([entity])
    _member, activity = member_with_activity(OfficeFactory(entity=entity))
    seed_demo_expenses(activity)
    batch = seed_demo_transfers(activity)
    assert batch is not None and batch.status == BatchState.SETTLED and batch.entry_id
    assert batch.lines.count() >= 1
    assert set(batch.lines.values_list("state", flat=True)) == {LineState.SETTLED}
    assert seed_demo_transfers(activity) is None  # once
    books_are_sound(entity)
