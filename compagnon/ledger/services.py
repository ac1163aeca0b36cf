"""Every write to the books. Keyword-only; one transaction each; audited.

``post_entry`` and ``reverse_entry`` are called by other services on behalf of the system (sales
issuing an invoice, recording a payment…): they check the accounting rules, not a user permission
— their caller has checked that the user may issue the document. ``lock_period`` is a user action
and checks the user's role.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon import permissions
from compagnon.audit.services import record
from compagnon.jurisdictions import charts
from compagnon.organisation.models import Entity

from . import signals, totals
from .models import (
    Account,
    Entry,
    EntryKind,
    EntryLine,
    Journal,
    JournalCounter,
    PeriodLock,
)
from .money import ZERO, money


@dataclass(frozen=True)
class LineSpec:
    """One line to post, naming its account in one of three ways:

    * ``role="receivable"`` — a role from charts.py (``rate=`` picks the VAT account of a rate);
    * ``code="411"`` — an account number of the entity's chart;
    * ``account=`` — an Account of the entity (or a role / number as text).

    Amounts are Decimals (ints accepted) rounded half-up to the cent; a float raises TypeError.
    Exactly one of debit/credit is > 0 (checked by ``post_entry``)."""

    account: str | Account | None = None
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    activity: object | None = None  # members.Activity; None for the cooperative's own lines
    client: object | None = None  # clients.Client
    label: str = ""
    rate: Decimal | None = None
    role: str = ""
    code: str = ""

    def __post_init__(self):
        object.__setattr__(self, "debit", money(self.debit))
        object.__setattr__(self, "credit", money(self.credit))
        if isinstance(self.rate, float):
            raise TypeError("VAT rates are Decimals, never floats")
        given = [x for x in (self.account, self.role, self.code) if x not in (None, "")]
        if len(given) != 1:
            raise TypeError("A LineSpec names its account once: role=, code= or account=")
        if self.account is None:
            object.__setattr__(self, "account", self.role or self.code)

    @classmethod
    def dr(cls, account, amount, **kw) -> LineSpec:
        return cls(account=account, debit=amount, **kw)

    @classmethod
    def cr(cls, account, amount, **kw) -> LineSpec:
        return cls(account=account, credit=amount, **kw)


def _fmt(amount: Decimal) -> str:
    return f"{amount:.2f}"


# --- chart -------------------------------------------------------------------------------------


@transaction.atomic
def ensure_chart(entity, *, actor=None) -> int:
    """Create the accounts and journals of the entity's jurisdiction that are missing. Idempotent:
    existing accounts (maybe renamed by an accountant) are left as they are. Returns how many
    accounts and journals were created."""
    # Two first postings of a new entity may both install the chart: one waits for the other.
    Entity.objects.select_for_update().filter(pk=entity.pk).values_list("pk").first()
    specs = charts.chart_for(entity.jurisdiction)
    journal_specs = charts.journals_for(entity.jurisdiction)
    have = set(Account.objects.filter(entity=entity).values_list("code", flat=True))
    taken_roles = set(
        Account.objects.filter(entity=entity).exclude(role="").values_list("role", "vat_rate")
    )
    new_accounts = [
        Account(
            entity=entity,
            code=s.code,
            name=s.name,
            kind=s.kind,
            role=s.role if (s.role, s.vat_rate) not in taken_roles else "",
            vat_rate=s.vat_rate,
        )
        for s in specs
        if s.code not in have
    ]
    have_journals = set(Journal.objects.filter(entity=entity).values_list("code", flat=True))
    taken_journal_roles = set(
        Journal.objects.filter(entity=entity).exclude(role="").values_list("role", flat=True)
    )
    new_journals = [
        Journal(
            entity=entity,
            code=j.code,
            name=j.name,
            role=j.role if j.role not in taken_journal_roles else "",
        )
        for j in journal_specs
        if j.code not in have_journals
    ]
    Account.objects.bulk_create(new_accounts)
    Journal.objects.bulk_create(new_journals)
    created = len(new_accounts) + len(new_journals)
    if created:
        record(
            actor=actor,
            action="ledger.chart_installed",
            obj=entity,
            entity=entity,
            message=gettext_noop(
                "Chart of accounts of %(entity)s completed: %(accounts)s accounts, %(journals)s journals added"
            ),
            params={
                "entity": entity.name,
                "accounts": len(new_accounts),
                "journals": len(new_journals),
            },
        )
    return created


# --- posting -----------------------------------------------------------------------------------


def current_lock(entity) -> datetime.date | None:
    return PeriodLock.objects.filter(entity=entity).aggregate(d=Max("locked_until"))["d"]


def _resolve_journal(entity, journal_code: str) -> Journal:
    journals = list(Journal.objects.filter(entity=entity))
    if not journals:
        ensure_chart(entity)
        journals = list(Journal.objects.filter(entity=entity))
    for j in journals:
        if j.code == journal_code:
            return j
    for j in journals:
        if j.role and j.role == journal_code:
            return j
    raise ValidationError(
        {
            "journal": _("The books of %(entity)s have no journal %(code)s.")
            % {"entity": entity.name, "code": journal_code}
        }
    )


def _resolve_accounts(entity, lines: Sequence[LineSpec]) -> list[Account]:
    """One query (two if the chart must first be installed)."""

    def key_of(spec: LineSpec):
        if isinstance(spec.account, Account):
            return None
        if spec.code or spec.account.isdigit():
            return ("code", spec.account)
        if spec.account in charts.RATED_ROLES:
            if spec.rate is None:
                raise ValidationError(
                    {
                        "lines": _("A VAT line needs its rate (account role %(role)s).")
                        % {"role": spec.account}
                    }
                )
            return ("role", spec.account, Decimal(spec.rate).quantize(Decimal("0.01")))
        return ("role", spec.account, None)

    def load():
        by_key = {}
        for a in Account.objects.filter(entity=entity):
            by_key[("code", a.code)] = a
            if a.role:
                by_key[("role", a.role, a.vat_rate)] = a
        return by_key

    keys = [key_of(s) for s in lines]
    by_key = load() if any(k is not None for k in keys) else {}
    if any(k is not None and k not in by_key for k in keys) and not by_key:
        ensure_chart(entity)
        by_key = load()
    out = []
    for spec, key in zip(lines, keys, strict=True):
        if key is None:
            account = spec.account
            if account.entity_id != entity.pk:
                raise ValidationError(
                    {
                        "lines": _("Account %(code)s belongs to another entity's books.")
                        % {"code": account.code}
                    }
                )
        else:
            account = by_key.get(key)
            if account is None:
                raise ValidationError(
                    {
                        "lines": _("The chart of accounts of %(entity)s has no account %(what)s.")
                        % {
                            "entity": entity.name,
                            "what": key[1] + (f" ({key[2]} %)" if len(key) > 2 and key[2] else ""),
                        }
                    }
                )
        out.append(account)
    return out


def _check_lines(entity, lines: Sequence[LineSpec]) -> None:
    errors = []
    if len(lines) < 2:
        errors.append(_("An entry has at least two lines."))
    for i, line in enumerate(lines, start=1):
        if line.debit < 0 or line.credit < 0:
            errors.append(_("Line %(n)s: amounts cannot be negative.") % {"n": i})
        elif (line.debit > 0) == (line.credit > 0):
            errors.append(
                _("Line %(n)s: put the amount either in debit or in credit, not both, not neither.")
                % {"n": i}
            )
        activity = line.activity
        if activity is not None and activity.entity_id != entity.pk:
            errors.append(
                _("Line %(n)s: the activity %(activity)s belongs to another entity.")
                % {"n": i, "activity": activity}
            )
        client = line.client
        if client is not None:
            if activity is None:
                errors.append(
                    _("Line %(n)s: a line about a client names the client's activity.") % {"n": i}
                )
            elif client.activity_id != activity.pk:
                errors.append(
                    _("Line %(n)s: %(client)s is not a client of %(activity)s.")
                    % {"n": i, "client": client, "activity": activity}
                )
    debit = sum((line.debit for line in lines), ZERO)
    credit = sum((line.credit for line in lines), ZERO)
    if not errors and debit != credit:
        errors.append(
            _(
                "The entry does not balance: debits total %(debit)s, credits total %(credit)s "
                "(difference %(diff)s). Nothing was recorded."
            )
            % {"debit": _fmt(debit), "credit": _fmt(credit), "diff": _fmt(debit - credit)}
        )
    elif not errors and debit <= 0:
        errors.append(_("The entry totals zero: there is nothing to record."))
    if errors:
        raise ValidationError({"lines": errors})


def _check_open(entity, date: datetime.date) -> None:
    lock = current_lock(entity)
    if lock is not None and date <= lock:
        raise ValidationError(
            {
                "date": _(
                    "The books of %(entity)s are closed up to %(lock)s: an entry dated %(date)s "
                    "cannot be recorded. Date it after %(lock)s, or ask the accountant."
                )
                % {
                    "entity": entity.name,
                    "lock": date_format(lock, "SHORT_DATE_FORMAT"),
                    "date": date_format(date, "SHORT_DATE_FORMAT"),
                }
            }
        )


def _next_number(entity, journal: Journal, date: datetime.date) -> int:
    """Take the journal's counter for the year under lock and move it on. Refuses a date before
    the journal's last entry of the year, so numbers follow the dates."""
    counter, _created = JournalCounter.objects.get_or_create(
        journal=journal, year=date.year, defaults={"entity": entity}
    )
    counter = JournalCounter.objects.select_for_update().get(pk=counter.pk)
    if counter.last_date is not None and date < counter.last_date:
        raise ValidationError(
            {
                "date": _(
                    "Journal %(journal)s already has an entry dated %(last)s: entries are numbered "
                    "in date order, so this one cannot be dated %(date)s."
                )
                % {
                    "journal": journal.code,
                    "last": date_format(counter.last_date, "SHORT_DATE_FORMAT"),
                    "date": date_format(date, "SHORT_DATE_FORMAT"),
                }
            }
        )
    counter.last += 1
    counter.last_date = date
    counter.save(update_fields=["last", "last_date"])
    return counter.last


