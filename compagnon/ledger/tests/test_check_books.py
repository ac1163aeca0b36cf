"""manage.py check_books audits like an auditor: silent on sound books, loud on tampered ones."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from compagnon.core.tests.factories import ActivityFactory, EntityFactory
from compagnon.ledger import checks
from compagnon.ledger.models import Entry, EntryLine, JournalCounter

from .factories import ClientFactory, books, post_payment, post_sale

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def sound_books():
    entity = books(EntityFactory())
    activity = ActivityFactory(entity=entity)
    client = ClientFactory(activity=activity)
    entries = [post_sale(activity, net=D(n), client=client) for n in ("100.00", "250.50", "80")]
    post_payment(activity, amount=D("120.00"), client=client)
    belgian = ActivityFactory(entity=books(EntityFactory(belgian=True)))
    post_sale(belgian, net=D("99.99"), rate=D("21"))
    return entity, activity, entries


def run(*args) -> tuple[str, CommandError | None]:
    out = io.StringIO()
    try:
        call_command("check_books", *args, stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


def test_sound_books_pass_every_check_and_nothing_changes(sound_books):
    before = (Entry.objects.count(), EntryLine.objects.count(), JournalCounter.objects.count())
    output, error = run()
    assert error is None, output
    assert "The books are sound." in output and "✗" not in output
    assert output.count("✓") == len(checks.registered())
    run()
    assert (
        Entry.objects.count(),
        EntryLine.objects.count(),
        JournalCounter.objects.count(),
    ) == before


def test_a_tampered_line_is_reported_and_the_command_fails(sound_books):
    entity, activity, entries = sound_books
    line = entries[1].lines.get(account__role="revenue_services")
    EntryLine.objects.filter(pk=line.pk).update(credit=D("200.50"))  # behind the services' back
    try:
        output, error = run()
    finally:
        # On PostgreSQL the deferred trigger would refuse the test's final constraint check.
        EntryLine.objects.filter(pk=line.pk).update(credit=line.credit)
    assert error is not None and "problem(s) found" in str(error)
    assert f"VT-{entries[1].year}-00002 (id {entries[1].pk}) does not balance" in output
    assert "debit 300.60, credit 250.60" in output
    assert f"Activity {activity.pk}: revenue" not in output  # figures still equal their lines


def test_gaps_and_disorder_in_the_numbers_are_reported(sound_books):
    entity, activity, entries = sound_books
    Entry.objects.filter(pk=entries[1].pk).update(number=7)
    output, error = run("--entity", str(entity.pk))
    assert error is not None
    assert "number(s) 2 missing before 3" in output
    assert "the counter says 3, the last entry is number 7" in output


def test_an_account_of_another_entity_is_reported(sound_books):
    entity, activity, entries = sound_books
    stranger = books(EntityFactory())
    foreign_bank = stranger.ledger_accounts.get(role="bank")
    line = entries[0].lines.filter(account__role="receivable").get()
    EntryLine.objects.filter(pk=line.pk).update(account=foreign_bank)
    output, error = run()
    assert error is not None and "belongs to another entity" in output


def test_lines_carry_their_entry_date_and_journal_and_a_drift_is_reported(sound_books):
    entity, activity, entries = sound_books
    line = entries[0].lines.first()
    assert (line.date, line.journal_id) == (entries[0].date, entries[0].journal_id)
    other_day = entries[0].date.replace(day=1 if entries[0].date.day > 1 else 2)
    EntryLine.objects.filter(pk=line.pk).update(date=other_day)  # behind the services' back
    output, error = run()
    assert error is not None
    assert f"Line {line.pk} of VT-" in output and "another date or journal than its entry" in output


def test_other_contexts_plug_in_their_own_checks(sound_books):
    @checks.register("Issued documents have exactly one entry")
    def documents_posted_once(entities):
        yield from ["Invoice F2026-00003 has no entry"] if entities.exists() else []

    try:
        output, error = run()
        assert error is not None
        assert "✗ Issued documents have exactly one entry" in output
        assert "Invoice F2026-00003 has no entry" in output
    finally:
        checks._REGISTRY.pop(f"{__name__}.{documents_posted_once.__qualname__}")
    assert run()[1] is None
