"""Pages of the purchase workflow: my supplier invoices, a paper invoice entered with its file beside
the form (above it on a phone), approving, refusing, cancelling; the reviewers' queue; the
invoices to pay put in a transfer batch; the entity's suppliers.

Invoices and suppliers come from the permission layer (404 outside the user's scope); actions
check the rules (403 for a visible invoice the user may not change).
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from compagnon import permissions
from compagnon.core.params import choice_param, paginate, text_param
from compagnon.core.views_helpers import apply_errors, get_or_404, run_action
from compagnon.payouts.models import BatchState, PayoutBatch

from . import categories, payment, selectors, suppliers, vat, workflow
from .forms import DetailsForm, PaperUploadForm, PayForm, ReasonForm, SupplierForm, VatTreatmentForm
from .models import EDITABLE_STATES, SupplierInvoiceKind, SupplierInvoiceState

S = SupplierInvoiceState
INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/webp"}


def invoice_url(invoice) -> str:
    return reverse("supplier-invoice-detail", args=[invoice.activity_id, invoice.pk])


def _staff(user):
    scope = permissions.scope_for(user)
    return scope.is_advisor or bool(permissions.money_entities(user)), bool(permissions.money_entities(user))


@login_required
def home(request):
    """My supplier invoices (the activities I work in), the activities I can add one to, and the
    staff's ways to their queue, the invoices to pay and the suppliers."""
    state = choice_param(request, "state", S.values)
    reviews, books = _staff(request.user)
    activities = [a for a in permissions.activities(request.user).filter(
        memberships__member__user=request.user).distinct().order_by("name")
        if request.user.has_perm("purchases.enter_invoice", a)]
    return render(request, "purchases/home.html", {
        "page": paginate(request, selectors.my_invoices(request.user, state=state), 25),
        "state": state or "", "states": S.choices, "activities": activities,
        "reviews": reviews, "books": books,
        "queue_count": selectors.review_queue(request.user).count() if reviews else 0,
    })


