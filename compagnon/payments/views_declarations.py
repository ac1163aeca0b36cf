"""Pages of payments a member declares received directly: the member's form (from the document's
payment panel), the accountants' queue of open declarations (confirm cash, reject), the photo."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon.core.views_helpers import apply_errors, get_or_404, run_action

from . import declarations, selectors
from .forms import DeclareForm, RejectForm


@login_required
def declare(request, pk):
    """A member declares a payment received directly on one of their activities' invoices."""
    document = get_or_404(selectors.visible_document, request.user, pk)
    if not declarations.may_declare(request.user, document):
        raise PermissionDenied(
            _("Only the members of the activity declare a payment of its unpaid invoices.")
        )
    status = 200
    if request.method == "POST":
        form = DeclareForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                declarations.declare(
                    actor=request.user,
                    document=document,
                    photo=request.FILES.get("photo"),
                    **{k: form.cleaned_data[k] for k in ("amount", "received_on", "means", "note")},
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Payment declared: the invoice shows it as waiting for the bank, "
                        "and its reminders wait too."
                    ),
                )
                return redirect("document-detail", pk=document.pk)
        status = 400
    else:
        form = DeclareForm(
            initial={
                "amount": number_format(document.payable - document.paid_amount, decimal_pos=2),
                "received_on": timezone.localdate(),
            }
        )
    return render(
        request, "payments/declare.html", {"document": document, "form": form}, status=status
    )


@login_required
def queue(request, entity_pk):
    """The accountants' queue: open declarations, oldest first, the late ones flagged."""
    entity = get_or_404(selectors.matching_entity, request.user, entity_pk)
    rows = list(selectors.declaration_queue(entity))
    days = declarations.alert_days([entity.pk])[entity.pk]
    return render(
        request,
        "payments/declarations.html",
        {
            "entity": entity,
            "days": days,
            "here": request.get_full_path(),
            "reject_form": RejectForm(),
            "rows": [(d, declarations.is_late(d, days)) for d in rows],
        },
    )


def _staff(request, pk):
    return get_or_404(selectors.staff_declaration, request.user, pk)


@login_required
@require_POST
def confirm(request, pk):
    d = _staff(request, pk)
    return run_action(
        request,
        declarations.confirm_cash,
        declaration=d,
        success=_("Cash confirmed: %(number)s is paid.") % {"number": d.document.number},
        redirect_to=reverse("payments-declarations", args=[d.entity_id]),
    )


@login_required
@require_POST
def reject(request, pk):
    d = _staff(request, pk)
    form = RejectForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return run_action(
        request,
        declarations.reject,
        declaration=d,
        reason=reason,
        success=_("Declaration rejected: the member reads why."),
        redirect_to=reverse("payments-declarations", args=[d.entity_id]),
    )


@login_required
def photo(request, pk):
    d = get_or_404(selectors.declarations(request.user).get, pk=pk)
    if not d.photo:
        raise Http404
    return FileResponse(
        d.photo.open("rb"), as_attachment=False, filename=d.photo.name.rsplit("/", 1)[-1]
    )