def _source(source) -> tuple[str, int | None]:
    if source is None:
        return "", None
    if isinstance(source, tuple):
        source_type, source_id = source
    else:  # a model instance
        source_type, source_id = source._meta.label_lower, source.pk
    if not source_type or source_id is None:
        raise ValueError(f"A source is (type, id), got {source!r}")
    return str(source_type), int(source_id)


def _write(
    *,
    actor,
    entity,
    journal: Journal,
    date: datetime.date,
    label: str,
    lines: Sequence[LineSpec],
    accounts: Sequence[Account],
    source_type: str,
    source_id: int | None,
    kind: str,
    reversal_of: Entry | None = None,
) -> Entry:
    _check_open(entity, date)
    if (
        source_type
        and Entry.objects.filter(source_type=source_type, source_id=source_id, kind=kind).exists()
    ):
        raise ValidationError(
            {
                "source": _("This document is already in the books (%(kind)s).")
                % {"kind": EntryKind(kind).label if kind in EntryKind.values else kind}
            }
        )
    number = _next_number(entity, journal, date)
    entry = Entry.objects.create(
        entity=entity,
        journal=journal,
        year=date.year,
        number=number,
        date=date,
        label=label[:200],
        source_type=source_type,
        source_id=source_id,
        kind=kind,
        reversal_of=reversal_of,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    written = EntryLine.objects.bulk_create(
        [
            EntryLine(
                entry=entry,
                date=entry.date,
                journal=journal,
                account=account,
                debit=spec.debit,
                credit=spec.credit,
                activity=spec.activity,
                client=spec.client,
                label=spec.label[:200],
            )
            for spec, account in zip(lines, accounts, strict=True)
        ]
    )
    totals.add_lines(entity.pk, written, sales=journal.role == totals.SALES_ROLE)
    signals.entry_posted.send(sender=Entry, entry=entry, lines=written)
    activities = {spec.activity.pk: spec.activity for spec in lines if spec.activity is not None}
    total = sum((spec.debit for spec in lines), ZERO)
    record(
        actor=actor,
        action="ledger.entry_reversed" if reversal_of else "ledger.entry_posted",
        obj=entry,
        entity=entity,
        activity=next(iter(activities.values())) if len(activities) == 1 else None,
        message=gettext_noop("Entry %(reference)s of %(date)s recorded: %(label)s (%(amount)s)")
        if reversal_of is None
        else gettext_noop(
            "Entry %(reference)s of %(date)s reverses %(original)s: %(label)s (%(amount)s)"
        ),
        params={
            "reference": entry.reference,
            "date": date,
            "label": entry.label,
            "amount": _fmt(total),
            **({"original": reversal_of.reference} if reversal_of else {}),
        },
    )
    return entry


@transaction.atomic
def post_entry(
    *,
    actor,
    entity,
    journal_code: str,
    date: datetime.date,
    label: str,
    lines: Sequence[LineSpec],
    source=None,
    kind: str = EntryKind.ISSUE,
) -> Entry:
    """Record a balanced entry in the entity's books and give it the journal's next number.

    ``journal_code`` is the journal's code ("VT") or role ("sales"). ``source`` is the document
    behind the entry — a model instance or ("sales.document", 42) — posted once per ``kind``.
    Raises ValidationError (nothing is written) when the entry does not balance, a line has both or
    neither side, an account or activity is of another entity, the period is locked, the date is
    before the journal's last entry of the year, or the source is already posted.
    """
    lines = list(lines)
    if not all(isinstance(line, LineSpec) for line in lines):
        raise TypeError("post_entry takes LineSpec lines")
    if not isinstance(date, datetime.date) or isinstance(date, datetime.datetime):
        raise TypeError("post_entry takes a datetime.date")
    if not label or not label.strip():
        raise ValidationError({"label": _("Give the entry a label.")})
    _check_lines(entity, lines)
    journal = _resolve_journal(entity, journal_code)
    accounts = _resolve_accounts(entity, lines)
    source_type, source_id = _source(source)
    return _write(
        actor=actor,
        entity=entity,
        journal=journal,
        date=date,
        label=label.strip(),
        lines=lines,
        accounts=accounts,
        source_type=source_type,
        source_id=source_id,
        kind=kind,
    )


@transaction.atomic
def reverse_entry(*, actor, entry: Entry, date: datetime.date, label: str) -> Entry:
    """Cancel a posted entry with its mirror (debits and credits swapped), in the same journal,
    about the same source, kind "reversal". An entry is reversed at most once; a reversal is not
    itself reversed (post a new entry instead)."""
    entry = Entry.objects.select_for_update().select_related("entity", "journal").get(pk=entry.pk)
    if entry.reversal_of_id is not None:
        raise ValidationError({"entry": _("A reversal cannot itself be reversed.")})
    if Entry.objects.filter(reversal_of=entry).exists():
        raise ValidationError(
            {"entry": _("Entry %(ref)s is already reversed.") % {"ref": entry.reference}}
        )
    if date < entry.date:
        raise ValidationError(
            {
                "date": _("A reversal cannot be dated before the entry it cancels (%(date)s).")
                % {"date": date_format(entry.date, "SHORT_DATE_FORMAT")}
            }
        )
    if not label or not label.strip():
        raise ValidationError({"label": _("Give the entry a label.")})
    originals = list(entry.lines.select_related("account", "activity", "client").order_by("id"))
    mirror = [
        LineSpec(
            account=line.account,
            debit=line.credit,
            credit=line.debit,
            activity=line.activity,
            client=line.client,
            label=line.label,
        )
        for line in originals
    ]
    return _write(
        actor=actor,
        entity=entry.entity,
        journal=entry.journal,
        date=date,
        label=label.strip(),
        lines=mirror,
        accounts=[line.account for line in originals],
        source_type=entry.source_type,
        source_id=entry.source_id,
        kind=EntryKind.REVERSAL,
        reversal_of=entry,
    )


# --- closing -----------------------------------------------------------------------------------


@transaction.atomic
def lock_period(*, actor, entity, until: datetime.date) -> PeriodLock:
    """Close the entity's books up to and including ``until`` (entity administrators and
    accountants). A lock only moves forward and only over days that are over."""
    scope = permissions.scope_for(actor)
    if entity.pk not in scope.admin_entities | scope.accountant_entities:
        raise PermissionDenied(
            _("Only the administrators and accountants of %(entity)s can close its books.")
            % {"entity": entity.name}
        )
    if until >= timezone.localdate():
        raise ValidationError(
            {"until": _("Only days that are over can be closed: choose a date before today.")}
        )
    # Posting takes the journal counter's lock before reading the period lock: holding every
    # counter of the entity here makes a posting either finish before this lock or see it.
    for journal_id in Journal.objects.filter(entity=entity).values_list("id", flat=True):
        JournalCounter.objects.get_or_create(
            journal_id=journal_id, year=until.year, defaults={"entity": entity}
        )
    list(JournalCounter.objects.select_for_update().filter(entity=entity).values_list("id"))
    previous = current_lock(entity)
    if previous is not None and until <= previous:
        raise ValidationError(
            {
                "until": _(
                    "The books are already closed up to %(date)s; a closing only moves forward."
                )
                % {"date": date_format(previous, "SHORT_DATE_FORMAT")}
            }
        )
    lock = PeriodLock.objects.create(entity=entity, locked_until=until, locked_by=actor)
    record(
        actor=actor,
        action="ledger.period_locked",
        obj=lock,
        entity=entity,
        message=gettext_noop("Books of %(entity)s closed up to %(date)s"),
        params={"entity": entity.name, "date": until},
    )
    return lock
