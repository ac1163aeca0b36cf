"""Month totals: kept by the posting service in the same transaction, equal to their lines."""

import datetime
import re
from decimal import Decimal
from importlib import import_module

import pytest
from django.db import connection, transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from compagnon.core.tests.factories import ActivityFactory, EntityFactory
from compagnon.ledger import checks, services
from compagnon.ledger.models import Account, EntryLine, MonthTotal
from compagnon.ledger.services import LineSpec
from compagnon.ledger.signals import entry_posted
from compagnon.ledger.totals import rebuild

from .factories import books, post_payment, post_sale

pytestmark = pytest.mark.django_db
D = Decimal


def totals(entity=None) -> dict:
    """{(role or code, activity id, year, month): (debit, credit, sales debit, sales credit)}"""
    rows = MonthTotal.objects.select_related("account")
    if entity is not None:
        rows = rows.filter(entity=entity)
    return {
        (t.account.role or t.account.code, t.activity_id, t.year, t.month): (
            t.debit,
            t.credit,
            t.sales_debit,
            t.sales_credit,
        )
        for t in rows
    }


def problems(entity) -> list[str]:
    from compagnon.organisation.models import Entity

    return list(checks.month_totals(Entity.objects.filter(pk=entity.pk)))


@pytest.fixture
def activity():
    return ActivityFactory(entity=books(EntityFactory()))


def test_posting_adds_each_line_to_its_month_and_activity(activity):
    entity = activity.entity
    post_sale(activity, net=D("100"), date=datetime.date(2026, 3, 5))
    post_sale(activity, net=D("50"), date=datetime.date(2026, 3, 28))
    post_sale(activity, net=D("10"), date=datetime.date(2026, 4, 1))
    services.post_entry(
        actor=None,
        entity=entity,
        journal_code="misc",
        date=datetime.date(2026, 3, 31),
        label="fee",
        lines=[
            LineSpec(role="supplies", debit=D("7.5"), activity=activity),
            LineSpec(role="suspense", credit=D("7.5")),  # the cooperative's own line
        ],
    )
    t = totals(entity)
    # March: 120 + 60 invoiced incl. VAT, all in the sales journal; April apart
    assert t[("receivable", activity.pk, 2026, 3)] == (D("180"), 0, D("180"), 0)
    assert t[("receivable", activity.pk, 2026, 4)] == (D("12"), 0, D("12"), 0)
    assert t[("revenue_services", activity.pk, 2026, 3)] == (0, D("150"), 0, D("150"))
    # outside the sales journal: nothing in the sales columns; the own line has no activity
    assert t[("supplies", activity.pk, 2026, 3)] == (D("7.5"), 0, 0, 0)
    assert t[("suspense", None, 2026, 3)] == (0, D("7.5"), 0, 0)
    assert problems(entity) == []


def test_the_cooperatives_own_lines_share_one_row_per_account_and_month(activity):
    entity = activity.entity
    other = ActivityFactory(entity=entity)
    for a in (activity, other, activity):
        services.post_entry(
            actor=None,
            entity=entity,
            journal_code="misc",
            date=datetime.date(2026, 5, 2),
            label="fee",
            lines=[
                LineSpec(role="supplies", debit=D("1"), activity=a),
                LineSpec(role="suspense", credit=D("1")),
            ],
        )
    own = MonthTotal.objects.filter(activity=None, account__role="suspense")
    assert [(t.year, t.month, t.credit) for t in own] == [(2026, 5, D("3.00"))]
    assert MonthTotal.objects.get(activity=activity, account__role="supplies").debit == D("2")
    assert problems(entity) == []


def test_a_reversal_cancels_the_month_it_is_dated_in(activity):
    entity = activity.entity
    entry = post_sale(activity, net=D("100"), date=datetime.date(2026, 1, 20))
    services.reverse_entry(actor=None, entry=entry, date=datetime.date(2026, 2, 3), label="undo")
    t = totals(entity)
    assert t[("receivable", activity.pk, 2026, 1)] == (D("120"), 0, D("120"), 0)
    assert t[("receivable", activity.pk, 2026, 2)] == (0, D("120"), 0, D("120"))
    assert problems(entity) == []


def test_a_posting_that_fails_leaves_no_total(activity):
    def refuse(sender, **kwargs):
        raise RuntimeError("no")

    entry_posted.connect(refuse, dispatch_uid="test.refuse")
    try:
        with pytest.raises(RuntimeError):
            post_sale(activity, net=D("100"))
    finally:
        entry_posted.disconnect(dispatch_uid="test.refuse")
    assert not MonthTotal.objects.exists() and not EntryLine.objects.exists()


def test_the_signal_is_sent_once_per_posting_with_its_lines_and_totals_written(activity):
    heard = []

    def listen(sender, *, entry, lines, **kwargs):
        heard.append(
            (
                entry.kind,
                len(lines),
                MonthTotal.objects.filter(activity=activity, account__role="receivable")
                .values_list("debit", "credit")
                .get(),
            )
        )

    entry_posted.connect(listen, dispatch_uid="test.listen")
    try:
        entry = post_sale(activity, net=D("100"), date=datetime.date(2026, 6, 1))
        services.reverse_entry(actor=None, entry=entry, date=datetime.date(2026, 6, 2), label="x")
    finally:
        entry_posted.disconnect(dispatch_uid="test.listen")
    assert heard == [("issue", 3, (D("120"), 0)), ("reversal", 3, (D("120"), D("120")))]


