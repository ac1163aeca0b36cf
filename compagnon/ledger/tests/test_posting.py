"""Posting entries: balanced, numbered, once per document, never into a closed period."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from compagnon.accounts.models import Role, SupportService
from compagnon.audit.models import AuditEvent
from compagnon.core.tests.factories import (
    ActivityFactory,
    EntityFactory,
    member_with_activity,
    staff,
)
from compagnon.ledger import selectors, services
from compagnon.ledger.models import (
    Account,
    Entry,
    EntryLine,
    Journal,
    JournalCounter,
    PostedEntryError,
)
from compagnon.ledger.services import LineSpec

from .factories import ClientFactory, books, post_sale

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = datetime.date(2026, 3, 10)


@pytest.fixture
def activity():
    entity = books(EntityFactory())
    return ActivityFactory(entity=entity)


def nothing_written():
    return not Entry.objects.exists() and not EntryLine.objects.exists()


def test_the_chart_is_installed_once(activity):
    entity = activity.entity
    n = Account.objects.filter(entity=entity).count()
    assert n > 30 and Journal.objects.filter(entity=entity).count() == 4
    assert services.ensure_chart(entity) == 0
    assert Account.objects.filter(entity=entity).count() == n
    receivable = Account.objects.get(entity=entity, role="receivable")
    assert receivable.code == "411" and receivable.label == "Customers"


def test_a_belgian_entity_gets_the_pcmn():
    entity = books(EntityFactory(belgian=True))
    codes = dict(Account.objects.filter(entity=entity).values_list("role", "code").distinct())
    assert codes["receivable"] == "400" and codes["bank"] == "550"
    assert Journal.objects.get(entity=entity, role="sales").code == "VE"


def test_posting_a_balanced_entry_numbers_it_in_its_journal_and_year(activity):
    first = post_sale(activity, date=TODAY)
    second = post_sale(activity, date=TODAY + datetime.timedelta(days=1))
    next_year = post_sale(activity, date=datetime.date(2027, 1, 2))
    assert (first.number, second.number, next_year.number) == (1, 2, 1)
    assert first.reference == "VT-2026-00001" and next_year.reference == "VT-2027-00001"
    lines = list(first.lines.select_related("account"))
    assert sum(x.debit for x in lines) == sum(x.credit for x in lines) == D("120.00")
    assert {x.account.code for x in lines} == {"411", "706", "445712"}
    # each line carries its entry's date and journal (decision 0018)
    assert {(x.date, x.journal_id) for x in lines} == {(first.date, first.journal_id)}
    assert JournalCounter.objects.get(journal=first.journal, year=2026).last == 2
    event = AuditEvent.objects.get(action="ledger.entry_posted", object_id=str(first.pk))
    assert event.activity_id == activity.pk and "VT-2026-00001" in event.text


def test_the_journal_can_be_named_by_code_or_by_role(activity):
    by_code = services.post_entry(
        actor=None,
        entity=activity.entity,
        journal_code="OD",
        date=TODAY,
        label="Misc",
        lines=[LineSpec(code="512", debit=D("5")), LineSpec(code="471", credit=D("5"))],
    )
    assert by_code.journal.role == "misc"
    with pytest.raises(ValidationError, match="no journal XX"):
        services.post_entry(
            actor=None,
            entity=activity.entity,
            journal_code="XX",
            date=TODAY,
            label="Misc",
            lines=[LineSpec(code="512", debit=D("5")), LineSpec(code="471", credit=D("5"))],
        )


def test_an_unbalanced_entry_is_refused_with_the_difference_and_nothing_is_written(activity):
    with pytest.raises(ValidationError) as exc:
        services.post_entry(
            actor=None,
            entity=activity.entity,
            journal_code="sales",
            date=TODAY,
            label="Wrong",
            lines=[
                LineSpec(role="receivable", debit=D("120.00"), activity=activity),
                LineSpec(role="revenue_services", credit=D("100.00"), activity=activity),
                LineSpec(role="vat_collected", rate=D("20"), credit=D("19.99"), activity=activity),
            ],
        )
    message = exc.value.message_dict["lines"][0]
    assert "does not balance" in message and "120.00" in message and "119.99" in message
    assert "0.01" in message and "Nothing was recorded" in message
    assert nothing_written() and not JournalCounter.objects.exists()
    assert not AuditEvent.objects.filter(action="ledger.entry_posted").exists()


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([LineSpec(role="bank", debit=D("10"))], "at least two lines"),
        (
            [
                LineSpec(role="bank", debit=D("10"), credit=D("10")),
                LineSpec(role="cash", debit=D("0")),
            ],
            "either in debit or in credit",
        ),
        (
            [LineSpec(role="bank", debit=D("-10")), LineSpec(role="cash", credit=D("-10"))],
            "cannot be negative",
        ),
        (
            [LineSpec(role="bank", debit=D("0.001")), LineSpec(role="cash", credit=D("0.004"))],
            "either in debit or in credit",
        ),
        (
            [LineSpec(role="nonsense", debit=D("1")), LineSpec(role="cash", credit=D("1"))],
            "has no account nonsense",
        ),
        (
            [LineSpec(role="vat_collected", debit=D("1")), LineSpec(role="cash", credit=D("1"))],
            "needs its rate",
        ),
    ],
)
def test_malformed_lines_are_refused(activity, lines, message):
    with pytest.raises(ValidationError, match=message):
        services.post_entry(
            actor=None,
            entity=activity.entity,
            journal_code="OD",
            date=TODAY,
            label="x",
            lines=lines,
        )
    assert nothing_written()


def test_amounts_are_decimals_never_floats():
    with pytest.raises(TypeError, match="Decimal"):
        LineSpec(role="bank", debit=10.1)
    with pytest.raises(TypeError):
        LineSpec(role="bank", credit="10.10")
    with pytest.raises(TypeError):
        LineSpec(role="vat_collected", rate=20.0, credit=D("1"))
    assert LineSpec(role="bank", debit=D("10.005")).debit == D("10.01")  # half up, to the cent
    assert LineSpec(role="bank", debit=3).debit == D("3.00")
    with pytest.raises(TypeError):
        LineSpec(role="bank", code="512", debit=D("1"))  # one way to name the account


def test_accounts_activities_and_clients_of_another_entity_are_refused(activity):
    foreign = ActivityFactory(entity=books(EntityFactory()))
    foreign_account = Account.objects.get(entity=foreign.entity, role="bank")
    cases = [
        (
            [LineSpec(account=foreign_account, debit=D("1")), LineSpec(role="cash", credit=D("1"))],
            "another entity",
        ),
        (
            [
                LineSpec(role="bank", debit=D("1"), activity=foreign),
                LineSpec(role="cash", credit=D("1")),
            ],
            "another entity",
        ),
        (
            [
                LineSpec(role="bank", debit=D("1"), activity=activity, client=ClientFactory()),
                LineSpec(role="cash", credit=D("1")),
            ],
            "is not a client of",
        ),
    ]
    for lines, message in cases:
        with pytest.raises(ValidationError, match=message):
            services.post_entry(
                actor=None,
                entity=activity.entity,
                journal_code="OD",
                date=TODAY,
                label="x",
                lines=lines,
            )
    assert nothing_written()


def test_a_document_is_posted_once(activity):
    post_sale(activity, date=TODAY, source=("sales.document", 42))
    with pytest.raises(ValidationError, match="already in the books"):
        post_sale(activity, date=TODAY, source=("sales.document", 42))
    assert Entry.objects.count() == 1
    assert JournalCounter.objects.get().last == 1  # the refused posting took no number


def test_numbers_follow_the_dates_within_a_journal(activity):
    post_sale(activity, date=TODAY)
    with pytest.raises(ValidationError, match="numbered in date order"):
        post_sale(activity, date=TODAY - datetime.timedelta(days=1))
    # another journal keeps its own order
    services.post_entry(
        actor=None,
        entity=activity.entity,
        journal_code="bank",
        date=TODAY - datetime.timedelta(days=1),
        label="Earlier bank entry",
        lines=[LineSpec(role="bank", debit=D("1")), LineSpec(role="cash", credit=D("1"))],
    )


def test_an_entity_without_a_chart_gets_it_at_its_first_posting():
    entity = EntityFactory()
    activity = ActivityFactory(entity=entity)
    entry = post_sale(activity, date=TODAY)
    assert entry.number == 1 and Account.objects.filter(entity=entity).exists()


def test_a_reversal_is_the_mirror_entry_and_happens_once(activity):
    client = ClientFactory(activity=activity)
    entry = post_sale(activity, date=TODAY, client=client, source=("sales.document", 7))
    reversal = services.reverse_entry(
        actor=None, entry=entry, date=TODAY, label="Cancelled invoice"
    )
    assert reversal.reversal_of == entry and reversal.kind == "reversal"
    assert (reversal.source_type, reversal.source_id) == ("sales.document", 7)
    assert reversal.number == entry.number + 1

    def sides(e, swap=False):
        return sorted(
            (x.account_id, x.activity_id, x.client_id, x.credit if swap else x.debit)
            for x in e.lines.all()
        )

    assert sides(reversal) == sides(entry, swap=True)
    assert selectors.activity_balances(None, activity)["revenue"] == 0  # anonymous sees nothing
    assert selectors.trial_balance_total(activity.entity) == 0
    with pytest.raises(ValidationError, match="already reversed"):
        services.reverse_entry(actor=None, entry=entry, date=TODAY, label="again")
    with pytest.raises(ValidationError, match="cannot itself be reversed"):
        services.reverse_entry(actor=None, entry=reversal, date=TODAY, label="again")
    other = post_sale(activity, date=TODAY)
    with pytest.raises(ValidationError, match="before the entry it cancels"):
        services.reverse_entry(
            actor=None, entry=other, date=TODAY - datetime.timedelta(days=1), label="x"
        )


def test_a_closed_period_refuses_entries_with_a_clear_message(activity):
    entity = activity.entity
    accountant = staff(Role.ACCOUNTANT, entity)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    lock = services.lock_period(actor=accountant, entity=entity, until=yesterday)
    assert services.current_lock(entity) == yesterday == lock.locked_until
    with pytest.raises(ValidationError) as exc:
        post_sale(activity, date=yesterday)
    assert "closed up to" in exc.value.message_dict["date"][0]
    assert nothing_written()
    assert post_sale(activity, date=timezone.localdate()).number == 1
    assert AuditEvent.objects.filter(action="ledger.period_locked", entity=entity).exists()


def test_only_the_entitys_accountants_and_administrators_close_its_books(activity):
    entity = activity.entity
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    member, _ = member_with_activity()
    outsiders = (
        member.user,
        staff(Role.ACCOUNTANT, EntityFactory()),
        staff(Role.SUPPORT, entity, SupportService.LEGAL),
    )
    for outsider in outsiders:
        with pytest.raises(PermissionDenied):
            services.lock_period(actor=outsider, entity=entity, until=yesterday)
    admin = staff(Role.ADMIN, entity)
    with pytest.raises(ValidationError, match="before today"):
        services.lock_period(actor=admin, entity=entity, until=timezone.localdate())
    services.lock_period(actor=admin, entity=entity, until=yesterday - datetime.timedelta(days=5))
    with pytest.raises(ValidationError, match="only moves forward"):
        services.lock_period(
            actor=admin, entity=entity, until=yesterday - datetime.timedelta(days=9)
        )
    services.lock_period(actor=admin, entity=entity, until=yesterday)


def test_a_posted_entry_is_never_changed_or_deleted_through_the_orm(activity):
    entry = post_sale(activity, date=TODAY)
    line = entry.lines.first()
    for obj in (entry, line):
        obj.label = "changed"
        with pytest.raises(PostedEntryError, match="reverse it instead"):
            obj.save()
        with pytest.raises(PostedEntryError):
            obj.delete()
    entry.refresh_from_db()
    assert entry.label != "changed"
