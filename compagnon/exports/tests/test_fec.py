"""Every FEC the app produces passes the strict checker; the checker catches what breaks the rules."""

import datetime
import io
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from compagnon.core.tests.factories import EntityFactory
from compagnon.exports import fec, fec_check
from compagnon.ledger import services as ledger
from compagnon.ledger.models import EntryLine
from compagnon.lettering.models import LetteredLine

from .helpers import year_of_books

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def produce(entity, year=YEAR, **kw) -> bytes:
    return b"".join(fec.stream(entity, year, **kw))


def rows(data: bytes) -> list[list[str]]:
    return [r.split("\t") for r in data.decode(fec.ENCODING).split("\r\n")[1:] if r]


def test_the_fec_of_a_year_with_payments_credit_notes_a_reversal_and_an_opening_entry_passes(
    tmp_path,
):
    w = year_of_books("FR")
    out = io.StringIO()
    call_command("export_fec", entity=w.entity.pk, year=YEAR, out=str(tmp_path), stdout=out)
    path = Path(out.getvalue().strip())
    assert path.name == f"{w.entity.company_number}FEC{YEAR}1231.txt"
    data = path.read_bytes()
    assert fec_check.check(data, year=YEAR, name=path.name) == []

    lines = rows(data)
    assert len(lines) == EntryLine.objects.filter(entry__entity=w.entity).count()
    assert (
        lines[0][0] == "OD" and lines[0][2] == f"OD-{YEAR}-00001" and lines[0][3] == f"{YEAR}0101"
    )
    assert lines[0][10] == "À-nouveaux balance"  # a tab in a label never splits a field
    assert lines[0][5] == "Banque"  # account names in French for the tax administration
    customer = [r for r in lines if r[6]]
    assert customer and all(r[6].startswith("C") and r[7] == w.client.name for r in customer)
    lettered = [r for r in lines if r[13]]
    assert len(lettered) == LetteredLine.objects.filter(lettering__entity=w.entity).count() >= 4
    assert all(len(r[14]) == 8 for r in lettered)
    assert {r[11] for r in lines if r[11] != "0,00"} >= {"120,00"}  # decimal comma


def test_a_letter_reaching_into_another_year_is_not_printed():
    w = year_of_books("FR")
    line = (
        LetteredLine.objects.filter(lettering__entity=w.entity).select_related("line").first().line
    )
    EntryLine.objects.filter(pk=line.pk).update(
        date=datetime.date(YEAR - 1, 12, 31)
    )  # as if booked last year
    data = produce(w.entity, fast=False)
    assert fec_check.check(data, year=YEAR) == []
    assert line.lettering_link.lettering.code not in {r[13] for r in rows(data)}


