"""Set-based planning: one ``INSERT … SELECT`` per plan step creates the automated actions of every
document in a range, with the member's preferences applied in the same statement.

Which documents: the newly numbered ones (a range of the gap-free numbering index, see
PlanningCursor), one document (services.refresh_document), or every open document of an entity
(a new or changed plan). Open means: an issued invoice or deposit invoice still awaiting payment, or
a quote sent and not answered yet. ``(document, step)`` is unique, so planning twice inserts nothing
more (``ON CONFLICT DO NOTHING`` / ``INSERT OR IGNORE``).

Dates: ``due_on`` = due date (quotes: the day they were sent) + the step's delay, but never before
``earliest + announce_days``, so an action is always announced before it runs; ``announce_on`` =
``due_on`` − the step's announce days.
"""

from __future__ import annotations

import datetime

from django.db import connection
from django.utils import timezone

from compagnon.sales.models import Document, Kind, PaymentState, State

from .models import (
    ActionState,
    ActivityPreference,
    AutomatedAction,
    ClientPreference,
    PlanStep,
    StepKind,
)

OPEN_PAYMENT = (PaymentState.AWAITING, PaymentState.PARTIAL)
INVOICE_DOCUMENT_KINDS = (Kind.INVOICE, Kind.DEPOSIT)
QUOTE_DOCUMENT_KINDS = (Kind.QUOTE,)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _date_param(value: datetime.date):
    # SQLite stores dates as ISO text (and Python's default sqlite date adapter is deprecated)
    return connection.ops.adapt_datefield_value(value)


def _add_days(column: str, days_sql: str) -> str:
    if connection.vendor == "postgresql":
        return f"({column} + CAST({days_sql} AS integer))"
    return f"date({column}, printf('%%+d days', {days_sql}))"


def _greatest(a: str, b: str) -> str:
    return f"GREATEST({a}, {b})" if connection.vendor == "postgresql" else f"max({a}, {b})"


def _empty_json() -> str:
    return "'{}'::jsonb" if connection.vendor == "postgresql" else "'{}'"


def _insert_head() -> str:
    return "INSERT INTO" if connection.vendor == "postgresql" else "INSERT OR IGNORE INTO"


def _conflict_tail() -> str:
    return " ON CONFLICT DO NOTHING" if connection.vendor == "postgresql" else ""


def insert_actions(step: PlanStep, *, first_order: int, earliest: datetime.date,
                   entity_id: int, series_range: tuple[str, int, int, int] | None = None,
                   document_id: int | None = None) -> int:
    """Plan ``step`` for the open documents of ``entity_id`` (optionally only numbers
    ``(series, year, after, up_to]`` or one document). ``first_order`` is the order of the plan's
    first active step of the same group: later steps start blocked. Returns the rows inserted."""
    action, doc = AutomatedAction._meta.db_table, Document._meta.db_table
    act_pref, client_pref = ActivityPreference._meta.db_table, ClientPreference._meta.db_table
    quote = step.kind == StepKind.QUOTE_FOLLOW_UP
    base_date = "d.issue_date" if quote else "d.due_date"
    due = _greatest(_add_days(base_date, "%(delay)s"), _add_days("%(earliest)s", "%(announce)s"))
    announce = _add_days(due, "-%(announce)s")
    # needs approval: the step says so, the member asks before every step, the member asks before
    # formal notices, or the member never wants this client reminded automatically
    needs = ("(%(requires)s OR COALESCE(ap.ask_before_every_step, %(false)s)"
             " OR (%(is_notice)s AND COALESCE(ap.ask_before_formal_notice, %(true)s))"
             " OR COALESCE(cp.never_remind, %(false)s))")
    where = ["d.entity_id = %(entity)s", "d.kind IN %(kinds)s", "d.state = %(state)s",
             f"{base_date} IS NOT NULL"]
    if not quote:
        where.append("d.payment_state IN %(open)s")
    if series_range is not None:
        where += ["d.series = %(series)s", "d.year = %(year)s", "d.sequence > %(after)s", "d.sequence <= %(upto)s"]
    if document_id is not None:
        where.append("d.id = %(document)s")
    now = timezone.now()
    params = {
        "step": step.pk, "kind": step.kind, "order": step.order, "channel": step.channel,
        "announce": step.announce_days_before, "delay": step.delay_days,
        "earliest": _date_param(earliest), "requires": bool(step.requires_approval or step.kind == StepKind.LITIGATION),
        "is_notice": step.kind == StepKind.FORMAL_NOTICE, "true": True, "false": False,
        "blocked": step.order > first_order, "scheduled": ActionState.SCHEDULED,
        "entity": entity_id, "kinds": tuple(QUOTE_DOCUMENT_KINDS if quote else INVOICE_DOCUMENT_KINDS),
        "state": State.SENT if quote else State.ISSUED, "open": tuple(OPEN_PAYMENT),
        "now": connection.ops.adapt_datetimefield_value(now),
    }
    if series_range is not None:
        params.update(series=series_range[0], year=series_range[1], after=series_range[2], upto=series_range[3])
    if document_id is not None:
        params["document"] = document_id
    columns = ["document_id", "step_id", "entity_id", "activity_id", "client_id", "kind", "order", "channel",
               "announce_days", "due_on", "announce_on", "state", "needs_approval", "paused", "blocked",
               "reason", "result", "letter", "created_at", "updated_at"]
    sql = (
        f"{_insert_head()} {_q(action)} ({', '.join(_q(c) for c in columns)}) "  # noqa: S608 - quoted names, bound values
        f"SELECT d.id, %(step)s, d.entity_id, d.activity_id, d.client_id, %(kind)s, %(order)s, %(channel)s, "
        f"%(announce)s, {due}, {announce}, %(scheduled)s, {needs}, COALESCE(ap.paused, %(false)s), %(blocked)s, "
        f"'', {_empty_json()}, '', %(now)s, %(now)s "
        f"FROM {_q(doc)} d "
        f"LEFT JOIN {_q(act_pref)} ap ON ap.activity_id = d.activity_id "
        f"LEFT JOIN {_q(client_pref)} cp ON cp.client_id = d.client_id "
        f"WHERE {' AND '.join(where)}{_conflict_tail()}"
    )
    with connection.cursor() as cursor:
        cursor.execute(_expand_tuples(sql, params), params)
        return max(cursor.rowcount, 0)


def _expand_tuples(sql: str, params: dict) -> str:
    """``IN %(name)s`` with a tuple: written out as ``IN (%(name_0)s, …)`` (both drivers agree)."""
    for name, value in list(params.items()):
        if isinstance(value, tuple):
            keys = [f"{name}_{i}" for i in range(len(value))]
            for key, item in zip(keys, value, strict=True):
                params[key] = item
            sql = sql.replace(f"%({name})s", "(" + ", ".join(f"%({k})s" for k in keys) + ")")
            del params[name]
    return sql


def first_orders(steps) -> dict[str, int]:
    """The order of the first active step of each group ("invoice", "quote")."""
    out = {}
    for step in steps:
        group = "quote" if step.kind == StepKind.QUOTE_FOLLOW_UP else "invoice"
        out[group] = min(out.get(group, step.order), step.order)
    return out


def group_of(step) -> str:
    return "quote" if step.kind == StepKind.QUOTE_FOLLOW_UP else "invoice"
