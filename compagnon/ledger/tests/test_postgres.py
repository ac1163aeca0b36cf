"""On PostgreSQL the database itself refuses, at commit, an entry whose lines do not balance."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from compagnon.core.tests.factories import EntityFactory
from compagnon.ledger.models import Account, Entry, EntryLine, Journal
from compagnon.ledger.services import LineSpec, post_entry

from .factories import books

D = Decimal
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the deferred balance trigger exists on PostgreSQL only (SQLite has no deferred "
        "triggers; check_books covers it there)",
    ),
]


@pytest.fixture
def entity():
    return books(EntityFactory())


def raw_entry(entity, number, lines):
    journal = Journal.objects.get(entity=entity, code="OD")
    entry = Entry.objects.create(
        entity=entity,
        journal=journal,
        year=2026,
        number=number,
        date=datetime.date(2026, 1, 5),
        label="Raw",
    )
    bank = Account.objects.get(entity=entity, role="bank")
    cash = Account.objects.get(entity=entity, role="cash")
    EntryLine.objects.bulk_create(
        [
            EntryLine(entry=entry, account=a, debit=d, credit=c)
            for a, d, c in zip((bank, cash, bank), *lines, strict=False)
        ]
    )
    return entry


def test_unbalanced_lines_written_with_the_orm_fail_at_commit(entity):
    with pytest.raises(IntegrityError, match="does not balance"):
        with transaction.atomic():
            raw_entry(entity, 1, ([D("10"), D("0")], [D("0"), D("9")]))
    assert not Entry.objects.exists()


def test_an_entry_with_one_line_or_none_fails_at_commit(entity):
    with pytest.raises(IntegrityError, match="does not balance"):
        with transaction.atomic():
            raw_entry(entity, 1, ([D("10")], [D("0")]))
    with pytest.raises(IntegrityError, match="does not balance"):
        with transaction.atomic():
            raw_entry(entity, 1, ([], []))
    assert not Entry.objects.exists()


def test_a_balanced_entry_commits_and_an_update_that_unbalances_it_is_refused(entity):
    with transaction.atomic():
        entry = raw_entry(entity, 1, ([D("10"), D("0")], [D("0"), D("10")]))
    assert Entry.objects.filter(pk=entry.pk).exists()
    with pytest.raises(IntegrityError, match="does not balance"):
        with transaction.atomic():
            EntryLine.objects.filter(entry=entry, debit__gt=0).update(debit=D("11"))
    with pytest.raises(IntegrityError, match="does not balance"):
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "DELETE FROM ledger_entryline WHERE entry_id = %s AND credit > 0", [entry.pk]
                )
    assert sum(x.debit - x.credit for x in EntryLine.objects.filter(entry=entry)) == 0


def test_the_service_posts_through_the_trigger(entity):
    entry = post_entry(
        actor=None,
        entity=entity,
        journal_code="OD",
        date=datetime.date(2026, 1, 5),
        label="Through the service",
        lines=[LineSpec(role="bank", debit=D("3.30")), LineSpec(role="cash", credit=D("3.30"))],
    )
    assert Entry.objects.get(pk=entry.pk).lines.count() == 2
