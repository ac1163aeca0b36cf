"""Every state change of time entries, expenses and statements of work done.

Rules:
* whoever works in the activity (holder or contributor, not left) logs, changes and bills its time;
* an entry on a statement that has left the draft state (sent, accepted, invoiced…) is locked: the
  client has seen it. While the statement is a draft, changing an entry rebuilds its lines;
* a statement is a sales ``Document`` of kind ``statement`` built from the billable entries and
  expenses of one client over a period that are on no statement yet and not tied to a quote (a
  quoted job is billed by its quote).
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon import jurisdictions, permissions
from compagnon.audit.services import record
from compagnon.core.services import require, snapshot
from compagnon.members.models import ActivityMembership, Member
from compagnon.sales import services as sales
from compagnon.sales.models import Document, Kind, State

from . import statement_lines
from .duration import MAX_MINUTES, format_minutes
from .models import (
    ClientRate,
    ExpenseEntry,
    GroupBy,
    StatementPeriod,
    TimeEntry,
    TimesheetSettings,
)

ENTRY_FIELDS = ["date", "duration", "description", "client", "quote", "billable", "hourly_rate"]
AUDITED_ENTRY_FIELDS = [*ENTRY_FIELDS, "member"]
EXPENSE_FIELDS = ["date", "description", "amount", "vat_rate", "client"]
MAX_PERIOD_DAYS = 366
# States of a statement whose entries may be freed to go on another statement.
RELEASABLE = (State.DRAFT, State.REFUSED)


def _require_worker(actor, activity) -> None:
    require(actor, "members.work_in_activity", activity)


def _audit(actor, obj, action: str, message: str, activity, before=None, after=None, **params):
    record(
        actor=actor,
        action=f"timesheets.{action}",
        obj=obj,
        activity=activity,
        entity=activity.entity,
        message=message,
        params=params,
        before=before,
        after=after,
    )


# --- rates ------------------------------------------------------------------------------------


def default_rate(activity, client=None) -> Decimal | None:
    """The client's agreed rate, else the activity's, else None."""
    if client is not None:
        rate = (
            ClientRate.objects.filter(client=client).values_list("hourly_rate", flat=True).first()
        )
        if rate is not None:
            return rate
    return (
        TimesheetSettings.objects.filter(activity=activity)
        .values_list("hourly_rate", flat=True)
        .first()
    )


@transaction.atomic
def set_hourly_rate(*, actor, activity, hourly_rate: Decimal | None, client=None):
    """Set the activity's default hourly rate, or the rate agreed with ``client`` (None removes it)."""
    _require_worker(actor, activity)
    if hourly_rate is not None and hourly_rate < 0:
        raise ValidationError({"hourly_rate": _("The hourly rate cannot be negative.")})
    if client is None:
        settings, _created = TimesheetSettings.objects.select_for_update().get_or_create(
            activity=activity
        )
        before = settings.hourly_rate
        settings.hourly_rate = hourly_rate
        settings.save()
        _audit(
            actor,
            settings,
            "rate_changed",
            gettext_noop("Default hourly rate: %(old)s → %(new)s"),
            activity,
            old=str(before if before is not None else "—"),
            new=str(hourly_rate if hourly_rate is not None else "—"),
        )
        return settings
    if client.activity_id != activity.pk:
        raise ValidationError({"client": _("This client belongs to another activity.")})
    if hourly_rate is None:
        ClientRate.objects.filter(client=client).delete()
        _audit(
            actor,
            client,
            "client_rate_removed",
            gettext_noop("Hourly rate for %(client)s removed: the activity's rate applies"),
            activity,
            client=client.name,
        )
        return None
    rate, _created = ClientRate.objects.update_or_create(
        client=client, defaults={"hourly_rate": hourly_rate}
    )
    _audit(
        actor,
        rate,
        "client_rate_changed",
        gettext_noop("Hourly rate for %(client)s: %(rate)s"),
        activity,
        client=client.name,
        rate=str(hourly_rate),
    )
    return rate


# --- time entries -----------------------------------------------------------------------------


def _member_of_actor(actor) -> Member | None:
    scope = permissions.scope_for(actor)
    return Member.objects.filter(pk=scope.member_id).first() if scope.member_id else None


