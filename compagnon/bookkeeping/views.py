"""Pages of manual entries, recurring entries and year closings: the entity's accountants only
(anyone else gets 404, the entity or the entry being outside their scope)."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon.core.params import choice_param, paginate
from compagnon.core.views_helpers import apply_errors, error_messages, get_or_404
from compagnon.ledger.money import ZERO

from . import closing, selectors, services
from .forms import (
    AttachmentForm,
    LineFormSet,
    ManualEntryForm,
    RefuseForm,
    ReverseForm,
    TemplateForm,
    line_initial,
)
from .models import ManualEntryStatus, YearClosing

PAGE_SIZE = 25


def _entity(request, entity_pk):
    return get_or_404(selectors.entities(request.user).get, pk=entity_pk)


def _manual_entry(request, pk):
    return get_or_404(selectors.manual_entries(request.user).get, pk=pk)


@login_required
def index(request):
    """The entities whose books the user keeps, with what waits in each."""
    entities = list(selectors.entities(request.user).order_by("name"))
    if len(entities) == 1:
        return redirect("bookkeeping-entries", entity_pk=entities[0].pk)
    return render(request, "bookkeeping/index.html", {"entities": entities})


# --- manual entries ----------------------------------------------------------------------------


@login_required
def entries(request, entity_pk):
    entity = _entity(request, entity_pk)
    status = choice_param(request, "status", ManualEntryStatus.values)
    qs = selectors.manual_entries(request.user, entity)
    if status:
        qs = qs.filter(status=status)
    page = paginate(request, qs, PAGE_SIZE)
    return render(
        request,
        "bookkeeping/entries.html",
        {
            "entity": entity,
            "page": page,
            "status": status,
            "statuses": ManualEntryStatus.choices,
            "threshold": services.threshold(entity),
        },
    )


def _edit(request, entity, manual_entry=None):
    if manual_entry is not None and not manual_entry.editable:
        messages.error(request, _("Only a draft or a refused entry can be changed."))
        return redirect("bookkeeping-entry", pk=manual_entry.pk)
    initial = (
        {"date": manual_entry.date, "label": manual_entry.label}
        if manual_entry
        else {"date": timezone.localdate()}
    )
    form = ManualEntryForm(request.POST or None, initial=initial)
    formset = LineFormSet(
        request.POST or None,
        entity=entity,
        prefix="lines",
        initial=line_initial(manual_entry.lines.all()) if manual_entry else None,
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            saved = services.save_draft(
                actor=request.user,
                entity=entity,
                manual_entry=manual_entry,
                lines=formset.lines(),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("bookkeeping-entry", pk=saved.pk)
    return render(
        request,
        "bookkeeping/entry_form.html",
        {"entity": entity, "form": form, "formset": formset, "manual_entry": manual_entry},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def entry_new(request, entity_pk):
    return _edit(request, _entity(request, entity_pk))


@login_required
def entry_edit(request, pk):
    manual_entry = _manual_entry(request, pk)
    return _edit(request, manual_entry.entity, manual_entry)


@login_required
def entry_detail(request, pk):
    manual_entry = _manual_entry(request, pk)
    lines = list(manual_entry.lines.all())
    debit = sum((x.debit for x in lines), ZERO)
    credit = sum((x.credit for x in lines), ZERO)
    return render(
        request,
        "bookkeeping/entry_detail.html",
        {
            "entity": manual_entry.entity,
            "m": manual_entry,
            "lines": lines,
            "debit": debit,
            "credit": credit,
            "balanced": debit == credit and debit > 0,
            "threshold": services.threshold(manual_entry.entity),
            "refuse_form": RefuseForm(),
            "reverse_form": ReverseForm(initial={"date": timezone.localdate()}),
            "attachment_form": AttachmentForm(),
        },
    )


def _act(request, pk, fn, success, form_class=None, **kwargs):
    manual_entry = _manual_entry(request, pk)
    if form_class is not None:
        form = form_class(request.POST, request.FILES)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("bookkeeping-entry", pk=pk)
        kwargs.update(form.cleaned_data)
    try:
        fn(actor=request.user, manual_entry=manual_entry, **kwargs)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, success)
    return redirect("bookkeeping-entry", pk=pk)


@login_required
@require_POST
def entry_validate(request, pk):
    return _act(request, pk, services.validate, _("Validation recorded."))


@login_required
@require_POST
def entry_refuse(request, pk):
    return _act(request, pk, services.refuse, _("The entry is refused."), RefuseForm)


@login_required
@require_POST
def entry_reverse(request, pk):
    return _act(request, pk, services.reverse, _("The entry is reversed."), ReverseForm)


@login_required
@require_POST
def entry_attach(request, pk):
    manual_entry = _manual_entry(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to keep with the entry."))
        return redirect("bookkeeping-entry", pk=pk)
    try:
        services.attach(
            actor=request.user, manual_entry=manual_entry, uploaded_file=form.cleaned_data["file"]
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The document is kept with the entry."))
    return redirect("bookkeeping-entry", pk=pk)


@login_required
def attachment_file(request, pk, attachment_pk):
    manual_entry = _manual_entry(request, pk)
    attachment = get_or_404(manual_entry.attachments.get, pk=attachment_pk)
    if not attachment.file:
        raise Http404
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename or "document",
        content_type="application/octet-stream",
    )


@login_required
@require_POST
def entry_delete(request, pk):
    manual_entry = _manual_entry(request, pk)
    entity_pk = manual_entry.entity_id
    try:
        services.delete_draft(actor=request.user, manual_entry=manual_entry)
    except ValidationError as exc:
        error_messages(request, exc)
        return redirect("bookkeeping-entry", pk=pk)
    messages.success(request, _("The draft is deleted."))
    return redirect("bookkeeping-entries", entity_pk=entity_pk)


# --- recurring entries -------------------------------------------------------------------------


@login_required
def recurring(request, entity_pk):
    entity = _entity(request, entity_pk)
    return render(
        request,
        "bookkeeping/recurring.html",
        {"entity": entity, "templates": selectors.templates(request.user, entity)},
    )


def _template_edit(request, entity, template=None):
    initial = (
        {
            k: getattr(template, k)
            for k in ("label", "frequency", "day", "start_date", "end_date", "auto_post", "active")
        }
        if template
        else {"active": True, "day": 1}
    )
    form = TemplateForm(request.POST or None, initial=initial)
    formset = LineFormSet(
        request.POST or None,
        entity=entity,
        prefix="lines",
        initial=line_initial(template.lines.all()) if template else None,
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.save_template(
                actor=request.user,
                entity=entity,
                template=template,
                lines=formset.lines(),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The recurring entry is saved."))
            return redirect("bookkeeping-recurring", entity_pk=entity.pk)
    return render(
        request,
        "bookkeeping/template_form.html",
        {"entity": entity, "form": form, "formset": formset, "template": template},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def recurring_new(request, entity_pk):
    return _template_edit(request, _entity(request, entity_pk))


@login_required
def recurring_edit(request, pk):
    template = get_or_404(selectors.templates(request.user).get, pk=pk)
    return _template_edit(request, template.entity, template)


# --- closing -----------------------------------------------------------------------------------


@login_required
def years(request, entity_pk):
    entity = _entity(request, entity_pk)
    closed = {c.year: c for c in selectors.closings(request.user, entity)}
    rows = [{"year": y, "closing": closed.get(y)} for y in closing.closable_years(entity)]
    return render(request, "bookkeeping/years.html", {"entity": entity, "rows": rows})


@login_required
def close_year(request, entity_pk, year):
    """ "Close year YYYY": what blocks first, in words; the button once nothing does."""
    entity = _entity(request, entity_pk)
    done = YearClosing.objects.filter(entity=entity, year=year).first()
    if done is not None:
        return redirect("bookkeeping-year-summary", entity_pk=entity.pk, year=year)
    if request.method == "POST":
        try:
            closing.close_year(actor=request.user, entity=entity, year=year)
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(
                request, _("The year %(year)s is closed and the next one opened.") % {"year": year}
            )
            return redirect("bookkeeping-year-summary", entity_pk=entity.pk, year=year)
    found = closing.blockers(entity, year)
    preview = None
    if not found:
        preview = _rows(closing.year_figures(entity, year)[1])
    return render(
        request,
        "bookkeeping/close_year.html",
        {"entity": entity, "year": year, "blockers": found, "results": preview},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def year_summary(request, entity_pk, year):
    entity = _entity(request, entity_pk)
    closed = get_or_404(selectors.closings(request.user, entity).get, year=year)
    total = {
        k: sum((_dec(r[k]) for r in closed.results), ZERO) for k in ("income", "expenses", "result")
    }
    return render(
        request,
        "bookkeeping/year_summary.html",
        {"entity": entity, "closing": closed, "results": _rows(closed.results), "total": total},
    )


def _dec(value):
    return Decimal(value)


def _rows(results):
    return [
        {**r, **{k: _dec(r[k]) for k in ("income", "expenses", "operating", "result") if k in r}}
        for r in results
    ]
