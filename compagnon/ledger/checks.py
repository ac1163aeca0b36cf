"""The auditor's checks run by ``manage.py check_books``. Pluggable.

A check is a function ``check(entities) -> Iterable[str]``: it receives the queryset of entities
to audit and yields one human-readable problem per finding (nothing when all is well). It reads,
never writes. Register one with the decorator::

    from compagnon.ledger.checks import register

    @register("Issued documents have exactly one entry")
    def documents_posted_once(entities):
        ...
        yield f"Invoice {number}: {n} entries"

Other contexts put their checks in ``<app>/ledger_checks.py`` (imported by the command through
``autodiscover_modules``) or register them from their AppConfig.ready().
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from .models import Entry, EntryLine, JournalCounter, PeriodLock
from .money import ZERO

CheckFn = Callable[..., Iterable[str]]
HALF_CENT = Decimal("0.005")


@dataclass(frozen=True)
class Check:
    title: str
    fn: CheckFn

    def __call__(self, entities) -> Iterable[str]:
        return self.fn(entities)


_REGISTRY: dict[str, Check] = {}


def register(title_or_fn: str | CheckFn | None = None, *, title: str | None = None):
    """Register a check: ``@register``, ``@register("Title")`` or ``register(fn, title=…)``.
    Registering the same function again replaces it (module reloads stay idempotent)."""

    def add(fn: CheckFn) -> CheckFn:
        name = title or (title_or_fn if isinstance(title_or_fn, str) else None)
        name = name or (fn.__doc__ or fn.__name__).strip().splitlines()[0]
        key = f"{fn.__module__}.{fn.__qualname__}"
        _REGISTRY[key] = Check(title=name, fn=fn)
        return fn

    if callable(title_or_fn):
        return add(title_or_fn)
    return add


def registered() -> list[Check]:
    return list(_REGISTRY.values())


def _ref(journal_code, year, number, entry_id) -> str:
    return f"{journal_code}-{year}-{number:05d} (id {entry_id})"


# --- the ledger's own checks -------------------------------------------------------------------


@register("Every entry balances (two lines or more, debits = credits > 0)")
def entries_balance(entities):
    rows = (
        Entry.objects.filter(entity__in=entities)
        .annotate(d=Sum("lines__debit"), c=Sum("lines__credit"), n=Count("lines"))
        .annotate(diff=F("d") - F("c"))
        # SQLite sums decimals as floats (348.44 may come back as 348.44000000000005): compare to
        # half a cent, which is exact on PostgreSQL and tolerant of float noise on SQLite.
        .filter(
            Q(n__lt=2)
            | Q(d__isnull=True)
            | Q(c__isnull=True)
            | Q(diff__gt=HALF_CENT)
            | Q(diff__lt=-HALF_CENT)
            | Q(d__lte=0)
        )
        .values_list("journal__code", "year", "number", "id", "n", "d", "c")
        .order_by("journal__code", "year", "number")
    )
    for code, year, number, pk, n, d, c in rows.iterator():
        yield (
            f"{_ref(code, year, number, pk)} does not balance: {n} line(s), "
            f"debit {d or ZERO:.2f}, credit {c or ZERO:.2f}"
        )


@register("Every line has exactly one side, not negative")
def lines_one_side(entities):
    rows = (
        EntryLine.objects.filter(entry__entity__in=entities)
        .filter(
            Q(debit__lt=0) | Q(credit__lt=0) | Q(debit__gt=0, credit__gt=0) | Q(debit=0, credit=0)
        )
        .values_list("id", "entry__journal__code", "entry__year", "entry__number", "entry_id")
        .order_by("id")
    )
    for pk, code, year, number, entry_id in rows.iterator():
        yield f"Line {pk} of {_ref(code, year, number, entry_id)} has both or neither debit and credit"


@register("Entry numbers are gap-free and chronological per journal and year")
def numbering(entities):
    rows = (
        Entry.objects.filter(entity__in=entities)
        .values_list("journal_id", "journal__code", "year", "number", "date", "id")
        .order_by("journal_id", "year", "number", "id")
    )
    counters = {
        (c.journal_id, c.year): c.last
        for c in JournalCounter.objects.filter(entity__in=entities).only(
            "journal_id", "year", "last"
        )
    }
    seen: set[tuple[int, int]] = set()
    key = expected = last_date = None
    code = ""
    for journal_id, journal_code, year, number, date, pk in rows.iterator():
        if (journal_id, year) != key:
            if key is not None and counters.get(key, 0) != expected - 1:
                yield (
                    f"Journal {code} {key[1]}: the counter says {counters.get(key, 0)}, "
                    f"the last entry is number {expected - 1}"
                )
            key, expected, last_date, code = (journal_id, year), 1, None, journal_code
            seen.add(key)
        if number != expected:
            if number < expected:
                yield f"Journal {code} {year}: number {number} is used twice (id {pk})"
                continue
            missing = f"{expected}" if number == expected + 1 else f"{expected} to {number - 1}"
            yield f"Journal {code} {year}: number(s) {missing} missing before {number}"
        if date.year != year:
            yield f"{_ref(code, year, number, pk)} is dated {date} outside its year"
        if last_date is not None and date < last_date:
            yield (
                f"{_ref(code, year, number, pk)} is dated {date}, before the previous entry "
                f"({last_date}): numbers do not follow the dates"
            )
        last_date = date
        expected = number + 1
    if key is not None and counters.get(key, 0) != expected - 1:
        yield (
            f"Journal {code} {key[1]}: the counter says {counters.get(key, 0)}, "
            f"the last entry is number {expected - 1}"
        )
    for (journal_id, year), last in sorted(counters.items()):
        if last and (journal_id, year) not in seen:
            yield f"Journal id {journal_id} {year}: the counter says {last}, there is no entry"


@register("Accounts, journals and activities belong to the entry's entity")
def same_entity(entities):
    rows = (
        EntryLine.objects.filter(entry__entity__in=entities)
        .filter(
            ~Q(account__entity_id=F("entry__entity_id"))
            | (Q(activity__isnull=False) & ~Q(activity__entity_id=F("entry__entity_id")))
        )
        .values_list(
            "id",
            "entry__journal__code",
            "entry__year",
            "entry__number",
            "entry_id",
            "account__code",
        )
        .order_by("id")
    )
    for pk, code, year, number, entry_id, account in rows.iterator():
        yield (
            f"Line {pk} of {_ref(code, year, number, entry_id)}: account {account} or its "
            "activity belongs to another entity"
        )
    wrong_journal = (
        Entry.objects.filter(entity__in=entities)
        .exclude(journal__entity_id=F("entity_id"))
        .values_list("id", flat=True)
    )
    for pk in wrong_journal.iterator():
        yield f"Entry id {pk} is in a journal of another entity"


@register("Every line carries its entry's date and journal")
def lines_dated_as_their_entry(entities):
    """The copies the budget filters on (decision 0018) equal the entry's: written once by
    ``post_entry``, they could only drift through a raw UPDATE."""
    rows = (
        EntryLine.objects.filter(entry__entity__in=entities)
        .filter(~Q(date=F("entry__date")) | ~Q(journal_id=F("entry__journal_id")))
        .values_list("id", "entry__journal__code", "entry__year", "entry__number", "entry_id")
        .order_by("id")
    )
    for pk, code, year, number, entry_id in rows.iterator():
        yield f"Line {pk} of {_ref(code, year, number, entry_id)} has another date or journal than its entry"


@register("No entry was recorded into a closed period")
def closed_periods(entities):
    for lock in PeriodLock.objects.filter(entity__in=entities).order_by("id"):
        late = (
            Entry.objects.filter(
                entity_id=lock.entity_id,
                date__lte=lock.locked_until,
                posted_at__gt=lock.created_at,
            )
            .values_list("journal__code", "year", "number", "id")
            .order_by("id")
        )
        for code, year, number, pk in late:
            yield (
                f"{_ref(code, year, number, pk)} was recorded after the books were closed up to "
                f"{lock.locked_until}"
            )


@register("Reversals mirror the entry they cancel")
def reversals_mirror(entities):
    reversals = (
        Entry.objects.filter(entity__in=entities, reversal_of__isnull=False)
        .select_related("journal")
        .prefetch_related("lines", "reversal_of__lines")
        .order_by("id")
    )
    for entry in reversals.iterator(chunk_size=500):

        def sides(e, swap=False):
            return sorted(
                (
                    line.account_id,
                    line.activity_id or 0,
                    line.client_id or 0,
                    line.credit if swap else line.debit,
                    line.debit if swap else line.credit,
                )
                for line in e.lines.all()
            )

        if sides(entry) != sides(entry.reversal_of, swap=True):
            yield f"{entry.reference} (id {entry.pk}) does not mirror the entry it reverses"


@register("Activity figures equal the sum of the activity's lines")
def activity_figures(entities):
    from .selectors import figures_by_activity, figures_from_rows

    entity_ids = list(entities.values_list("id", flat=True))
    reported = figures_by_activity(entity_ids)
    by_activity: dict[int, list] = defaultdict(list)
    lines = (
        EntryLine.objects.filter(entry__entity_id__in=entity_ids, activity__isnull=False)
        .values_list("activity_id", "account__role", "account__kind", "debit", "credit")
        .order_by("activity_id", "id")
    )
    for activity_id, role, kind, debit, credit in lines.iterator():
        by_activity[activity_id].append((role, kind, debit, credit))
    for activity_id in sorted(set(by_activity) | set(reported)):
        recomputed = figures_from_rows(by_activity.get(activity_id, []))
        shown = reported.get(activity_id, figures_from_rows([]))
        for name, value in recomputed.items():
            if shown.get(name, ZERO) != value:
                yield (
                    f"Activity {activity_id}: {name} shows {shown.get(name, ZERO):.2f}, "
                    f"its lines sum to {value:.2f}"
                )


@register("Month totals equal the sum of their lines")
def month_totals(entities):
    """``MonthTotal`` is the ledger's own derived data (docs/decisions/0029): each row must equal
    the SUM of its lines — debit, credit and the sales journals' share — for every account,
    activity (or none) and month, and no row may lack its lines or lines their row."""
    from django.db.models.functions import ExtractMonth, ExtractYear

    from .models import MonthTotal
    from .totals import SALES_ROLE

    def sums(debit, credit, sales_debit, sales_credit):
        return tuple(Decimal(str(v or 0)) for v in (debit, credit, sales_debit, sales_credit))

    in_sales = Q(journal__role=SALES_ROLE)
    from_lines = (
        EntryLine.objects.filter(account__entity__in=entities)
        .annotate(y=ExtractYear("date"), m=ExtractMonth("date"))
        .values("account_id", "activity_id", "y", "m")
        .annotate(
            d=Sum("debit"),
            c=Sum("credit"),
            sd=Sum("debit", filter=in_sales),
            sc=Sum("credit", filter=in_sales),
        )
        .order_by()
    )
    expected = {
        (r["account_id"], r["activity_id"], r["y"], r["m"]): sums(r["d"], r["c"], r["sd"], r["sc"])
        for r in from_lines.iterator()
    }
    stored = {
        (t.account_id, t.activity_id, t.year, t.month): sums(
            t.debit, t.credit, t.sales_debit, t.sales_credit
        )
        for t in MonthTotal.objects.filter(entity__in=entities).iterator()
    }
    names = ("debit", "credit", "sales debit", "sales credit")
    for key in sorted(set(expected) | set(stored), key=lambda k: (k[0], k[1] or 0, k[2], k[3])):
        account_id, activity_id, year, month = key
        where = (
            f"Account id {account_id}, activity {activity_id or '(the cooperative)'}, "
            f"{year}-{month:02d}"
        )
        lines, total = expected.get(key), stored.get(key)
        if total is None:
            yield f"{where}: lines but no month total"
        elif lines is None:
            if any(total):
                yield f"{where}: a month total without lines"
        else:
            for name, a, b in zip(names, total, lines, strict=True):
                if abs(a - b) > HALF_CENT:  # SQLite adds decimals as floats (see entries_balance)
                    yield f"{where}: the month total's {name} is {a:.2f}, its lines sum {b:.2f}"