@login_required
def invoice_new(request, pk):
    activity = get_or_404(selectors.activity, request.user, pk)
    if not request.user.has_perm("purchases.enter_invoice", activity):
        raise PermissionDenied(_("Only the holders of this activity can add its supplier invoices."))
    form = PaperUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            invoice = workflow.enter_paper_invoice(actor=request.user, activity=activity,
                                                   uploaded_file=form.cleaned_data["file"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if invoice.is_paper:
                messages.success(request, _("File kept. Check what was read and complete the invoice."))
                return redirect("supplier-invoice-edit", pk=activity.pk, invoice_pk=invoice.pk)
            messages.success(request, _("This PDF is an e-invoice: everything was read from it."))
            return redirect(invoice_url(invoice))
    return render(request, "purchases/invoice_new.html", {"form": form, "activity": activity},
                  status=400 if request.method == "POST" else 200)


def _ids(reading: dict) -> tuple[str, str]:
    """(VAT number, company number) among the identifiers text recognition found."""
    found = reading.get("supplier_ids") or []
    values = found.values() if isinstance(found, dict) else found
    vat = number = ""
    for value in values:
        text = str(value).replace(" ", "").replace(".", "")
        if text[:2].isalpha() and not vat:
            vat = text
        elif text.isdigit() and not number:
            number = text
    return vat, number


def _initial(invoice) -> tuple[dict, bool]:
    """The form's values: what the invoice holds, else what was read from its file (suggested)."""
    initial = {"supplier": invoice.supplier_id, "category": invoice.category, "kind": invoice.kind,
               "number": invoice.number, "issue_date": invoice.issue_date, "due_date": invoice.due_date,
               "payment_reference": invoice.payment_reference, "notes": invoice.notes}
    rows = list(invoice.vat_lines.all())
    for i, row in enumerate(rows[:3]):
        initial[f"vat_rate_{i}"], initial[f"net_{i}"], initial[f"vat_{i}"] = row.rate, row.taxable_amount, \
            row.tax_amount
    reading = invoice.reading or {}
    if not invoice.is_paper or rows or invoice.number or not reading:
        return initial, False
    initial["number"] = reading.get("invoice_number", "")
    try:
        initial["issue_date"] = datetime.date.fromisoformat(reading.get("issue_date") or "")
    except ValueError:
        pass
    for i, line in enumerate((reading.get("vat_lines") or [])[:3]):
        if isinstance(line, list | tuple) and len(line) == 3:
            initial[f"vat_rate_{i}"], initial[f"net_{i}"], initial[f"vat_{i}"] = line
    if not reading.get("vat_lines") and reading.get("total_incl_vat") and reading.get("total_excl_vat"):
        initial["net_0"] = reading["total_excl_vat"]
    if not invoice.supplier_id:
        vat, number = _ids(reading)
        found = suppliers.find(invoice.entity_id, vat_number=vat, company_number=number,
                               name=reading.get("supplier_name", ""))
        initial["supplier"] = found.pk if found else None
        initial["category"] = initial["category"] or (found.category if found else "")
    return initial, True


def _details_form(request, invoice, data=None, initial=None):
    choices = list(selectors.suppliers(request.user).filter(entity_id=invoice.entity_id).values_list("pk", "name"))
    form = DetailsForm(data, initial=initial, supplier_choices=choices,
                       category_choices=categories.choices(invoice.entity.jurisdiction),
                       kind_choices=SupplierInvoiceKind.choices, paper=invoice.is_paper)
    return form, {pk: None for pk, _name in choices}


@login_required
def invoice_edit(request, pk, invoice_pk):
    invoice = get_or_404(selectors.supplier_invoice_detail, request.user, invoice_pk, activity_id=pk)
    if not request.user.has_perm("purchases.change_invoice", invoice):
        raise PermissionDenied(_("Only the holders of this activity can complete its supplier invoices."))
    if invoice.state not in EDITABLE_STATES and not (invoice.is_rejected and invoice.is_paper):
        messages.error(request, _("This invoice is %(state)s: it can no longer be changed.")
                       % {"state": invoice.get_status_display()})
        return redirect(invoice_url(invoice))
    suggested = False
    if request.method == "POST":
        form, allowed = _details_form(request, invoice, request.POST)
        if form.is_valid():
            chosen = form.cleaned_data.get("supplier")
            kwargs = form.service_kwargs({})
            kwargs["supplier"] = (selectors.suppliers(request.user).get(pk=chosen)
                                  if chosen in allowed else None)
            try:
                invoice = workflow.save_details(actor=request.user, invoice=invoice, **kwargs)
                if "approve" in request.POST:
                    invoice = workflow.approve(actor=request.user, invoice=invoice)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, say(invoice))
                return redirect(invoice_url(invoice))
        status = 400
    else:
        initial, suggested = _initial(invoice)
        form, _allowed = _details_form(request, invoice, initial=initial)
        status = 200
    return render(request, "purchases/invoice_edit.html", {
        "invoice": invoice, "activity": invoice.activity, "form": form, "suggested": suggested,
        "threshold": workflow.settings_for(invoice.entity).second_approval_above,
    }, status=status)


def say(invoice) -> str:
    if invoice.state == S.APPROVED:
        return _("Invoice approved and booked: it will be paid when due.")
    if invoice.state == S.TO_APPROVE and invoice.vat_treatment_pending:
        return _("Approved on your side; it looks like a reverse charge: an accountant confirms how its VAT is "
                 "booked.")
    if invoice.state == S.TO_APPROVE:
        return _("Approved on your side; above the threshold, an advisor or accountant approves it too.")
    return _("Invoice saved. Approve it when everything is right.")


@login_required
@xframe_options_sameorigin
def invoice_inline(request, pk, invoice_pk):
    """The file of a paper invoice shown beside the form (PDF or photo only)."""
    invoice = get_or_404(selectors.supplier_invoice_detail, request.user, invoice_pk, activity_id=pk)
    if invoice.file_type not in INLINE_TYPES:
        raise Http404
    response = FileResponse(invoice.file.open("rb"), content_type=invoice.file_type)
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = "inline"
    return response


@login_required
@require_POST
def invoice_approve(request, pk, invoice_pk):
    invoice = get_or_404(selectors.supplier_invoice_detail, request.user, invoice_pk, activity_id=pk)
    return run_action(request, workflow.approve, invoice=invoice, success=say, redirect_to=invoice_url(invoice))


@login_required
@require_POST
def invoice_refuse(request, pk, invoice_pk):
    invoice = get_or_404(selectors.supplier_invoice_detail, request.user, invoice_pk, activity_id=pk)
    form = ReasonForm(request.POST, prefix="refuse")
    form.is_valid()
    return run_action(request, workflow.refuse, invoice=invoice, reason=form.cleaned_data.get("reason", ""),
                      success=_("Invoice refused; the member reads your reason."), redirect_to=invoice_url(invoice))


@login_required
@require_POST
def invoice_cancel(request, pk, invoice_pk):
    invoice = get_or_404(selectors.supplier_invoice_detail, request.user, invoice_pk, activity_id=pk)
    form = ReasonForm(request.POST, prefix="cancel")
    form.is_valid()
    return run_action(request, workflow.cancel, invoice=invoice, reason=form.cleaned_data.get("reason", ""),
                      success=_("Invoice cancelled."), redirect_to=invoice_url(invoice))


@login_required
@require_POST
def invoice_vat_treatment(request, pk, invoice_pk):
    invoice = get_or_404(selectors.supplier_invoice_detail, request.user, invoice_pk, activity_id=pk)
    form = VatTreatmentForm(request.POST, rates=_rates(invoice))
    form.is_valid()
    return run_action(request, vat.confirm, invoice=invoice, treatment=form.cleaned_data.get("treatment", ""),
                      rate=form.cleaned_data.get("rate") or None,
                      success=_("VAT treatment confirmed."), redirect_to=invoice_url(invoice))


def _rates(invoice):
    from compagnon.core import formatting
    from compagnon.jurisdictions import get as jurisdiction

    return [(f"{r.rate.normalize():f}", formatting.percent(r.rate))
            for r in jurisdiction(invoice.entity.jurisdiction).vat_rates]


def _vat_context(user, invoice, editable: bool) -> dict:
    open_ = editable or invoice.status == S.TO_APPROVE
    may = open_ and not invoice.is_rejected and user.has_perm("purchases.set_vat_treatment", invoice)
    rate = invoice.reverse_charge_rate or vat.standard_rate(invoice.entity.jurisdiction)
    initial = {"treatment": invoice.vat_treatment if invoice.vat_treatment_confirmed_at
               else invoice.vat_treatment_suggested, "rate": f"{rate.normalize():f}"}
    return {
        "can_set_vat": may,
        "vat_form": VatTreatmentForm(initial=initial, rates=_rates(invoice)) if may else None,
        "vat_hints": vat.hints_text(invoice),
        "credit_used": payment.credit_used(invoice) if invoice.is_credit_note and invoice.entry_id else None,
    }


def workflow_context(request, invoice) -> dict:
    """What the invoice page shows of the workflow: the actions this user may take, the history."""
    user = request.user
    status = invoice.status
    editable = invoice.state in EDITABLE_STATES or (invoice.is_rejected and invoice.is_paper)
    may_change = user.has_perm("purchases.change_invoice", invoice)
    posted = status == S.APPROVED and invoice.entry_id
    return {
        "can_edit": editable and may_change,
        "can_approve": (editable and not invoice.is_rejected and user.has_perm("purchases.approve_as_member", invoice))
        or (status == S.TO_APPROVE and user.has_perm("purchases.review_invoice", invoice)),
        "can_refuse": status in (S.TO_APPROVE, S.DRAFT) and user.has_perm("purchases.review_invoice", invoice),
        "can_cancel": (posted and user.has_perm("purchases.pay_invoice", invoice.entity))
        or (status in (S.DRAFT, S.TO_APPROVE, S.REFUSED, S.REJECTED)
            and user.has_perm("purchases.cancel_invoice", invoice)),
        "refuse_form": ReasonForm(prefix="refuse"),
        "cancel_form": ReasonForm(prefix="cancel"),
        "category": categories.BY_KEY.get(invoice.category),
        "events": selectors.history(user, invoice),
        "threshold": workflow.settings_for(invoice.entity).second_approval_above,
        **_vat_context(user, invoice, editable),
    }


@login_required
def queue(request):
    reviews, _books = _staff(request.user)
    if not reviews:
        raise Http404
    qs = selectors.review_queue(request.user)
    return render(request, "purchases/queue.html", {"page": paginate(request, qs, 50)})


@login_required
def pay(request):
    """The approved invoices to pay, soonest due first, put in a draft transfer batch."""
    money = permissions.money_entities(request.user)
    if not money:
        raise Http404
    within = choice_param(request, "within", ["7", "30", "all"]) or "7"
    due_by = None if within == "all" else timezone.localdate() + datetime.timedelta(days=int(within))
    waiting = list(selectors.to_pay(request.user, due_by=due_by)[:500])
    batches = PayoutBatch.objects.filter(entity_id__in=money, state=BatchState.DRAFT).select_related("entity")
    form = PayForm(request.POST or None)
    form.fields["batch"].choices = [(str(b.pk), f"{b} — {b.entity.name}") for b in batches]
    form.fields["invoices"].choices = [(str(i.pk), str(i.pk)) for i in waiting]
    if request.method == "POST" and form.is_valid():
        batch = batches.get(pk=form.cleaned_data["batch"])
        chosen = [i for i in waiting if str(i.pk) in form.cleaned_data["invoices"]]
        response = run_action(request, workflow.add_to_batch, batch=batch, invoices=chosen, form=form,
                              success=lambda done: ngettext("%(count)s invoice added to the batch.",
                                                             "%(count)s invoices added to the batch.",
                                                             len(done)) % {"count": len(done)},
                              redirect_to=reverse("purchases-pay") + f"?within={within}")
        if response is not None:
            return response
    return render(request, "purchases/pay.html", {
        "form": form, "waiting": waiting, "batches": batches, "within": within,
        "today": timezone.localdate(), "chosen": request.POST.getlist("invoices"),
    }, status=400 if request.method == "POST" else 200)


# --- suppliers ----------------------------------------------------------------------------------


def _entity_for_new_supplier(request):
    scope = permissions.scope_for(request.user)
    if scope.member_entity_id and scope.member_active:
        return scope.member_entity_id
    money = sorted(permissions.money_entities(request.user))
    return money[0] if money else None


@login_required
def supplier_list(request):
    qs = selectors.suppliers(request.user)
    query = text_param(request.GET, "q", max_length=100)
    if query:
        qs = qs.filter(name__icontains=query)
    return render(request, "purchases/supplier_list.html", {
        "page": paginate(request, qs, 50), "q": query,
        "can_add": _entity_for_new_supplier(request) is not None,
    })


def _supplier_form(request, entity_jurisdiction, data=None, initial=None):
    return SupplierForm(data, initial=initial, category_choices=categories.choices(entity_jurisdiction))


@login_required
def supplier_new(request):
    entity_id = _entity_for_new_supplier(request)
    entity = permissions.entities(request.user).filter(pk=entity_id).first() if entity_id else None
    if entity is None:
        raise Http404
    form = _supplier_form(request, entity.jurisdiction, request.POST or None, initial={"country": entity.jurisdiction})
    if request.method == "POST" and form.is_valid():
        response = run_action(request, suppliers.save_supplier, entity=entity, form=form,
                              success=_("Supplier added."), redirect_to="purchases-suppliers", **form.cleaned_data)
        if response is not None:
            return response
    return render(request, "purchases/supplier_form.html", {"form": form, "entity": entity},
                  status=400 if request.method == "POST" else 200)


@login_required
def supplier_edit(request, pk):
    supplier = get_or_404(selectors.supplier, request.user, pk)
    may_change = request.user.has_perm("purchases.change_supplier", supplier)
    if request.method == "POST" and not may_change:
        raise PermissionDenied(_("Only the accountants change a supplier (its IBAN decides who is paid)."))
    initial = {f: getattr(supplier, f) for f in suppliers.FIELDS}
    form = _supplier_form(request, supplier.entity.jurisdiction, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        response = run_action(request, suppliers.save_supplier, entity=supplier.entity, supplier=supplier, form=form,
                              success=_("Supplier saved."), redirect_to="purchases-suppliers", **form.cleaned_data)
        if response is not None:
            return response
    return render(request, "purchases/supplier_form.html", {
        "form": form, "entity": supplier.entity, "supplier": supplier, "may_change": may_change,
    }, status=400 if request.method == "POST" else 200)