def test_check_books_catches_a_total_that_drifted_from_its_lines(activity):
    entity = activity.entity
    post_sale(activity, net=D("100"), date=datetime.date(2026, 3, 5))
    post_payment(activity, amount=D("60"), date=datetime.date(2026, 3, 9))
    assert problems(entity) == []
    MonthTotal.objects.filter(account__role="receivable").update(credit=D("61"))
    assert any("credit is 61.00, its lines sum 60.00" in p for p in problems(entity))
    MonthTotal.objects.filter(account__role="receivable").delete()
    assert any("lines but no month total" in p for p in problems(entity))
    MonthTotal.objects.create(
        entity=entity,
        account=Account.objects.get(entity=entity, code="512"),
        activity=activity,
        year=2025,
        month=1,
        debit=D("5"),
    )
    assert any("a month total without lines" in p for p in problems(entity))


class _Editor:
    """What the data migration's function uses of a schema editor."""

    def __init__(self):
        self.connection = connection

    def execute(self, sql, params=None):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def test_the_data_migration_rebuilds_the_same_totals_from_the_lines(activity):
    entity = activity.entity
    post_sale(activity, net=D("100"), date=datetime.date(2025, 12, 30))
    post_payment(activity, amount=D("60"), date=datetime.date(2026, 1, 9))
    post_sale(ActivityFactory(entity=entity), net=D("3.33"), date=datetime.date(2026, 1, 10))
    kept = totals()
    MonthTotal.objects.all().delete()
    import_module("compagnon.ledger.migrations.0008_fill_month_totals").fill(None, _Editor())
    assert totals() == kept and len(kept) >= 8
    assert problems(entity) == []
    MonthTotal.objects.filter(account__code="512").update(debit=D("1"))
    rebuild([entity.pk])
    assert totals() == kept


ROLES = ["bank", "receivable", "revenue_services", "supplies", "suspense"]


@settings(max_examples=25, deadline=None)
@given(
    entries=st.lists(
        st.tuples(
            st.dates(datetime.date(2025, 11, 1), datetime.date(2026, 2, 28)),
            st.sampled_from(["sales", "misc", "purchases"]),
            st.lists(
                st.tuples(
                    st.sampled_from(ROLES),
                    st.integers(min_value=1, max_value=10**9),
                    st.sampled_from([0, 1, None]),
                ),
                min_size=1,
                max_size=4,
            ),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_totals_equal_their_lines_whatever_is_posted(entries):
    """Any entries, on two activities and the cooperative, in any months: check_books finds every
    month total equal to its lines."""
    with transaction.atomic():
        entity = books(EntityFactory())
        activities = [ActivityFactory(entity=entity), ActivityFactory(entity=entity)]
        for date, journal, lines in sorted(entries, key=lambda e: e[0]):
            specs = [
                LineSpec(
                    role=role,
                    debit=D(cents) / 100,
                    activity=None if which is None else activities[which],
                )
                for role, cents, which in lines
            ]
            total = sum((s.debit for s in specs), D(0))
            specs.append(LineSpec(role="suspense", credit=total))
            services.post_entry(
                actor=None,
                entity=entity,
                journal_code=journal,
                date=date,
                label="any",
                lines=specs,
            )
        assert problems(entity) == []
        assert MonthTotal.objects.filter(entity=entity).count() == len(
            {
                (line.account_id, line.activity_id, line.date.year, line.date.month)
                for line in EntryLine.objects.filter(account__entity=entity)
            }
        )
        transaction.set_rollback(True)


def test_rows_are_locked_in_one_order_whatever_the_order_of_the_lines(activity):
    """Activities' rows first, then the cooperative's, each sorted by (activity, account, month):
    two postings sharing rows take them in the same order and cannot deadlock."""
    from django.test.utils import CaptureQueriesContext

    entity = activity.entity
    other = ActivityFactory(entity=entity)
    first, second = sorted([activity, other], key=lambda a: a.pk)
    lines = [
        LineSpec(role="suspense", credit=D("4")),
        LineSpec(role="bank", credit=D("4")),
        LineSpec(role="supplies", debit=D("3"), activity=second),
        LineSpec(role="bank", debit=D("2"), activity=second),
        LineSpec(role="supplies", debit=D("3"), activity=first),
    ]
    with CaptureQueriesContext(connection) as ctx:
        services.post_entry(
            actor=None,
            entity=entity,
            journal_code="misc",
            date=datetime.date(2026, 7, 1),
            label="order",
            lines=lines,
        )
    upserts = [
        q["sql"] for q in ctx.captured_queries if "INSERT INTO ledger_monthtotal" in q["sql"]
    ]
    assert len(upserts) == 2
    assert "activity_id IS NOT NULL" in upserts[0] and "activity_id IS NULL" in upserts[1]
    rows = MonthTotal.objects.filter(entity=entity)
    mine = [(t.activity_id, t.account_id) for t in rows.filter(activity__isnull=False)]
    assert len(mine) == 3
    # the VALUES of the first statement list (activity, account) pairs in ascending order
    listed = [int(n) for n in re.findall(r"\((\d+), (\d+), (\d+),", upserts[0]) for n in n[1:3]]
    pairs = [(listed[i + 1], listed[i]) for i in range(0, len(listed), 2)]
    assert pairs == sorted(mine)