def _check_entry(entry: TimeEntry, *, check_member: bool = True) -> None:
    """Business rules on an entry about to be saved; errors name the field.

    ``check_member``: the person must work in the activity (on creation, or when it changes; a
    colleague who has since left keeps their past entries correctable).
    """
    errors: dict[str, str] = {}
    activity = entry.activity
    if entry.duration is None or entry.duration < 1:
        errors["duration"] = _("Enter a duration of at least one minute, e.g. 1h30 or 45.")
    elif entry.duration > MAX_MINUTES:
        errors["duration"] = _("A day has 24 hours: enter at most 24h per entry.")
    if entry.date and entry.date > timezone.localdate():
        errors["date"] = _("Log time once it is spent: the date cannot be in the future.")
    if not (entry.description or "").strip():
        errors["description"] = _("Say in a few words what was done.")
    if entry.client is not None and entry.client.activity_id != activity.pk:
        errors["client"] = _("This client belongs to another activity.")
    if entry.quote is not None:
        quote = entry.quote
        if quote.kind != Kind.QUOTE or quote.activity_id != activity.pk:
            errors["quote"] = _("Choose a quote of this activity.")
        elif entry.client is not None and quote.client_id != entry.client.pk:
            errors["quote"] = _("This quote is for another client.")
    if entry.member_id is None:
        errors["member"] = _("Say who did the work.")
    elif (
        check_member
        and not ActivityMembership.objects.filter(
            activity_id=activity.pk, member_id=entry.member_id
        ).exists()
    ):
        errors["member"] = _("Only the people working in this activity can log time in it.")
    if entry.hourly_rate is not None and entry.hourly_rate < 0:
        errors["hourly_rate"] = _("The hourly rate cannot be negative.")
    if errors:
        raise ValidationError(errors)
    entry.description = entry.description.strip()
    entry.full_clean(exclude=["statement"])


def _lock_entry(entry: TimeEntry) -> TimeEntry:
    return (
        TimeEntry.objects.select_for_update(of=("self",))  # PostgreSQL: no lock on outer joins
        .select_related("activity__entity", "client", "quote", "statement")
        .get(pk=entry.pk)
    )


def _require_unlocked(obj) -> None:
    if obj.statement_id and obj.statement.state not in (State.DRAFT,):
        raise ValidationError(
            _(
                "This is on statement %(statement)s, already sent to the client: it can no longer be changed."
            )
            % {"statement": obj.statement}
        )


@transaction.atomic
def add_time_entry(
    *,
    actor,
    activity,
    date: datetime.date | None = None,
    duration: int,
    description: str,
    client=None,
    quote=None,
    member=None,
    billable: bool = True,
    hourly_rate: Decimal | None = None,
    client_key: uuid.UUID | None = None,
) -> TimeEntry:
    """Log time spent in ``activity``. ``member`` defaults to the actor's member profile.

    ``client_key``: chosen by the phone when the entry was typed. Sent again (a form queued
    offline and replayed, a double tap), it returns the entry already logged, marked
    ``replayed``, instead of logging the time twice."""
    _require_worker(actor, activity)
    member = member or _member_of_actor(actor)
    if client_key is not None:
        earlier = TimeEntry.objects.filter(member=member, client_key=client_key).first()
        if earlier is not None:
            earlier.replayed = True
            return earlier
    if quote is not None and client is None:
        client = quote.client
    entry = TimeEntry(
        activity=activity,
        client=client,
        quote=quote,
        client_key=client_key,
        member=member,
        date=date or timezone.localdate(),
        duration=duration,
        description=description or "",
        billable=billable,
        hourly_rate=hourly_rate,
    )
    _check_entry(entry)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        if client_key is None:
            raise
        # the same form arrived twice at the same moment: the other request logged it
        earlier = TimeEntry.objects.get(member=member, client_key=client_key)
        earlier.replayed = True
        return earlier
    _audit(
        actor,
        entry,
        "time_logged",
        gettext_noop("%(duration)s logged on %(date)s: %(description)s"),
        activity,
        duration=format_minutes(entry.duration),
        date=entry.date,
        description=entry.description[:80],
    )
    return entry


def _still_fits(obj, period: StatementPeriod | None) -> bool:
    """Does the entry (or expense) still belong on its draft statement after a change?"""
    if period is None:
        return True
    if obj.client_id != period.client_id or not (
        period.period_start <= obj.date <= period.period_end
    ):
        return False
    return getattr(obj, "billable", True) and getattr(obj, "quote_id", None) is None


