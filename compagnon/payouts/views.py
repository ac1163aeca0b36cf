"""Pages of outgoing transfer batches: for the accountants and administrators of an entity only;
anyone else gets 404 on every page (the batches do not exist for them)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon import permissions
from compagnon.core.params import choice_param, id_param, paginate, text_param
from compagnon.core.views_helpers import apply_errors, get_or_404, run_action

from . import checks, matching, selectors, services, settlement
from .forms import BatchEditForm, BatchForm, LineForm, RefundForm
from .models import BatchState, LineState

LINE_FIELDS = ["creditor_name", "iban", "bic", "amount", "remittance_kind", "remittance", "end_to_end_id"]
CANDIDATES_SHOWN = 30


def _require_money_staff(request) -> None:
    if not permissions.money_entities(request.user):
        raise Http404


@login_required
def batch_list(request):
    _require_money_staff(request)
    state = choice_param(request, "state", BatchState.values)
    entities = list(selectors.entities(request.user))
    entity_id = id_param(request, "entity")
    page = paginate(request, selectors.batch_list(request.user, state=state, entity_id=entity_id), 25)
    return render(request, "payouts/batch_list.html", {
        "page": page,
        "state": state,
        "states": BatchState.choices,
        "entities": entities,
        "entity_id": entity_id,
    })


@login_required
def batch_create(request):
    _require_money_staff(request)
    accounts = selectors.accounts(request.user)
    form = BatchForm(request.POST or None, accounts=accounts)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.create_batch(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Batch prepared: add the transfers to make."))
            return redirect("payout-batch-detail", pk=batch.pk)
    return render(request, "payouts/batch_form.html", {"form": form, "has_accounts": accounts.exists()},
                  status=400 if request.method == "POST" else 200)


def _batch(request, pk):
    return get_or_404(selectors.batch_detail, request.user, pk)


def _detail_context(request, batch, *, errors=None, edit_form=None) -> dict:
    lines = list(selectors.lines(batch))
    search = text_param(request, "q")
    context = {
        "batch": batch,
        "lines": lines,
        "total": sum(line.amount for line in lines),
        "errors": errors or {},
        "error_lines": {key.split(".")[1] for key in (errors or {}) if key.startswith("lines.")},
        "events": selectors.batch_history(request.user, batch),
        "q": search,
    }
    for line in lines:
        line.reference = checks.display_remittance(line.remittance_kind, line.remittance)
    context["cancellable_sent"] = batch.state == BatchState.SENT and all(
        line.state == LineState.SENT for line in lines)
    if batch.is_draft:
        candidates = selectors.refund_candidates(request.user, batch, search=search)
        context["candidates"] = list(candidates[:CANDIDATES_SHOWN])
        context["more_candidates"] = len(context["candidates"]) == CANDIDATES_SHOWN
        context["edit_form"] = edit_form or BatchEditForm(initial={
            "requested_execution_date": batch.requested_execution_date, "scheme": batch.scheme})
    return context


@login_required
def batch_detail(request, pk):
    batch = _batch(request, pk)
    return render(request, "payouts/batch_detail.html", _detail_context(request, batch))


@login_required
@require_POST
def batch_edit(request, pk):
    batch = _batch(request, pk)
    form = BatchEditForm(request.POST)
    if form.is_valid():
        response = run_action(request, services.update_batch, form=form, batch=batch, success=_("Batch saved."),
                              redirect_to=reverse("payout-batch-detail", args=[batch.pk]), **form.cleaned_data)
        if response:
            return response
    return render(request, "payouts/batch_detail.html", _detail_context(request, batch, edit_form=form), status=400)


def _line_page(request, batch, form, *, note=None):
    return render(request, "payouts/line_form.html", {"batch": batch, "form": form, "note": note},
                  status=400 if request.method == "POST" else 200)


@login_required
def refund_add(request, pk, document_pk):
    batch = _batch(request, pk)
    note = get_or_404(selectors.refund_candidate, request.user, batch, document_pk)
    if not batch.is_draft:
        messages.error(request, _("This batch is no longer a draft: its transfers can no longer change."))
        return redirect("payout-batch-detail", pk=batch.pk)
    known = selectors.known_iban(note.client) if request.method == "GET" else ""
    form = RefundForm(request.POST or None, initial={
        "creditor_name": note.client.name[: checks.NAME_MAX],
        "iban": known,
        "amount": note.payable if note.payable > 0 else note.tax_inclusive,
        "remittance": services.refund_text(note),
    })
    if request.method == "POST" and form.is_valid():
        response = run_action(request, services.add_refund_line, form=form, batch=batch, credit_note=note,
                              success=_("Refund of credit note %(number)s added.") % {"number": note.number},
                              redirect_to=reverse("payout-batch-detail", args=[batch.pk]) + "#lines",
                              **form.cleaned_data)
        if response:
            return response
    return _line_page(request, batch, form, note=note)


@login_required
def line_add(request, pk):
    batch = _batch(request, pk)
    if not batch.is_draft:
        messages.error(request, _("This batch is no longer a draft: its transfers can no longer change."))
        return redirect("payout-batch-detail", pk=batch.pk)
    form = LineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        response = run_action(request, services.add_line, form=form, batch=batch, success=_("Transfer added."),
                              redirect_to=reverse("payout-batch-detail", args=[batch.pk]) + "#lines",
                              **form.cleaned_data)
        if response:
            return response
    return _line_page(request, batch, form)


@login_required
@require_POST
def line_remove(request, pk, line_pk):
    batch = _batch(request, pk)
    line = get_or_404(selectors.line_detail, batch, line_pk)
    return run_action(request, services.remove_line, line=line,
                      success=_("Transfer to %(name)s removed.") % {"name": line.creditor_name},
                      redirect_to=reverse("payout-batch-detail", args=[batch.pk]) + "#lines")


@login_required
@require_POST
def batch_generate(request, pk):
    batch = _batch(request, pk)
    try:
        batch = services.generate(actor=request.user, batch=batch)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"file": exc.messages}
        return render(request, "payouts/batch_detail.html", _detail_context(request, batch, errors=errors),
                      status=400)
    messages.success(request, _("The file is ready: download it and upload it to the bank, then mark the batch "
                                "as sent."))
    return redirect("payout-batch-detail", pk=batch.pk)


@login_required
def batch_download(request, pk):
    batch = _batch(request, pk)
    if not batch.has_file:
        raise Http404
    try:
        data = services.file_content(batch)
    except services.FileChanged:
        return HttpResponse(_("The kept file no longer matches the fingerprint recorded when it was generated: "
                              "it was changed since. Do not use it; cancel the batch and prepare a new one."),
                            status=409, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{batch.filename}"'
    return response


@login_required
@require_POST
def batch_mark_sent(request, pk):
    batch = _batch(request, pk)
    return run_action(request, services.mark_sent, batch=batch, success=_("Batch marked as sent to the bank."),
                      redirect_to=reverse("payout-batch-detail", args=[batch.pk]))


@login_required
@require_POST
def batch_cancel(request, pk):
    batch = _batch(request, pk)
    return run_action(request, services.cancel, batch=batch, success=_("Batch cancelled."),
                      redirect_to=reverse("payout-batch-detail", args=[batch.pk]))


# --- the bank's answer ------------------------------------------------------------------------

QUEUE_PAGE = 20


@login_required
def outgoing_queue(request):
    """Money that left the accounts and no transfer explains yet, with the transfers on their way
    it may be: one tap confirms."""
    _require_money_staff(request)
    entities = list(selectors.entities(request.user))
    entity_id = id_param(request, "entity")
    page = paginate(request, selectors.unmatched_outgoing(request.user, entity_id=entity_id), QUEUE_PAGE)
    found = matching.suggestions(list(page.object_list))
    rows = [(t, found.get(t.pk, [])) for t in page.object_list]
    return render(request, "payouts/outgoing.html", {
        "page": page, "rows": rows, "entities": entities, "entity_id": entity_id,
        "in_transit": selectors.in_transit(request.user).count(),
    })


@login_required
@require_POST
def outgoing_confirm(request, transaction_pk):
    _require_money_staff(request)
    t = get_or_404(selectors.unmatched_transaction, request.user, transaction_pk)
    ids = [int(x) for x in request.POST.getlist("lines") if x.isdigit()]
    lines = list(selectors.in_transit(request.user).filter(pk__in=ids))
    if not lines or len(lines) != len(set(ids)):
        raise Http404
    return run_action(request, settlement.settle, lines=lines, transaction=t,
                      success=lambda done: _("Bank line matched: %(names)s paid.")
                      % {"names": ", ".join(line.creditor_name for line in done)},
                      redirect_to=reverse("payout-outgoing"))


@login_required
@require_POST
def line_reject(request, pk, line_pk):
    batch = _batch(request, pk)
    line = get_or_404(selectors.line_detail, batch, line_pk)
    return run_action(request, settlement.record_return, line=line, reason=request.POST.get("reason", ""),
                      success=_("Rejection recorded: what the transfer paid is open again."),
                      redirect_to=reverse("payout-batch-detail", args=[batch.pk]) + "#lines")


@login_required
def line_returned(request, pk, line_pk):
    """A paid transfer came back: choose the money-in bank line that brought it."""
    batch = _batch(request, pk)
    line = get_or_404(selectors.line_detail, batch, line_pk)
    if request.method == "POST":
        raw = request.POST.get("transaction", "")
        t = get_or_404(selectors.returnable_incoming(request.user, line).get, pk=int(raw) if raw.isdigit() else 0)
        return run_action(request, settlement.record_return, line=line, transaction=t,
                          reason=request.POST.get("reason", "") or t.remittance[:300],
                          success=_("Return recorded: what the transfer paid is open again."),
                          redirect_to=reverse("payout-batch-detail", args=[batch.pk]) + "#lines")
    return render(request, "payouts/line_returned.html", {
        "batch": batch, "line": line, "candidates": list(selectors.returnable_incoming(request.user, line)[:20])})
