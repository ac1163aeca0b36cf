"""Closing a year of an entity's books (docs/closing.md, docs/decisions/0032-year-end-closing.md).

``blockers(entity, year)`` says in words what stops the closing; ``close_year`` does it in one
transaction:

1. the **closing entry** of 31 December (journal "CLO", kind "closing") brings every account
   outside classes 6 and 7 back to zero, activity by activity, and takes the year's result of
   each activity to the result account (FR 120 profit / 129 loss, BE 14);
2. the **opening entry** of 1 January (journal "AN" FR / "OUV" BE, kind "opening") is its exact
   mirror: every balance carried forward with its activity, each activity's result on the result
   account on the activity's axis;
3. the books are **locked** up to 31 December (``ledger.services.lock_period``).

Classes 6 and 7 are not zeroed by an entry: a year's income and expenses are read by date, so the
figures of the closed year stay as they were. The closing and opening entries cancel out over
time: a balance read over every year (an activity's open receivables, its current account) is the
same before and after a closing.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Q, Sum
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from compagnon.audit.services import record
from compagnon.core.formatting import money as format_money
from compagnon.ledger import checks as ledger_checks
from compagnon.ledger import services as ledger
from compagnon.ledger.models import Account, Entry, EntryLine, Journal
from compagnon.ledger.money import ZERO, money
from compagnon.members.models import Activity
from compagnon.organisation.models import Entity

from . import closing_chart
from .models import OPEN_STATUSES, ManualEntry, YearClosing
from .services import require_accountant

MAX_SHOWN = 10
# The operating result's classes (shown on the summary; the whole of 6/7 makes the result).
OPERATING = {"FR": ("60", "61", "62", "63", "64", "65"), "BE": ("60", "61", "62", "63", "64")}


@dataclass
class Blocker:
    message: str
    details: list[str] = field(default_factory=list)


def _d(day: datetime.date) -> str:
    return date_format(day, "DATE_FORMAT")


# --- what blocks -------------------------------------------------------------------------------


def unbalanced_entries(entity, year: int) -> list[str]:
    rows = (
        EntryLine.objects.filter(journal__entity=entity, date__year=year)
        .values("entry_id", "entry__journal__code", "entry__year", "entry__number")
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .exclude(d=F("c"))
        .order_by("entry_id")
    )
    return [
        f"{r['entry__journal__code']}-{r['entry__year']}-{r['entry__number']:05d}" for r in rows
    ]


def books_problems(entity) -> list[str]:
    """What ``manage.py check_books --entity`` would report for this entity."""
    autodiscover_modules("ledger_checks")
    found = []
    with transaction.atomic():
        for check in ledger_checks.registered():
            for problem in check(Entity.objects.filter(pk=entity.pk)):
                found.append(f"{check.title}: {problem}")
        transaction.set_rollback(True)  # checks only read; nothing they touch is kept
    return found


def bank_gaps(entity, year: int) -> list[str]:
    """Active bank accounts whose imported statements stop before 31 December of ``year``."""
    if not apps.is_installed("compagnon.banking"):
        return []
    BankAccount = apps.get_model("banking", "BankAccount")  # noqa: N806 - a model class
    end = datetime.date(year, 12, 31)
    out = []
    accounts = BankAccount.objects.filter(entity=entity, active=True).annotate(
        period_end=Max("statements__period_end", filter=Q(statements__state="imported")),
        last_booking=Max("transactions__booking_date"),
    )
    for account in accounts.order_by("id"):
        reached = max(
            (d for d in (account.period_end, account.last_booking) if d is not None), default=None
        )
        if reached is None:
            out.append(
                _("No statement of the bank account %(name)s (%(iban)s) is imported.")
                % {"name": account.name, "iban": account.iban}
            )
        elif reached < end:
            out.append(
                _(
                    "The statements of the bank account %(name)s (%(iban)s) are imported up to "
                    "%(date)s: import them up to %(end)s."
                )
                % {"name": account.name, "iban": account.iban, "date": _d(reached), "end": _d(end)}
            )
    return out


def blockers(entity, year: int, *, today: datetime.date | None = None) -> list[Blocker]:
    """Everything that stops ``year`` from being closed, in words; empty when it may be closed."""
    today = today or timezone.localdate()
    end = datetime.date(year, 12, 31)
    closed = (
        YearClosing.objects.filter(entity=entity, year=year).select_related("closed_by").first()
    )
    if closed is not None:
        return [
            Blocker(
                _("The year %(year)s is already closed (%(date)s): it cannot be closed again.")
                % {"year": year, "date": _d(timezone.localtime(closed.closed_at).date())}
            )
        ]
    if end >= today:
        return [
            Blocker(
                _("The year %(year)s is not over: it can be closed from %(date)s.")
                % {"year": year, "date": _d(end + datetime.timedelta(days=1))}
            )
        ]
    out = []
    earlier = Entry.objects.filter(entity=entity, date__lt=datetime.date(year, 1, 1))
    if earlier.exists() and not YearClosing.objects.filter(entity=entity, year=year - 1).exists():
        out.append(
            Blocker(
                _("The books have entries before %(year)s: close %(previous)s first.")
                % {"year": year, "previous": year - 1}
            )
        )
    lock = ledger.current_lock(entity)
    if lock is not None and lock >= end:
        out.append(
            Blocker(
                _(
                    "The books are already locked up to %(lock)s: the closing entry of %(end)s "
                    "cannot be recorded any more."
                )
                % {"lock": _d(lock), "end": _d(end)}
            )
        )
    unbalanced = unbalanced_entries(entity, year)
    if unbalanced:
        out.append(
            Blocker(
                ngettext(
                    "%(n)s entry of the year does not balance.",
                    "%(n)s entries of the year do not balance.",
                    len(unbalanced),
                )
                % {"n": len(unbalanced)},
                unbalanced[:MAX_SHOWN],
            )
        )
    drafts = list(
        ManualEntry.objects.filter(entity=entity, date__lte=end, status__in=OPEN_STATUSES)
        .order_by("date", "id")
        .values_list("date", "label")
    )
    if drafts:
        out.append(
            Blocker(
                ngettext(
                    "%(n)s manual entry of the year is not recorded yet (draft, waiting or "
                    "refused): record it or delete it.",
                    "%(n)s manual entries of the year are not recorded yet (drafts, waiting or "
                    "refused): record them or delete them.",
                    len(drafts),
                )
                % {"n": len(drafts)},
                [
                    f"{date_format(d, 'SHORT_DATE_FORMAT')} {label}"
                    for d, label in drafts[:MAX_SHOWN]
                ],
            )
        )
    gaps = bank_gaps(entity, year)
    if gaps:
        out.append(Blocker(_("Bank statements of the year are missing."), gaps))
    problems = books_problems(entity)
    if problems:
        out.append(
            Blocker(
                ngettext(
                    "The check of the books found %(n)s problem.",
                    "The check of the books found %(n)s problems.",
                    len(problems),
                )
                % {"n": len(problems)},
                problems[:MAX_SHOWN],
            )
        )
    return out


# --- the closing -------------------------------------------------------------------------------


def _ensure_closing_chart(entity) -> tuple[Account, Account, Journal, Journal]:
    ledger.ensure_chart(entity)
    specs = closing_chart.result_accounts(entity.jurisdiction)
    accounts = []
    for spec in (specs.profit, specs.loss):
        account = Account.objects.filter(entity=entity, code=spec.code).first()
        if account is None:
            taken = Account.objects.filter(entity=entity, role=spec.role).exists()
            account = Account.objects.create(
                entity=entity,
                code=spec.code,
                name=spec.name,
                kind=spec.kind,
                role="" if taken else spec.role,
            )
        accounts.append(account)
    journals = []
    for spec in closing_chart.closing_journals(entity.jurisdiction):
        journal = Journal.objects.filter(entity=entity, role=spec.role).first()
        if journal is None:
            journal = Journal.objects.filter(entity=entity, code=spec.code).first()
        if journal is None:
            journal = Journal.objects.create(
                entity=entity, code=spec.code, name=spec.name, role=spec.role
            )
        journals.append(journal)
    return accounts[0], accounts[1], journals[0], journals[1]


def year_figures(entity, year: int) -> tuple[dict, list[dict]]:
    """({(account id, activity id): balance carried forward (debit − credit)}, results per activity)
    at 31 December of ``year``, from the lines dated in ``year``: the opening entry of 1 January
    (when the year before was closed) and the year's movements. One query."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    operating = OPERATING.get(entity.jurisdiction, ())
    operating = set(operating) | {"7" + p[1] for p in operating}
    balances: dict[tuple[int, int | None], Decimal] = defaultdict(lambda: ZERO)
    per_activity: dict[int | None, dict[str, Decimal]] = defaultdict(
        lambda: {"income": ZERO, "expenses": ZERO, "operating": ZERO}
    )
    rows = (
        EntryLine.objects.filter(journal__entity=entity, date__gte=start, date__lte=end)
        .values("account_id", "account__code", "activity_id")
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .order_by()
    )
    for r in rows:
        code = r["account__code"]
        amount = money((r["d"] or ZERO) - (r["c"] or ZERO))
        if not closing_chart.is_result_class(code):
            balances[(r["account_id"], r["activity_id"])] += amount
            continue
        f = per_activity[r["activity_id"]]
        if code.startswith("7"):
            f["income"] -= amount
        else:
            f["expenses"] += amount
        if code[:2] in operating:
            f["operating"] -= amount
    names = dict(
        Activity.objects.filter(pk__in=[k for k in per_activity if k is not None]).values_list(
            "pk", "name"
        )
    )
    results = [
        {
            "activity": pk,
            "name": names.get(pk, ""),
            "income": str(f["income"]),
            "expenses": str(f["expenses"]),
            "operating": str(f["operating"]),
            "result": str(f["income"] - f["expenses"]),
        }
        for pk, f in sorted(
            per_activity.items(), key=lambda kv: (kv[0] is not None, names.get(kv[0], ""))
        )
    ]
    return {k: v for k, v in balances.items() if v}, results