@transaction.atomic
def update_time_entry(*, actor, entry: TimeEntry, **fields) -> TimeEntry:
    """Change what was typed. Refused once the entry is on a statement the client has seen."""
    entry = _lock_entry(entry)
    _require_worker(actor, entry.activity)
    _require_unlocked(entry)
    before = snapshot(entry, AUDITED_ENTRY_FIELDS)
    member_before = entry.member_id
    for k, v in fields.items():
        if k not in ENTRY_FIELDS + ["member"]:
            raise ValueError(f"not a time entry field: {k}")
        setattr(entry, k, v)
    if "quote" in fields and entry.quote is not None and "client" not in fields:
        entry.client = entry.quote.client
    _check_entry(entry, check_member=entry.member_id != member_before)
    statement = entry.statement
    if statement is not None and not _still_fits(entry, _period_of(statement)):
        entry.statement = None
    entry.save()
    _audit(
        actor,
        entry,
        "time_changed",
        gettext_noop("Time entry of %(date)s changed: %(duration)s, %(description)s"),
        activity=entry.activity,
        date=entry.date,
        duration=format_minutes(entry.duration),
        description=entry.description[:80],
        before=before,
        after=snapshot(entry, AUDITED_ENTRY_FIELDS),
    )
    if statement is not None:
        _rebuild(actor, statement)
    return entry


@transaction.atomic
def delete_time_entry(*, actor, entry: TimeEntry) -> None:
    entry = _lock_entry(entry)
    _require_worker(actor, entry.activity)
    _require_unlocked(entry)
    statement = entry.statement
    _audit(
        actor,
        entry,
        "time_deleted",
        gettext_noop("Time entry of %(date)s deleted (%(duration)s, %(description)s)"),
        entry.activity,
        date=entry.date,
        duration=format_minutes(entry.duration),
        description=entry.description[:80],
    )
    entry.delete()
    if statement is not None:
        _rebuild(actor, statement)


# --- expenses ---------------------------------------------------------------------------------


def _check_expense(expense: ExpenseEntry) -> None:
    errors: dict[str, str] = {}
    if expense.client is None or expense.client.activity_id != expense.activity_id:
        errors["client"] = _("Choose a client of this activity.")
    if expense.amount is None or expense.amount <= 0:
        errors["amount"] = _("Enter the amount excl. VAT, more than 0.")
    if expense.date and expense.date > timezone.localdate():
        errors["date"] = _("Record an expense once it is paid: the date cannot be in the future.")
    if not (expense.description or "").strip():
        errors["description"] = _("Say what was bought.")
    if expense.vat_rate is None or not (0 <= expense.vat_rate <= 100):
        errors["vat_rate"] = _("Enter a VAT rate between 0 and 100.")
    if errors:
        raise ValidationError(errors)
    expense.description = expense.description.strip()
    expense.full_clean(exclude=["statement"])


def standard_vat_rate(activity) -> Decimal:
    return jurisdictions.get(activity.entity.jurisdiction).vat_rates[0].rate


@transaction.atomic
def add_expense(
    *,
    actor,
    activity,
    client,
    description: str,
    amount: Decimal,
    vat_rate: Decimal | None = None,
    date: datetime.date | None = None,
) -> ExpenseEntry:
    """Record an expense paid for ``client``, to bill back on the next statement."""
    _require_worker(actor, activity)
    expense = ExpenseEntry(
        activity=activity,
        client=client,
        date=date or timezone.localdate(),
        description=description or "",
        amount=amount,
        vat_rate=standard_vat_rate(activity) if vat_rate is None else vat_rate,
    )
    _check_expense(expense)
    expense.save()
    _audit(
        actor,
        expense,
        "expense_added",
        gettext_noop("Expense of %(amount)s EUR for %(client)s: %(description)s"),
        activity,
        amount=str(expense.amount),
        client=client.name,
        description=expense.description[:80],
    )
    return expense


def _lock_expense(expense: ExpenseEntry) -> ExpenseEntry:
    return (
        ExpenseEntry.objects.select_for_update(of=("self",))
        .select_related("activity__entity", "client", "statement")
        .get(pk=expense.pk)
    )


@transaction.atomic
def update_expense(*, actor, expense: ExpenseEntry, **fields) -> ExpenseEntry:
    expense = _lock_expense(expense)
    _require_worker(actor, expense.activity)
    _require_unlocked(expense)
    before = snapshot(expense, EXPENSE_FIELDS)
    for k, v in fields.items():
        if k not in EXPENSE_FIELDS:
            raise ValueError(f"not an expense field: {k}")
        setattr(expense, k, v)
    _check_expense(expense)
    statement = expense.statement
    if statement is not None and not _still_fits(expense, _period_of(statement)):
        expense.statement = None
    expense.save()
    _audit(
        actor,
        expense,
        "expense_changed",
        gettext_noop("Expense of %(date)s changed: %(amount)s EUR, %(description)s"),
        expense.activity,
        date=expense.date,
        amount=str(expense.amount),
        description=expense.description[:80],
        before=before,
        after=snapshot(expense, EXPENSE_FIELDS),
    )
    if statement is not None:
        _rebuild(actor, statement)
    return expense


