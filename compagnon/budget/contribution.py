"""The cooperative's contribution: owned by the budget, booked in the ledger when cash comes in.

docs/decisions/0017-contribution-owner.md. A CAE takes its contribution on what the member's
clients actually paid. Whenever an entry brings cash to an activity — a credit of a receivable
account on the activity's axis outside the sales journal (a payment matched, a payment undone
gives it back; a receivable written off as a bad debt is not cash) — the ledger's ``entry_posted``
signal (connected in ``apps.py``) calls
:func:`charge_on_cash`, which, in the same transaction:

* turns the cash into revenue without VAT with the activity's invoiced ratio (revenue and customer
  advances ÷ receivable debits of the sales journal, up to that day), split into goods and
  services in the proportion invoiced;
* applies the rules (``ContributionRate``: per entity, per activity override, per revenue kind,
  valid on that day; else ``Activity.effective_contribution_rate``);
* posts ONE entry in the same journal and on the same date as the cash entry (source: that entry,
  kind "contribution", so posted once): debit the contribution account on each activity's axis,
  credit the contribution income on the cooperative's (reversed for money given back);
* records one :class:`ContributionCharge` per activity: cash, bases, rates and amount.

The budget then reads the contribution from the ledger like any other line; ``check_books``
proves every cash receipt was charged once, at the rules' amount.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Q, Sum
from django.utils.translation import gettext as _

from compagnon.core.formatting import money as format_money
from compagnon.core.formatting import percent
from compagnon.jurisdictions import charts
from compagnon.ledger import services as ledger
from compagnon.ledger.models import Entry, EntryLine
from compagnon.ledger.money import ZERO, money
from compagnon.members.models import Activity

from . import accounts as budget_accounts
from .models import ContributionCharge, ContributionRate, RevenueKind

CHARGE_KIND = "contribution"  # the entry charging the cash of a source entry
SWITCH_KIND = "contribution_switch"  # undoes the contribution booked at issue before 0017
# The year-end closing and opening entries (bookkeeping, decision 0032) move balances from one
# year to the next: they bring no cash, so they are skipped like the contribution's own entries.
YEAR_END_KINDS = frozenset({"closing", "opening"})
OWN_KINDS = frozenset({CHARGE_KIND, SWITCH_KIND}) | YEAR_END_KINDS
SALES_ROLE = "sales"
BAD_DEBT_ROLE = "bad_debt"
_DEC = DecimalField(max_digits=16, decimal_places=2)
HUNDRED = Decimal(100)


def receivable_codes(jurisdiction: str) -> tuple[str, ...]:
    out = []
    for role in ("receivable", "receivable_doubtful"):
        try:
            out.append(charts.role_account_code(jurisdiction, role))
        except LookupError:
            continue
    return tuple(c for c in out if c)


def cash_of(entry, lines) -> dict[int, Decimal]:
    """{activity id: cash it received} from the lines of ``entry`` (credits − debits of the
    receivable accounts on an activity's axis); empty for the sales journal and for our own
    entries. No query: the posting service gives the lines with their accounts."""
    if entry.kind in OWN_KINDS or entry.journal.role == SALES_ROLE:
        return {}
    if any(line.account.role == BAD_DEBT_ROLE for line in lines):
        return {}  # a receivable written off: nothing was cashed
    codes = receivable_codes(entry.entity.jurisdiction)
    cash: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        if line.activity_id and line.account.code.startswith(codes):
            cash[line.activity_id] += line.credit - line.debit
    return {pk: amount for pk, amount in cash.items() if amount}


def charge_on_cash(sender=None, *, entry, lines, **kwargs) -> None:
    """Receiver of ``ledger.signals.entry_posted``: charge the contribution on the cash ``entry``
    brought."""
    cash = cash_of(entry, lines)
    if cash:
        charge(
            entry, cash, journal_code=entry.journal.code, date=entry.date, actor=entry.created_by
        )


# --- the rules ---------------------------------------------------------------------------------


def rate_on(rows, activity, day: datetime.date, kind: str) -> Decimal:
    """The most specific rate valid on ``day`` for revenue of ``kind``: the activity's before the
    entity's, one kind before all revenue, the latest start first; else the activity's rate."""
    best = None
    for r in rows:
        if r.valid_from > day or (r.valid_until is not None and r.valid_until < day):
            continue
        if r.revenue_kind not in ("", kind):
            continue
        if r.activity_id not in (None, activity.pk):
            continue
        rank = (r.activity_id is not None, r.revenue_kind == kind, r.valid_from)
        if best is None or rank > best[0]:
            best = (rank, r.rate)
    return best[1] if best else activity.effective_contribution_rate


def rate_rows(entity_id: int, activity_ids, day: datetime.date) -> list[ContributionRate]:
    return list(
        ContributionRate.objects.filter(
            Q(activity__isnull=True) | Q(activity_id__in=list(activity_ids)),
            entity_id=entity_id,
            valid_from__lte=day,
        ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
    )


def invoiced_shares(
    accounts, activity_ids, day: datetime.date
) -> dict[int, tuple[Decimal, Decimal]]:
    """{activity id: (share of a receivable that is revenue without VAT, share of goods in that
    revenue)} from the sales journal up to ``day``; one query (the lines carry date and journal)."""
    net = ExpressionWrapper(F("credit") - F("debit"), output_field=_DEC)
    sums: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    if accounts.sales_journals:
        rows = (
            EntryLine.objects.filter(
                activity_id__in=list(activity_ids),
                journal_id__in=list(accounts.sales_journals),
                date__lte=day,
            )
            .values("activity_id", "account_id")
            .annotate(n=Sum(net))
            .order_by()
        )
        for r in rows:
            acc, n = r["account_id"], Decimal(str(r["n"] or 0))
            s = sums[r["activity_id"]]
            if acc in accounts.revenue or acc in accounts.advances:
                s["ht"] += n
            if acc in accounts.revenue:
                s["revenue"] += n
            if acc in accounts.goods:
                s["goods"] += n
            if acc in accounts.receivable:
                s["ttc"] -= n
    out = {}
    for pk in activity_ids:
        s = sums[pk]
        ratio = min(max(s["ht"] / s["ttc"], ZERO), Decimal(1)) if s["ttc"] > 0 else Decimal(1)
        goods = min(max(s["goods"] / s["revenue"], ZERO), Decimal(1)) if s["revenue"] > 0 else ZERO
        out[pk] = (ratio, goods)
    return out


def charges_for(
    activities, cash: dict[int, Decimal], day: datetime.date
) -> list[ContributionCharge]:
    """What the rules charge on ``cash`` (by activity id) received on ``day`` (unsaved rows)."""
    activities = list(activities)
    if not activities:
        return []
    entity = activities[0].entity
    accounts = budget_accounts.for_entity(entity)
    shares = invoiced_shares(accounts, [a.pk for a in activities], day)
    rows = rate_rows(entity.pk, [a.pk for a in activities], day)
    out = []
    for a in activities:
        ratio, goods_share = shares[a.pk]
        base = money(cash[a.pk] * ratio)
        goods = money(base * goods_share)
        services = base - goods
        goods_rate = rate_on(rows, a, day, RevenueKind.GOODS)
        services_rate = rate_on(rows, a, day, RevenueKind.SERVICES)
        amount = money(goods * goods_rate / HUNDRED) + money(services * services_rate / HUNDRED)
        out.append(
            ContributionCharge(
                activity=a,
                date=day,
                cash=money(cash[a.pk]),
                goods_base=goods,
                goods_rate=goods_rate,
                services_base=services,
                services_rate=services_rate,
                amount=amount,
            )
        )
    return out


def _line_label(c: ContributionCharge) -> str:
    parts = [
        _("%(rate)s of %(base)s") % {"rate": percent(rate), "base": format_money(base)}
        for base, rate in ((c.goods_base, c.goods_rate), (c.services_base, c.services_rate))
        if base
    ]
    return (_("Cooperative contribution: %(parts)s cashed") % {"parts": ", ".join(parts)})[:200]


def charge(cash_entry, cash: dict[int, Decimal], *, journal_code: str, date, actor=None):
    """Charge the contribution on ``cash`` (by activity) that ``cash_entry`` brought: post the
    contribution entry (when anything is due) and record the charges. Runs in the caller's
    transaction; posted once per cash entry (the ledger's unique source and kind)."""
    activities = list(
        Activity.objects.filter(pk__in=list(cash), entity_id=cash_entry.entity_id)
        .select_related("entity")
        .order_by("pk")
    )
    rows = charges_for(activities, cash, cash_entry.date)
    lines: list[ledger.LineSpec] = []
    total = ZERO
    for c in rows:
        c.cash_entry = cash_entry
        if c.amount > 0:
            lines.append(
                ledger.LineSpec(
                    role="contribution_charge",
                    debit=c.amount,
                    activity=c.activity,
                    label=_line_label(c),
                )
            )
        elif c.amount < 0:
            lines.append(
                ledger.LineSpec(
                    role="contribution_charge",
                    credit=-c.amount,
                    activity=c.activity,
                    label=_line_label(c),
                )
            )
        total += c.amount
    entry = None
    if lines:
        label = (
            _("Cooperative contribution on %(reference)s") % {"reference": cash_entry.reference}
        )[:200]
        if total > 0:
            lines.append(ledger.LineSpec(role="contribution_income", credit=total, label=label))
        elif total < 0:
            lines.append(ledger.LineSpec(role="contribution_income", debit=-total, label=label))
        entry = ledger.post_entry(
            actor=actor,
            entity=cash_entry.entity,
            journal_code=journal_code,
            date=date,
            label=label,
            lines=lines,
            source=cash_entry,
            kind=CHARGE_KIND,
        )
    for c in rows:
        c.entry = entry
    ContributionCharge.objects.bulk_create(rows)
    return entry


# --- catching up (the switch from the contribution booked at issue) ---------------------------


def uncharged_cash(entity) -> dict[int, dict[int, Decimal]]:
    """{entry id: {activity id: cash}} of the entity's entries that brought cash to an activity
    and were never charged (entries posted before decision 0017)."""
    accounts = budget_accounts.for_entity(entity)
    rows = (
        EntryLine.objects.filter(
            entry__entity=entity, activity__isnull=False, account_id__in=list(accounts.receivable)
        )
        .exclude(journal_id__in=list(accounts.sales_journals))
        .exclude(entry__kind__in=OWN_KINDS)
        .exclude(entry__lines__account__role=BAD_DEBT_ROLE)
        .exclude(entry__contribution_charges__isnull=False)
        .values("entry_id", "activity_id")
        .annotate(c=Sum("credit"), d=Sum("debit"))
        .order_by("entry_id", "activity_id")
    )
    out: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for r in rows:
        amount = money(Decimal(str(r["c"])) - Decimal(str(r["d"])))
        if amount:
            out[r["entry_id"]][r["activity_id"]] = amount
    return dict(out)


def booked_at_issue(entity) -> dict[int, Decimal]:
    """{activity id: net contribution booked by the sales journal} (the pre-0017 way)."""
    accounts = budget_accounts.for_entity(entity)
    rows = (
        EntryLine.objects.filter(
            entry__entity=entity,
            activity__isnull=False,
            account_id__in=list(accounts.contribution),
            journal_id__in=list(accounts.sales_journals),
        )
        .values("activity_id")
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .order_by("activity_id")
    )
    out = {}
    for r in rows:
        amount = money(Decimal(str(r["d"])) - Decimal(str(r["c"])))
        if amount:
            out[r["activity_id"]] = amount
    return out


def switch_source(entity) -> tuple[str, int]:
    return ("organisation.entity", entity.pk)


def catch_up(entity, *, today: datetime.date, actor=None) -> tuple[Entry | None, int]:
    """Bring books written before decision 0017 to it, idempotently: ONE entry (misc journal,
    dated ``today``) gives back to each activity the contribution sales booked at issue, then each
    cash receipt never charged is charged (misc journal, dated ``today``). Returns (the switch
    entry or None, how many cash entries were charged)."""
    from django.db import transaction

    with transaction.atomic():
        switch = None
        source_type, source_id = switch_source(entity)
        done = Entry.objects.filter(
            source_type=source_type, source_id=source_id, kind=SWITCH_KIND
        ).exists()
        at_issue = {} if done else booked_at_issue(entity)
        if at_issue:
            activities = Activity.objects.in_bulk(list(at_issue))
            label = _(
                "Cooperative contribution now charged on cash received: booked at issue, given back"
            )
            lines = []
            total = ZERO
            for pk, amount in sorted(at_issue.items()):
                side = {"credit": amount} if amount > 0 else {"debit": -amount}
                lines.append(
                    ledger.LineSpec(
                        role="contribution_charge", activity=activities[pk], label=label, **side
                    )
                )
                total += amount
            if total > 0:
                lines.append(ledger.LineSpec(role="contribution_income", debit=total, label=label))
            elif total < 0:
                lines.append(
                    ledger.LineSpec(role="contribution_income", credit=-total, label=label)
                )
            switch = ledger.post_entry(
                actor=actor,
                entity=entity,
                journal_code="misc",
                date=today,
                label=label,
                lines=lines,
                source=(source_type, source_id),
                kind=SWITCH_KIND,
            )
        pending = uncharged_cash(entity)
        entries = Entry.objects.select_related("journal", "entity").in_bulk(list(pending))
        for entry_id in sorted(pending, key=lambda pk: (entries[pk].date, pk)):
            charge(
                entries[entry_id], pending[entry_id], journal_code="misc", date=today, actor=actor
            )
    return switch, len(pending)