def test_the_checker_refuses_each_broken_rule():
    w = year_of_books("FR")
    good = produce(w.entity).decode(fec.ENCODING)
    header, first, second, *rest = good.split("\r\n")

    def broken(text):
        return fec_check.check(text, year=YEAR)

    assert broken(good.replace("JournalCode", "Journal", 1))[0].startswith("header")
    assert any("fields instead of 18" in p for p in broken(good.replace(first, first + "\tx")))
    f = first.split("\t")
    assert any(
        "outside" in p
        for p in broken(good.replace(first, "\t".join([*f[:3], f"{YEAR - 1}1231", *f[4:]])))
    )
    assert any(
        "does not balance" in p
        for p in broken(good.replace(first, "\t".join([*f[:11], "1,00", *f[12:]])))
    )
    assert any(
        "EcritureLib is empty" in p
        for p in broken(good.replace(first, "\t".join([*f[:10], " ", *f[11:]])))
    )
    assert any(
        "ValidDate" in p
        for p in broken(good.replace(first, "\t".join([*f[:15], f"{YEAR - 1}0101", *f[16:]])))
    )
    assert any(
        "1234,50" in p
        for p in broken(good.replace(first, "\t".join([*f[:11], "1.000,00", *f[12:]])))
    )
    renumbered = good.replace(f"OD-{YEAR}-00001", f"OD-{YEAR}-00009")
    assert any("numbers must follow" in p for p in broken(renumbered))
    lettered = next(r for r in good.split("\r\n")[1:] if r.count("\t") == 17 and r.split("\t")[13])
    code = lettered.split("\t")[13]
    assert any(
        f"letter {code}" in p
        for p in broken(good.replace(lettered, lettered.replace(f"\t{code}\t", "\tZZ\t")))
    )
    assert any("file name" in p for p in fec_check.check(good, year=YEAR, name="FEC.txt"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the COPY writer is PostgreSQL's")
def test_postgresql_streams_the_same_bytes_as_the_python_writer():
    w = year_of_books("FR")
    assert produce(w.entity, fast=True) == produce(w.entity, fast=False)


def test_reading_the_year_costs_the_same_queries_for_ten_entries_or_forty():
    entity = EntityFactory()

    def post(n):
        for i in range(n):
            ledger.post_entry(
                actor=None,
                entity=entity,
                journal_code="misc",
                date=timezone.localdate(),
                label=f"E{i}",
                lines=[
                    ledger.LineSpec(role="bank", debit=D("1.00")),
                    ledger.LineSpec(role="suspense", credit=D("1.00")),
                ],
            )

    post(10)
    with CaptureQueriesContext(connection) as small:
        produce(entity)
    post(30)
    with CaptureQueriesContext(connection) as large:
        data = produce(entity)
    assert len(large) == len(small) <= 6
    assert fec_check.check(data, year=YEAR) == []


ROLES = (
    "bank",
    "suspense",
    "revenue_services",
    "bank_fees",
    "share_capital",
    "misc_expense",
    "misc_income",
)


class GeneratedBooks(TestCase):
    """Books generated by Hypothesis, posted through the ledger's service, always give a valid FEC."""

    @settings(max_examples=15)
    @given(
        st.lists(
            st.tuples(
                st.sampled_from(["misc", "bank", "sales", "purchases"]),
                st.integers(min_value=0, max_value=364),
                st.lists(
                    st.tuples(st.sampled_from(ROLES), st.integers(1, 10_000_000)),
                    min_size=1,
                    max_size=4,
                ),
                st.one_of(
                    st.text(min_size=1, max_size=30),
                    st.sampled_from(["\x01", "é\t\x01", "\xa0a", "Œuvre – 5 %", 'a\\b"c']),
                ).filter(lambda s: s.strip() and "\x00" not in s),
                st.booleans(),
            ),
            min_size=1,
            max_size=12,
        )
    )
    def test_any_books_give_a_valid_fec(self, entries):
        entity = EntityFactory()
        start = datetime.date(YEAR - 1, 1, 1)
        posted = []
        for journal, day, legs, label, reverse in sorted(entries, key=lambda e: e[1]):
            date = start + datetime.timedelta(days=day)
            lines = []
            for role, cents in legs:
                lines.append(ledger.LineSpec(role=role, debit=D(cents) / 100, label=label))
            lines.append(
                ledger.LineSpec(role="suspense", credit=sum((x.debit for x in lines), D(0)))
            )
            entry = ledger.post_entry(
                actor=None, entity=entity, journal_code=journal, date=date, label=label, lines=lines
            )
            posted.append(entry)
            if reverse:
                ledger.reverse_entry(actor=None, entry=entry, date=date, label=f"Cancel {label}")
        data = b"".join(fec.stream(entity, YEAR - 1))
        problems = fec_check.check(data, year=YEAR - 1, name=fec.filename(entity, YEAR - 1))
        assert problems == [], (problems, entries)
        if connection.vendor == "postgresql":  # the COPY writer gives the Python writer's bytes
            assert data == b"".join(fec.stream(entity, YEAR - 1, fast=False))
        assert len(rows(data)) == EntryLine.objects.filter(entry__entity=entity).count()