@transaction.atomic
def delete_expense(*, actor, expense: ExpenseEntry) -> None:
    expense = _lock_expense(expense)
    _require_worker(actor, expense.activity)
    _require_unlocked(expense)
    statement = expense.statement
    _audit(
        actor,
        expense,
        "expense_deleted",
        gettext_noop("Expense of %(date)s deleted (%(amount)s EUR, %(description)s)"),
        expense.activity,
        date=expense.date,
        amount=str(expense.amount),
        description=expense.description[:80],
    )
    expense.delete()
    if statement is not None:
        _rebuild(actor, statement)


# --- statements of work done ------------------------------------------------------------------


def _period_of(statement: Document) -> StatementPeriod | None:
    return StatementPeriod.objects.filter(document_id=statement.pk).first()


def billable_entries(activity, client, period_start, period_end):
    """Time of ``client`` in the period that goes on the next statement (not yet on one)."""
    return TimeEntry.objects.filter(
        activity=activity,
        client=client,
        billable=True,
        statement__isnull=True,
        quote__isnull=True,
        date__range=(period_start, period_end),
    ).select_related("member__user")


def billable_expenses(activity, client, period_start, period_end):
    return ExpenseEntry.objects.filter(
        activity=activity,
        client=client,
        statement__isnull=True,
        date__range=(period_start, period_end),
    )


def _rate_resolver(activity, client):
    fallback = default_rate(activity, client)

    def rate_for(entry: TimeEntry) -> Decimal | None:
        return entry.hourly_rate if entry.hourly_rate is not None else fallback

    return rate_for


def check_period(period_start, period_end) -> None:
    errors = {}
    if period_start is None:
        errors["period_start"] = _("Choose the first day of the period.")
    if period_end is None:
        errors["period_end"] = _("Choose the last day of the period.")
    if not errors and period_end < period_start:
        errors["period_end"] = _("The period ends before it starts.")
    elif not errors and (period_end - period_start).days >= MAX_PERIOD_DAYS:
        errors["period_end"] = _("A statement covers at most one year.")
    if errors:
        raise ValidationError(errors)


def compose_lines(*, activity, client, entries, expenses, group_by: str, language: str):
    """The statement's lines, or a ValidationError naming what is missing (an hourly rate)."""
    rate_for = _rate_resolver(activity, client)
    missing = [e for e in entries if rate_for(e) is None]
    if missing:
        raise ValidationError(
            {
                "hourly_rate": _(
                    "%(count)s entries have no hourly rate: set the rate agreed with %(client)s or "
                    "your activity's default rate first."
                )
                % {"count": len(missing), "client": client.name}
            }
        )
    return statement_lines.statement_lines(
        entries=entries,
        expenses=expenses,
        group_by=group_by,
        vat_rate=standard_vat_rate(activity),
        rate_for=rate_for,
        language=language,
    )


def _title(language: str, period_start, period_end) -> str:
    with translation.override(language):
        return _("Statement of work done from %(start)s to %(end)s") % {
            "start": formats.date_format(period_start, "SHORT_DATE_FORMAT"),
            "end": formats.date_format(period_end, "SHORT_DATE_FORMAT"),
        }


def _language(activity, client) -> str:
    return client.language or activity.document_language