@transaction.atomic
def close_year(*, actor, entity, year: int, today: datetime.date | None = None) -> YearClosing:
    """Close ``year`` of ``entity``'s books: closing entry, opening entry, lock. Refused (nothing
    written) while anything of ``blockers`` stands."""
    require_accountant(actor, entity)
    Entity.objects.select_for_update().filter(pk=entity.pk).values_list("pk").first()
    found = blockers(entity, year, today=today)
    if found:
        raise ValidationError(
            {"year": [b.message + (" " + "; ".join(b.details) if b.details else "") for b in found]}
        )
    profit, loss, closing_journal, opening_journal = _ensure_closing_chart(entity)
    balances, results = year_figures(entity, year)
    closing = YearClosing.objects.create(entity=entity, year=year, closed_by=actor, results=results)
    activities = {
        a.pk: a
        for a in Activity.objects.filter(
            pk__in={k[1] for k in balances if k[1]}
            | {r["activity"] for r in results if r["activity"]}
        )
    }
    accounts = {a.pk: a for a in Account.objects.filter(pk__in={k[0] for k in balances})}
    language = getattr(entity, "default_language", "") or translation.get_language()
    with translation.override(language):
        result_label = _("Result of %(year)s") % {"year": year}
        opening = []  # debit-positive amounts of the opening entry
        for (account_id, activity_id), amount in sorted(
            balances.items(), key=lambda kv: (accounts[kv[0][0]].code, kv[0][1] or 0)
        ):
            opening.append((accounts[account_id], activities.get(activity_id), amount, ""))
        for r in results:
            value = Decimal(r["result"])
            if value:
                account = profit if value > 0 else loss
                opening.append((account, activities.get(r["activity"]), -value, result_label))
        if opening:

            def spec(account, activity, amount, label):
                return ledger.LineSpec(
                    account=account,
                    debit=amount if amount > 0 else ZERO,
                    credit=-amount if amount < 0 else ZERO,
                    activity=activity,
                    label=label,
                )

            closing.closing_entry = ledger.post_entry(
                actor=actor,
                entity=entity,
                journal_code=closing_journal.code,
                date=datetime.date(year, 12, 31),
                label=_("Closing of the year %(year)s") % {"year": year},
                lines=[spec(a, act, -amount, label) for a, act, amount, label in opening],
                source=closing,
                kind=closing_chart.CLOSING_KIND,
            )
            closing.opening_entry = ledger.post_entry(
                actor=actor,
                entity=entity,
                journal_code=opening_journal.code,
                date=datetime.date(year + 1, 1, 1),
                label=_("Opening balances of %(next)s (year %(year)s carried forward)")
                % {"next": year + 1, "year": year},
                lines=[spec(a, act, amount, label) for a, act, amount, label in opening],
                source=closing,
                kind=closing_chart.OPENING_KIND,
            )
    closing.lock = ledger.lock_period(actor=actor, entity=entity, until=datetime.date(year, 12, 31))
    closing.save(update_fields=["closing_entry", "opening_entry", "lock"])
    total = sum((Decimal(r["result"]) for r in results), ZERO)
    record(
        actor=actor,
        action="bookkeeping.year_closed",
        obj=closing,
        entity=entity,
        message=gettext_noop("Year %(year)s of %(entity)s closed: result %(amount)s"),
        params={"year": year, "entity": entity.name, "amount": format_money(total)},
    )
    return closing


def closable_years(entity, *, today: datetime.date | None = None) -> list[int]:
    """The years with entries that are over, newest first, with whether each is closed."""
    today = today or timezone.localdate()
    years = {d.year for d in Entry.objects.filter(entity=entity).dates("date", "year")}
    years |= set(YearClosing.objects.filter(entity=entity).values_list("year", flat=True))
    years.add(today.year - 1)
    return sorted((y for y in years if y < today.year), reverse=True)
