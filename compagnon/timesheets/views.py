"""Pages: log time and see the week, expenses, hourly rates, statements of work done.

Everything lives under an activity (/activities/<pk>/time/, /activities/<pk>/statements/): the
activity comes from the permission layer (404 outside the user's scope); changing anything needs
to work in it (403 for people who only follow it, e.g. advisors).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon import jurisdictions
from compagnon.core.params import date_param, id_param
from compagnon.core.views_helpers import apply_errors, get_or_404
from compagnon.sales.models import QUOTE_TRANSITIONS, State

from . import selectors, services
from .forms import ExpenseForm, RateForm, StatementForm, TimeEntryForm
from .models import ClientRate, StatementPeriod, TimesheetSettings

INVOICEABLE = (State.ACCEPTED, State.IN_PRODUCTION)


def document_url(document) -> str | None:
    """The sales document page, when the sales app serves one."""
    try:
        return reverse("document-detail", args=[document.pk])
    except NoReverseMatch:
        return None


def _activity(request, pk):
    activity = get_or_404(selectors.activity, request.user, pk)
    activity.can_work = request.user.has_perm("members.work_in_activity", activity)
    return activity


def _require_work(request, activity):
    if not activity.can_work:
        raise PermissionDenied(_("Only the people working in this activity can change its time."))


def _error_messages(request, exc: ValidationError) -> None:
    for msg in exc.messages:
        messages.error(request, msg)


# --- time -------------------------------------------------------------------------------------


def _queued(request) -> bool:
    """A form the phone kept while offline and sends now (core/static/core/offline.js): it wants
    a short JSON answer, not a page."""
    return request.headers.get("X-Compagnon-Queued") == "1"


def _queued_errors(form) -> JsonResponse:
    """What the phone shows next to the entry it could not send: each problem with its field."""
    problems = [
        f"{form.fields[name].label}: {msg}" if name in form.fields else str(msg)
        for name, msgs in form.errors.items()
        for msg in msgs
    ]
    return JsonResponse({"errors": problems}, status=400)


def _entry_form(request, activity, data=None, **kwargs):
    return TimeEntryForm(
        data,
        clients=selectors.clients(request.user, activity.pk),
        quotes=selectors.quotes(request.user, activity.pk),
        **kwargs,
    )


def _week_context(request, activity, day, form=None, saved="", initial=None):
    week = selectors.week(request.user, activity.pk, day)
    if form is None and activity.can_work:
        form = _entry_form(request, activity, initial=initial)  # the date defaults to today
    return {
        "activity": activity,
        "week": week,
        "today": timezone.localdate(),
        "form": form,
        "saved": saved,
        "descriptions": selectors.recent_descriptions(request.user, activity.pk),
    }


@login_required
def time_week(request, pk):
    """The week of entries (totals per day and per client) and the fast "log time" form."""
    activity = _activity(request, pk)
    day = date_param(request, "week") or timezone.localdate()
    if request.method != "POST":
        return render(request, "timesheets/week.html", _week_context(request, activity, day))
    _require_work(request, activity)
    form = _entry_form(request, activity, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.add_time_entry(actor=request.user, activity=activity, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            saved = _("%(duration)s logged on %(date)s.") % {
                "duration": entry.duration_display,
                "date": formats.date_format(entry.date, "DATE_FORMAT"),
            }
            if _queued(request):
                return JsonResponse({"message": saved, "replayed": hasattr(entry, "replayed")})
            if request.htmx:
                return render(
                    request,
                    "timesheets/_time_app.html",
                    # the next entry is often for the same day and client: keep them
                    _week_context(
                        request,
                        activity,
                        entry.date,
                        saved=saved,
                        initial={"date": entry.date, "client": entry.client_id},
                    ),
                )
            messages.success(request, saved)
            return redirect(
                reverse("time-week", args=[activity.pk]) + f"?week={entry.date.isoformat()}"
            )
    if _queued(request):
        return _queued_errors(form)
    day = form.cleaned_data.get("date") or day
    context = _week_context(request, activity, day, form=form)
    if request.htmx:
        # htmx swaps 2xx answers only: the form comes back with its errors and what was typed.
        return render(request, "timesheets/_time_app.html", context)
    return render(request, "timesheets/week.html", context, status=400)


@login_required
def time_entry_edit(request, pk, entry_pk):
    activity = _activity(request, pk)
    entry = get_or_404(selectors.time_entry, request.user, entry_pk, activity_id=activity.pk)
    initial = {
        "date": entry.date,
        "duration": entry.duration,
        "client": entry.client_id,
        "description": entry.description,
        "billable": entry.billable,
        "hourly_rate": entry.hourly_rate,
        "quote": entry.quote_id,
    }
    form = _entry_form(request, activity, request.POST or None, initial=initial)
    del form.fields["client_key"]  # only a new entry gets one
    if request.method == "POST":
        _require_work(request, activity)
        if form.is_valid():
            try:
                services.update_time_entry(actor=request.user, entry=entry, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Time entry saved."))
                return redirect(
                    reverse("time-week", args=[activity.pk]) + f"?week={entry.date.isoformat()}"
                )
    return render(
        request,
        "timesheets/entry_edit.html",
        {
            "activity": activity,
            "entry": entry,
            "form": form,
            "statement_url": document_url(entry.statement) if entry.statement_id else None,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def time_entry_delete(request, pk, entry_pk):
    activity = _activity(request, pk)
    entry = get_or_404(selectors.time_entry, request.user, entry_pk, activity_id=activity.pk)
    _require_work(request, activity)
    try:
        services.delete_time_entry(actor=request.user, entry=entry)
    except ValidationError as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, _("Time entry deleted."))
    return redirect(reverse("time-week", args=[activity.pk]) + f"?week={entry.date.isoformat()}")


# --- expenses ---------------------------------------------------------------------------------


def _expense_form(request, activity, data=None):
    rules = jurisdictions.get(activity.entity.jurisdiction)
    return ExpenseForm(
        data, clients=selectors.clients(request.user, activity.pk), vat_rates=rules.vat_rates
    )


@login_required
def expense_list(request, pk):
    activity = _activity(request, pk)
    form = _expense_form(request, activity, request.POST or None) if activity.can_work else None
    if request.method == "POST":
        _require_work(request, activity)
        if form.is_valid():
            try:
                services.add_expense(actor=request.user, activity=activity, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Expense recorded: it goes on the next statement."))
                return redirect("time-expenses", pk=activity.pk)
    return render(
        request,
        "timesheets/expenses.html",
        {
            "activity": activity,
            "form": form,
            "expenses": selectors.expenses(request.user, activity_id=activity.pk)[:50],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def expense_delete(request, pk, expense_pk):
    activity = _activity(request, pk)
    expense = get_or_404(selectors.expense, request.user, expense_pk, activity_id=activity.pk)
    _require_work(request, activity)
    try:
        services.delete_expense(actor=request.user, expense=expense)
    except ValidationError as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, _("Expense deleted."))
    return redirect("time-expenses", pk=activity.pk)


# --- rates ------------------------------------------------------------------------------------


@login_required
def rates(request, pk):
    activity = _activity(request, pk)
    clients = selectors.clients(request.user, activity.pk)
    form = RateForm(request.POST or None, clients=clients)
    if request.method == "POST":
        _require_work(request, activity)
        if form.is_valid():
            data = form.cleaned_data
            if data["client"] is None and data["hourly_rate"] is None:
                form.add_error("hourly_rate", _("Enter the rate you charge per hour."))
            else:
                try:
                    services.set_hourly_rate(actor=request.user, activity=activity, **data)
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    messages.success(request, _("Hourly rate saved."))
                    return redirect("time-rates", pk=activity.pk)
    default = (
        TimesheetSettings.objects.filter(activity=activity)
        .values_list("hourly_rate", flat=True)
        .first()
    )
    return render(
        request,
        "timesheets/rates.html",
        {
            "activity": activity,
            "form": form,
            "default_rate": default,
            "client_rates": ClientRate.objects.filter(client__in=clients)
            .select_related("client")
            .order_by("client__name"),
        },
        status=400 if request.method == "POST" else 200,
    )


# --- statements -------------------------------------------------------------------------------


def _statement_rows(request, activity):
    rows = list(selectors.statements(request.user, activity.pk)[:50])
    for doc in rows:
        doc.url = document_url(doc)
    return rows


@login_required
def statement_list(request, pk):
    """Choose a client and a period, preview the totals, create the statement; past statements."""
    activity = _activity(request, pk)
    clients = selectors.clients(request.user, activity.pk)
    preview, preview_error = None, None
    if request.method == "POST":
        _require_work(request, activity)
        form = StatementForm(request.POST, clients=clients)
        if form.is_valid():
            data = form.cleaned_data
            try:
                document = services.build_statement(actor=request.user, activity=activity, **data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Statement created for %(client)s. Check it, then send it for agreement.")
                    % {"client": data["client"].name},
                )
                return redirect("time-statement-detail", pk=activity.pk, doc_pk=document.pk)
    elif "client" in request.GET:
        form = StatementForm(request.GET, clients=clients)
        if form.is_valid():
            try:
                preview = selectors.statement_preview(request.user, activity, **form.cleaned_data)
            except ValidationError as exc:
                preview_error = exc.messages
    unbilled = selectors.unbilled_by_client(request.user, activity.pk)
    if request.method != "POST" and "client" not in request.GET:
        client_id = id_param(request, "for")
        initial = {"client": client_id} if client_id else {}
        # from "Not on a statement yet": the period of that client's unbilled time and expenses
        row = next((r for r in unbilled if r["client_id"] == client_id), None) if client_id else None
        if row is not None:
            initial.update(period_start=row["first"], period_end=row["last"])
        form = StatementForm(clients=clients, initial=initial)
    context = {
        "activity": activity,
        "form": form,
        "preview": preview,
        "preview_error": preview_error,
        "statements": _statement_rows(request, activity),
        "unbilled": unbilled,
    }
    if request.htmx and request.htmx.target == "statement-preview":
        return render(request, "timesheets/_statement_preview.html", context)
    return render(
        request,
        "timesheets/statements.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


def _statement(request, pk, doc_pk):
    activity = _activity(request, pk)
    statement = get_or_404(selectors.statement, request.user, activity.pk, doc_pk)
    return activity, statement


@login_required
def statement_detail(request, pk, doc_pk):
    activity, statement = _statement(request, pk, doc_pk)
    state = State(statement.state)
    invoices = list(statement.invoices.order_by("created_at", "id"))
    for invoice in invoices:
        invoice.url = document_url(invoice)
    return render(
        request,
        "timesheets/statement_detail.html",
        {
            "activity": activity,
            "statement": statement,
            "period": StatementPeriod.objects.filter(document=statement).first(),
            "lines": statement.lines.all(),
            "entries": selectors.time_entries(request.user, activity_id=activity.pk)
            .filter(statement=statement)
            .order_by("date", "id"),
            "expenses": selectors.expenses(request.user, activity_id=activity.pk)
            .filter(statement=statement)
            .order_by("date", "id"),
            "document_url": document_url(statement),
            "transitions": [State(s) for s in QUOTE_TRANSITIONS.get(state, [])],
            "can_invoice": state in INVOICEABLE and not invoices,
            "can_release": state == State.REFUSED
            and (
                statement.statement_time_entries.exists() or statement.statement_expenses.exists()
            ),
            "invoices": invoices,
        },
    )


@login_required
@require_POST
def statement_state(request, pk, doc_pk):
    activity, statement = _statement(request, pk, doc_pk)
    _require_work(request, activity)
    to_state = request.POST.get("to_state", "")
    try:
        services.change_statement_state(actor=request.user, statement=statement, to_state=to_state)
    except ValidationError as exc:
        _error_messages(request, exc)
    else:
        messages.success(
            request,
            _("Statement %(statement)s is now %(state)s.")
            % {"statement": statement, "state": State(to_state).label},
        )
    return redirect("time-statement-detail", pk=activity.pk, doc_pk=statement.pk)


@login_required
@require_POST
def statement_invoice(request, pk, doc_pk):
    """One click: the accepted statement becomes an invoice draft."""
    activity, statement = _statement(request, pk, doc_pk)
    _require_work(request, activity)
    try:
        invoice = services.invoice_statement(actor=request.user, statement=statement)
    except ValidationError as exc:
        _error_messages(request, exc)
        return redirect("time-statement-detail", pk=activity.pk, doc_pk=statement.pk)
    messages.success(request, _("Invoice draft created from the statement. Check it and issue it."))
    url = document_url(invoice)
    return (
        redirect(url)
        if url
        else redirect("time-statement-detail", pk=activity.pk, doc_pk=statement.pk)
    )


@login_required
@require_POST
def statement_release(request, pk, doc_pk):
    activity, statement = _statement(request, pk, doc_pk)
    _require_work(request, activity)
    try:
        count = services.release_statement_entries(actor=request.user, statement=statement)
    except ValidationError as exc:
        _error_messages(request, exc)
    else:
        messages.success(
            request, _("%(count)s entries are free again for a new statement.") % {"count": count}
        )
    return redirect("time-statement-detail", pk=activity.pk, doc_pk=statement.pk)


@login_required
@require_POST
def statement_delete(request, pk, doc_pk):
    activity, statement = _statement(request, pk, doc_pk)
    _require_work(request, activity)
    try:
        services.delete_statement(actor=request.user, statement=statement)
    except ValidationError as exc:
        _error_messages(request, exc)
        return redirect("time-statement-detail", pk=activity.pk, doc_pk=statement.pk)
    messages.success(request, _("Draft statement deleted: its time is free again."))
    return redirect("time-statements", pk=activity.pk)