@transaction.atomic
def build_statement(
    *,
    actor,
    activity,
    client,
    period_start: datetime.date,
    period_end: datetime.date,
    group_by: str = GroupBy.WEEK,
) -> Document:
    """A draft statement of work done for ``client`` over the period, from the billable time and
    expenses that are on no statement yet; they are linked to it."""
    _require_worker(actor, activity)
    if client.activity_id != activity.pk:
        raise ValidationError({"client": _("This client belongs to another activity.")})
    if group_by not in GroupBy.values:
        raise ValidationError({"group_by": _("Choose how to group the lines.")})
    check_period(period_start, period_end)
    entries = list(
        billable_entries(activity, client, period_start, period_end).select_for_update(of=("self",))
    )
    expenses = list(
        billable_expenses(activity, client, period_start, period_end).select_for_update()
    )
    if not entries and not expenses:
        raise ValidationError(
            {
                "period": _(
                    "Nothing to put on a statement: %(client)s has no billable time or expense "
                    "between %(start)s and %(end)s that is not already on a statement."
                )
                % {
                    "client": client.name,
                    "start": formats.date_format(period_start, "SHORT_DATE_FORMAT"),
                    "end": formats.date_format(period_end, "SHORT_DATE_FORMAT"),
                }
            }
        )
    language = _language(activity, client)
    lines = compose_lines(
        activity=activity,
        client=client,
        entries=entries,
        expenses=expenses,
        group_by=group_by,
        language=language,
    )
    document = sales.create_document(
        actor=actor,
        activity=activity,
        client=client,
        kind=Kind.STATEMENT,
        lines=lines,
        language=language,
        title=_title(language, period_start, period_end),
    )
    StatementPeriod.objects.create(
        document=document,
        activity=activity,
        client=client,
        period_start=period_start,
        period_end=period_end,
        group_by=group_by,
    )
    TimeEntry.objects.filter(pk__in=[e.pk for e in entries]).update(statement=document)
    ExpenseEntry.objects.filter(pk__in=[e.pk for e in expenses]).update(statement=document)
    minutes = sum(e.duration for e in entries)
    _audit(
        actor,
        document,
        "statement_built",
        gettext_noop(
            "Statement %(document)s built for %(client)s: %(hours)s from %(start)s to %(end)s, "
            "%(expenses)s expenses"
        ),
        activity,
        document=str(document),
        client=client.name,
        hours=format_minutes(minutes),
        start=period_start,
        end=period_end,
        expenses=len(expenses),
    )
    return document


def _rebuild(actor, statement: Document) -> None:
    """Rewrite a draft statement's lines from the entries and expenses still on it."""
    statement = Document.objects.select_related("activity__entity", "client").get(pk=statement.pk)
    if not statement.is_draft:  # pragma: no cover - callers refuse locked entries first
        return
    period = _period_of(statement)
    entries = list(TimeEntry.objects.filter(statement=statement))
    expenses = list(ExpenseEntry.objects.filter(statement=statement))
    lines = compose_lines(
        activity=statement.activity,
        client=statement.client,
        entries=entries,
        expenses=expenses,
        group_by=period.group_by if period else GroupBy.WEEK,
        language=statement.language,
    )
    sales.save_draft(actor=actor, document=statement, lines=lines)


def _lock_statement(statement: Document) -> Document:
    statement = (
        Document.objects.select_for_update()
        .select_related("activity__entity", "client")
        .get(pk=statement.pk)
    )
    if statement.kind != Kind.STATEMENT:
        raise ValidationError(_("This document is not a statement of work done."))
    return statement


@transaction.atomic
def release_statement_entries(*, actor, statement: Document) -> int:
    """Free the entries and expenses of a draft (or refused) statement so they can go on another
    one. Returns how many were freed. Called before a draft statement is deleted."""
    statement = _lock_statement(statement)
    require(actor, "sales.change_document", statement)
    if statement.state not in RELEASABLE:
        raise ValidationError(
            _(
                "Statement %(statement)s is %(state)s: its time stays on it. Only a draft or "
                "refused statement gives its time back."
            )
            % {"statement": statement, "state": statement.get_state_display()}
        )
    freed = TimeEntry.objects.filter(statement=statement).update(statement=None)
    freed += ExpenseEntry.objects.filter(statement=statement).update(statement=None)
    _audit(
        actor,
        statement,
        "statement_released",
        gettext_noop("%(count)s entries taken off statement %(document)s"),
        statement.activity,
        count=freed,
        document=str(statement),
    )
    return freed


@transaction.atomic
def delete_statement(*, actor, statement: Document) -> None:
    """Delete a draft statement; its time and expenses are free again."""
    release_statement_entries(actor=actor, statement=statement)
    sales.delete_draft(actor=actor, document=statement)


@transaction.atomic
def change_statement_state(*, actor, statement: Document, to_state: str) -> Document:
    """Sent to the client, agreed or refused: the sales rules for documents sent for agreement."""
    statement = _lock_statement(statement)
    return sales.change_quote_state(actor=actor, document=statement, to_state=to_state)


@transaction.atomic
def invoice_statement(*, actor, statement: Document) -> Document:
    """One click: the accepted statement becomes an invoice draft with the same lines."""
    statement = _lock_statement(statement)
    return sales.invoice_from_quote(actor=actor, quote=statement, mode="final")
