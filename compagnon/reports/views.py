"""The reports' pages; ``?format=csv`` streams the same report as CSV, ``?format=pdf`` prints it.

Thin: access (access.py), filters (filters.py, periods.py), then the report functions."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from compagnon import permissions
from compagnon.core.params import int_param
from compagnon.ledger.models import Journal
from compagnon.ledger.selectors import books_entity_ids, entry_years
from compagnon.members.models import Activity

from . import access, books, exports, filters, tables
from .aged import BUCKETS, aged_payables, aged_receivables
from .periods import KINDS, period_param
from .statements import income_statement
from .sums import ANY
from .transparency import transparency
from .vat import vat_report

PAGE = 100


def _respond(request, *, template, context, tables_fn, title, subtitle, filename):
    fmt = filters.format_param(request)
    if fmt == "csv":
        return exports.csv_response(tables_fn(), filename)
    if fmt == "pdf":
        return exports.pdf_response(tables_fn(), title=title, subtitle=subtitle, filename=filename)
    context.update({"title": title, "subtitle": subtitle, "request_query": request.GET.copy()})
    return render(request, template, context)


def _period_context(request, entity, period, activity=None):
    years = entry_years(entity)
    if period.year not in years:
        years = sorted({*years, period.year}, reverse=True)
    ctx = {
        "entity": entity,
        "period": period,
        "years": years,
        "kinds": KINDS,
        "months": range(1, 13),
        "quarters": range(1, 5),
    }
    if activity is not None:
        ctx["activity"] = activity
        ctx["activities"] = (
            Activity.objects.filter(entity=entity).order_by("name").only("pk", "name")
        )
    return ctx


@login_required
def index(request):
    """What the user may read: the books of the entities they keep, their activities' statements."""
    books_ids = books_entity_ids(request.user)
    entities = list(permissions.entities(request.user).order_by("name"))
    activities = list(permissions.activities(request.user).order_by("name")[:200])
    return render(
        request,
        "reports/index.html",
        {
            "books_entities": [e for e in entities if e.pk in books_ids],
            "entities": entities,
            "activities": activities,
        },
    )


@login_required
def trial_balance(request, entity_pk):
    entity = access.books_entity(request.user, entity_pk)
    period = period_param(request)
    activity = filters.activity_param(request, entity)
    tb = books.trial_balance(entity, period, activity=activity)
    ctx = _period_context(request, entity, period, activity)
    ctx.update({"tb": tb, "activity_query": "" if activity is ANY else activity})
    subtitle = " · ".join(
        x for x in (entity.name, period.label, filters.activity_label(entity, activity)) if x
    )
    return _respond(
        request,
        template="reports/trial_balance.html",
        context=ctx,
        tables_fn=lambda: tables.trial_balance_tables(tb),
        title=_("Trial balance"),
        subtitle=subtitle,
        filename=f"trial-balance-{period.slug}",
    )


@login_required
def general_ledger(request, entity_pk, code):
    entity = access.books_entity(request.user, entity_pk)
    account = filters.account_of(entity, code)
    if account is None:
        raise Http404
    period = period_param(request)
    activity = filters.activity_param(request, entity)
    title = _("General ledger of %(account)s") % {"account": f"{account.code} {account.label}"}
    subtitle = " · ".join(
        x for x in (entity.name, period.label, filters.activity_label(entity, activity)) if x
    )
    fmt = filters.format_param(request)
    page = None
    if fmt == "html":
        page = books.general_ledger(
            entity,
            account,
            period,
            activity=activity,
            after=filters.after_param(request),
            limit=PAGE,
        )
        for line in page.lines:
            line.entry_url = books.entry_url(entity.pk, line.entry)
    ctx = _period_context(request, entity, period, activity)
    ctx.update(
        {"account": account, "page": page, "activity_query": "" if activity is ANY else activity}
    )
    return _respond(
        request,
        template="reports/general_ledger.html",
        context=ctx,
        tables_fn=lambda: tables.general_ledger_tables(entity, account, period, activity),
        title=title,
        subtitle=subtitle,
        filename=f"ledger-{account.code}-{period.slug}",
    )


