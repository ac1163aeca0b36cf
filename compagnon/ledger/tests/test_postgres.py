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
            EntryLine(entry=entry, date=entry.date, journal=journal, account=a, debit=d, credit=c)
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


def test_many_entries_leave_one_setting_behind_and_each_is_still_checked(entity):
    """A long-lived connection must not gain a custom setting per posted entry (PostgreSQL keeps
    each name for the session and walks them all at every transaction end)."""
    posted = []
    for day in range(1, 6):
        with transaction.atomic():
            posted.append(post_entry(
                actor=None,
                entity=entity,
                journal_code="OD",
                date=datetime.date(2026, 1, day),
                label=f"Day {day}",
                lines=[LineSpec(role="bank", debit=D("1.00")), LineSpec(role="cash", credit=D("1.00"))],
            ).pk)
    with connection.cursor() as cursor:
        # a custom setting once set stays in the session with an empty value; never set, it is NULL
        cursor.execute(
            "SELECT count(*) FROM unnest(%s::bigint[]) AS eid "
            "WHERE current_setting('ledger.checked_' || eid, true) IS NOT NULL",
            [posted],
        )
        assert cursor.fetchone()[0] == 0
    # two entries in one transaction, the second unbalanced: the memo of the first does not hide it
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        raw_entry(entity, 901, ((D("2.00"), D("0")), (D("0"), D("2.00"))))
        raw_entry(entity, 902, ((D("2.00"), D("0")), (D("0"), D("1.00"))))
    assert not Entry.objects.filter(number__in=(901, 902)).exists()
