from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon import permissions
from compagnon.core.params import int_param, paginate
from compagnon.core.views_helpers import apply_errors, get_or_404

from . import selectors, services
from .forms import JournalFilterForm, PeriodLockForm

PAGE_SIZE = 25


def _visible_entity(request, entity_pk):
    return get_or_404(permissions.entities(request.user).get, pk=entity_pk)


def _books_entity(request, entity_pk):
    """The entity if ``request.user`` keeps its books: 404 when invisible, 403 when visible only."""
    entity = _visible_entity(request, entity_pk)
    if entity.pk not in selectors.books_entity_ids(request.user):
        raise PermissionDenied(
            _("Only the accountants and administrators of %(entity)s read its books.")
            % {"entity": entity.name}
        )
    return entity


@login_required
def ledger_index(request):
    """Where the books of each entity the user belongs to or works for can be read."""
    books = selectors.books_entity_ids(request.user)
    entities = [
        {"entity": e, "books": e.pk in books}
        for e in permissions.entities(request.user).order_by("name")
    ]
    return render(request, "ledger/index.html", {"entities": entities})


@login_required
def activity_accounts(request, pk):
    """An activity's accounts: its figures as tiles, then every line booked on it."""
    activity = get_or_404(permissions.activities(request.user).select_related("entity").get, pk=pk)
    page = paginate(request, selectors.activity_lines(request.user, activity), PAGE_SIZE)
    context = {"activity": activity, "page": page}
    if request.htmx and request.htmx.target == "entry-lines":
        return render(request, "ledger/_activity_lines.html", context)
    context["figures"] = selectors.activity_balances(request.user, activity)
    return render(request, "ledger/activity_accounts.html", context)


@login_required
def journal(request, entity_pk):
    entity = _books_entity(request, entity_pk)
    journals = list(selectors.journals(entity))
    accounts = list(selectors.chart(entity, with_balances=False))
    form = JournalFilterForm(request.GET or None, journals=journals, accounts=accounts)
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    entries = selectors.entity_entries(request.user, entity, **filters)
    page = paginate(request, entries, PAGE_SIZE)
    return render(
        request,
        "ledger/journal.html",
        {
            "entity": entity,
            "form": form,
            "page": page,
            "lock": services.current_lock(entity),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def chart(request, entity_pk):
    """The chart of accounts; with the trial balance for those who keep the books."""
    entity = _visible_entity(request, entity_pk)
    books = entity.pk in selectors.books_entity_ids(request.user)
    accounts = list(selectors.chart(entity, with_balances=books))
    totals = None
    if books:
        for a in accounts:
            a.balance = a.total_debit - a.total_credit
        debit = sum((a.total_debit for a in accounts), 0)
        credit = sum((a.total_credit for a in accounts), 0)
        totals = {"debit": debit, "credit": credit, "difference": debit - credit}
    return render(
        request,
        "ledger/chart.html",
        {
            "entity": entity,
            "accounts": accounts,
            "journals": selectors.journals(entity),
            "books": books,
            "totals": totals,
            "can_install": request.user.has_perm("organisation.change_entity", entity),
        },
    )


@login_required
@require_POST
def chart_install(request, entity_pk):
    entity = _visible_entity(request, entity_pk)
    if not request.user.has_perm("organisation.change_entity", entity):
        raise PermissionDenied
    created = services.ensure_chart(entity, actor=request.user)
    if created:
        messages.success(request, _("The standard chart of accounts is installed."))
    else:
        messages.info(request, _("The chart of accounts was already complete."))
    return redirect("ledger-chart", entity_pk=entity.pk)


@login_required
def period_lock(request, entity_pk):
    entity = _books_entity(request, entity_pk)
    form = PeriodLockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.lock_period(actor=request.user, entity=entity, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The books are closed up to that day."))
            return redirect("ledger-lock", entity_pk=entity.pk)
    return render(
        request,
        "ledger/lock.html",
        {"entity": entity, "form": form, "locks": selectors.locks(entity)[:20]},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def cooperative_figures(request, entity_pk):
    """The cooperative's own figures, for every member of the entity (transparency)."""
    entity = _visible_entity(request, entity_pk)
    years = selectors.entry_years(entity)
    year = int_param(request, "year", default=years[0], min_value=1, max_value=9999)
    if year not in years:
        year = years[0]
    return render(
        request,
        "ledger/cooperative_figures.html",
        {
            "entity": entity,
            "figures": selectors.cooperative_figures(entity, year=year),
            "years": years,
            "year": year,
            "books": entity.pk in selectors.books_entity_ids(request.user),
        },
    )