@login_required
def journals(request, entity_pk, code=""):
    entity = access.books_entity(request.user, entity_pk)
    all_journals = list(Journal.objects.filter(entity=entity).order_by("code"))
    journal = (
        filters.journal_of(entity, code) if code else (all_journals[0] if all_journals else None)
    )
    if code and journal is None:
        raise Http404
    period = period_param(request)
    ctx = _period_context(request, entity, period)
    ctx.update({"journals": all_journals, "journal": journal, "page": None})
    if journal is None:
        return render(
            request,
            "reports/journal.html",
            {**ctx, "title": _("Journals"), "subtitle": entity.name},
        )
    fmt = filters.format_param(request)
    if fmt == "html":
        page = books.journal_page(
            entity, journal, period, after=filters.after_param(request), limit=PAGE // 2
        )
        for entry in page.entries:
            entry.url = books.entry_url(entity.pk, entry)
        ctx["page"] = page
    return _respond(
        request,
        template="reports/journal.html",
        context=ctx,
        tables_fn=lambda: tables.journal_tables(entity, journal, period),
        title=_("Journal %(journal)s") % {"journal": f"{journal.code} {journal.label}"},
        subtitle=f"{entity.name} · {period.label}",
        filename=f"journal-{journal.code}-{period.slug}",
    )


def _aged(request, entity_pk, *, payables: bool):
    entity = access.books_entity(request.user, entity_pk)
    as_of = filters.as_of_param(request)
    aged = (aged_payables if payables else aged_receivables)(entity, as_of)
    title = _("Aged payables") if payables else _("Aged receivables")
    from django.utils.formats import date_format

    subtitle = _("%(entity)s, on %(date)s") % {
        "entity": entity.name,
        "date": date_format(as_of, "SHORT_DATE_FORMAT"),
    }
    return _respond(
        request,
        template="reports/aged.html",
        context={
            "entity": entity,
            "aged": aged,
            "buckets": BUCKETS,
            "payables": payables,
            "as_of": as_of,
        },
        tables_fn=lambda: tables.aged_tables(aged, title),
        title=title,
        subtitle=subtitle,
        filename=f"{'payables' if payables else 'receivables'}-{as_of:%Y%m%d}",
    )


@login_required
def receivables(request, entity_pk):
    return _aged(request, entity_pk, payables=False)


@login_required
def payables(request, entity_pk):
    return _aged(request, entity_pk, payables=True)


@login_required
def vat(request, entity_pk):
    entity = access.books_entity(request.user, entity_pk)
    period = period_param(request)
    report = vat_report(entity, period)
    ctx = _period_context(request, entity, period)
    ctx["report"] = report
    return _respond(
        request,
        template="reports/vat.html",
        context=ctx,
        tables_fn=lambda: tables.vat_tables(report),
        title=_("VAT by rate and category"),
        subtitle=f"{entity.name} · {period.label}",
        filename=f"vat-{period.slug}",
    )


@login_required
def entity_statement(request, entity_pk):
    """The income statement of the entity, of its own lines or of one activity (accountants)."""
    entity = access.books_entity(request.user, entity_pk)
    period = period_param(request)
    activity = filters.activity_param(request, entity)
    statement = income_statement(entity, period, activity=activity)
    ctx = _period_context(request, entity, period, activity)
    ctx.update({"statement": statement, "activity_query": "" if activity is ANY else activity})
    label = filters.activity_label(entity, activity)
    return _respond(
        request,
        template="reports/statement.html",
        context=ctx,
        tables_fn=lambda: tables.statement_tables(statement, _("Income statement")),
        title=_("Income statement"),
        subtitle=" · ".join(x for x in (entity.name, period.label, label) if x),
        filename=f"income-statement-{period.slug}",
    )


@login_required
def activity_statement(request, pk):
    """An activity's income statement, for whoever sees the activity (its members first)."""
    activity = access.visible_activity(request.user, pk)
    entity = activity.entity
    period = period_param(request)
    statement = income_statement(entity, period, activity=activity.pk)
    ctx = _period_context(request, entity, period)
    ctx.update({"statement": statement, "the_activity": activity})
    return _respond(
        request,
        template="reports/statement.html",
        context=ctx,
        tables_fn=lambda: tables.statement_tables(statement, activity.name),
        title=_("Income statement of %(activity)s") % {"activity": activity.name},
        subtitle=f"{entity.name} · {period.label}",
        filename=f"income-statement-{activity.pk}-{period.slug}",
    )


@login_required
def transparency_page(request, entity_pk):
    """The cooperative's figures of the year, for every member (replaces the ledger's page at the
    same address, with the same figures and more)."""
    entity = access.visible_entity(request.user, entity_pk)
    years = entry_years(entity)
    year = int_param(request, "year", default=years[0], min_value=1, max_value=9999)
    if year not in years:
        year = years[0]
    data = transparency(entity, year)
    return _respond(
        request,
        template="reports/transparency.html",
        context={
            "entity": entity,
            "data": data,
            "figures": data["figures"],
            "years": years,
            "year": year,
            "books": entity.pk in books_entity_ids(request.user),
        },
        tables_fn=lambda: tables.transparency_tables(data),
        title=_("The figures of %(name)s") % {"name": entity.name},
        subtitle=str(year),
        filename=f"cooperative-{year}",
    )
