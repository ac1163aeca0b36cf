"""Pages: my claims and their states, a new claim from the phone (photo or PDF, a trip, a meal
allowance), one claim, the advisors' and bookkeepers' queue, paying approved claims back in a
transfer batch, and the member's reimbursement account.

Claims come from the permission layer (404 outside the user's scope); actions check the rules
(403 for a visible claim the user may not change). A form sent from the phone's offline queue
(``X-Compagnon-Queued: 1``) gets a short JSON answer instead of a page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon.core.params import choice_param, id_param, paginate
from compagnon.core.views_helpers import apply_errors, get_or_404, run_action
from compagnon.payouts.models import BatchState, PayoutBatch

from . import later, permissions_for, receipts, selectors, services
from .forms import BankAccountForm, ClaimForm, RefuseForm, ReimburseForm
from .models import ClaimState


def _queued(request) -> bool:
    return request.headers.get("X-Compagnon-Queued") == "1"


def _queued_errors(form) -> JsonResponse:
    problems = [f"{form.fields[name].label}: {msg}" if name in form.fields and form.fields[name].label else str(msg)
                for name, msgs in form.errors.items() for msg in msgs]
    return JsonResponse({"errors": problems}, status=400)


@login_required
def claim_list(request):
    state = choice_param(request, "state", ClaimState.values)
    qs = selectors.claim_list(request.user, state=state, mine=True)
    scope = permissions_for(request.user)
    return render(request, "expenses/claim_list.html", {
        "page": paginate(request, qs, 25),
        "state": state or "",
        "states": ClaimState.choices,
        "activities": [a for a in selectors.my_activities(request.user) if services.may_claim(request.user, a)],
        "account": selectors.my_bank_account(request.user),
        "reviews": scope.is_advisor or bool(scope.money),
        "books": bool(scope.money),
    })


def _form(request, activity, data=None, files=None, **kwargs):
    clients = list(selectors.clients_of(request.user, activity.pk))
    return ClaimForm(data, files, activity=activity, clients=clients, **kwargs), {str(c.pk): c for c in clients}


def _form_page(request, context, status=200):
    return render(request, "expenses/claim_form.html", {**context, "reading_on": receipts.reading_on()}, status=status)


@login_required
def claim_new(request, pk):
    activity = get_or_404(selectors.activity, request.user, pk)
    if not services.may_claim(request.user, activity):
        raise PermissionDenied(_("Only the members working in this activity claim its expenses."))
    if request.method != "POST":
        form, _clients = _form(request, activity)
        return _form_page(request, {"form": form, "activity": activity})
    form, clients = _form(request, activity, request.POST, request.FILES)
    if form.is_valid():
        try:
            claim = services.save_claim(actor=request.user, activity=activity, client_key=form.cleaned_data["client_key"],
                                        submit="submit" in request.POST or _queued(request),
                                        **form.service_kwargs(clients))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            text = _say(claim)
            if _queued(request):
                return JsonResponse({"message": text, "url": claim_url(claim), "replayed": hasattr(claim, "replayed")})
            messages.success(request, text)
            if claim.duplicate_of_id:
                messages.warning(request, _duplicate_text(claim))
            return redirect("expense-detail", pk=claim.pk)
    if _queued(request):
        kept = _keep_for_later(request, activity, form, clients)
        return kept or _queued_errors(form)
    return _form_page(request, {"form": form, "activity": activity}, status=400)


def _keep_for_later(request, activity, form, clients):
    """A receipt sent from the offline queue without its amount: kept as a draft whose photo is read
    in the worker (later.py), rather than refused on a phone that may no longer have the photo."""
    upload = request.FILES.get("receipt")
    if (upload is None or request.POST.get("kind", "receipt") != "receipt"
            or (request.POST.get("amount") or "").strip()):
        return None
    data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    client = clients.get(str(data.get("client") or request.POST.get("client") or ""))
    try:
        claim = later.keep_for_later(actor=request.user, activity=activity, receipt=upload, date=data.get("date"),
                                     description=data.get("description") or "", client=client,
                                     client_key=data.get("client_key"))
    except ValidationError:
        return None
    return JsonResponse({"message": _("Photo of the receipt kept: Compagnon reads it and tells you when the claim "
                                      "is ready for you to check and send."),
                         "url": claim_url(claim), "replayed": hasattr(claim, "replayed"), "kept": True})


def claim_url(claim):
    return reverse("expense-detail", args=[claim.pk])


def _say(claim) -> str:
    if claim.state == ClaimState.APPROVED:
        return _("Claim of %(amount)s € approved: it will be paid back with the next transfers.") % {"amount": claim.amount}
    if claim.state == ClaimState.SUBMITTED:
        return _("Claim of %(amount)s € sent for approval.") % {"amount": claim.amount}
    return _("Claim of %(amount)s € kept as a draft.") % {"amount": claim.amount}


def _duplicate_text(claim) -> str:
    other = claim.duplicate_of
    if claim.duplicate_reason == "file":
        return _("This receipt looks like the one of claim %(number)s (the same file). If it is a mistake, delete "
                 "one of them.") % {"number": other.pk if other else "?"}
    return _("Claim %(number)s has the same amount, date and supplier: is it the same expense?") % {
        "number": other.pk if other else "?"}


@login_required
def claim_edit(request, pk):
    claim = get_or_404(selectors.claim_detail, request.user, pk)
    if not request.user.has_perm("expenses.change_claim", claim):
        raise PermissionDenied(_("Only the member who made this claim can change it."))
    if claim.state not in services.EDITABLE:
        messages.error(request, _("This claim is %(state)s: it can no longer be changed.") % {
            "state": claim.get_status_display()})
        return redirect("expense-detail", pk=claim.pk)
    activity = claim.activity
    if request.method != "POST":
        initial = {f: getattr(claim, f) for f in ("kind", "date", "supplier", "category", "amount", "vat_recoverable",
                                                  "description", "project", "origin", "destination", "distance_km",
                                                  "vehicle", "fiscal_power", "electric", "meals", "meal_rate")}
        initial["client"] = str(claim.client_id or "")
        if not claim.amount:  # a photo kept for later, not read yet: an empty field, not "0.00"
            initial["amount"] = ""
        for i, line in enumerate(claim.vat_lines.all()[:3]):
            initial[f"vat_rate_{i}"], initial[f"vat_amount_{i}"] = line.rate, line.tax_amount
        form, _clients = _form(request, activity, initial=initial)
        return _form_page(request, {"form": form, "activity": activity, "claim": claim})
    form, clients = _form(request, activity, request.POST, request.FILES)
    if form.is_valid():
        try:
            claim = services.save_claim(actor=request.user, activity=activity, claim=claim,
                                        submit="submit" in request.POST, **form.service_kwargs(clients))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _say(claim))
            return redirect("expense-detail", pk=claim.pk)
    return _form_page(request, {"form": form, "activity": activity, "claim": claim}, status=400)


@login_required
def claim_detail(request, pk):
    claim = get_or_404(selectors.claim_detail, request.user, pk)
    user = request.user
    return render(request, "expenses/claim_detail.html", {
        "claim": claim,
        "vat_lines": list(claim.vat_lines.all()),
        "mine": user.has_perm("expenses.change_claim", claim),
        "can_review": claim.state == ClaimState.SUBMITTED and services.may_review(user, claim),
        "refuse_form": RefuseForm(),
        "duplicate": _duplicate_text(claim) if claim.duplicate_of_id else "",
    })


@login_required
@require_POST
def claim_submit(request, pk):
    claim = get_or_404(selectors.claim_detail, request.user, pk)
    response = run_action(request, services.submit_claim, claim=claim, success=_say,
                          redirect_to=claim_url(claim))
    return response


@login_required
@require_POST
def claim_delete(request, pk):
    claim = get_or_404(selectors.claim_detail, request.user, pk)
    return run_action(request, services.delete_claim, claim=claim, success=_("Draft deleted."),
                      redirect_to="expense-list")


@login_required
@require_POST
def claim_approve(request, pk):
    claim = get_or_404(selectors.claim_detail, request.user, pk)
    return run_action(request, services.approve_claim, claim=claim,
                      success=_("Claim approved and booked."), redirect_to="expense-review")


@login_required
@require_POST
def claim_refuse(request, pk):
    claim = get_or_404(selectors.claim_detail, request.user, pk)
    form = RefuseForm(request.POST)
    if form.is_valid():
        response = run_action(request, services.refuse_claim, claim=claim, reason=form.cleaned_data["reason"],
                              success=_("Claim refused; the member reads your reason."), redirect_to="expense-review",
                              form=form)
        if response is not None:
            return response
    return render(request, "expenses/claim_detail.html", {
        "claim": claim, "vat_lines": list(claim.vat_lines.all()), "mine": False,
        "can_review": services.may_review(request.user, claim), "refuse_form": form,
        "duplicate": _duplicate_text(claim) if claim.duplicate_of_id else "",
    }, status=400)


def _file(claim, which):
    field = claim.receipt if which == "receipt" else claim.preview
    if not field:
        raise Http404
    if which == "receipt":
        return FileResponse(field.open("rb"), as_attachment=True, filename=claim.receipt_name or "receipt",
                            content_type=claim.receipt_type or "application/octet-stream")
    response = FileResponse(field.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def claim_receipt(request, pk):
    return _file(get_or_404(selectors.claim_detail, request.user, pk), "receipt")


@login_required
def claim_preview(request, pk):
    return _file(get_or_404(selectors.claim_detail, request.user, pk), "preview")


@login_required
@require_POST
def claim_suggest(request, pk):
    """What the receipt says, for the member to confirm: a Factur-X PDF at once (its XML is read
    first, it is exact); a photo or another PDF is read in the background, and the answer gives
    the address to poll (``reading``). ``off``: photos are not read on this server."""
    activity = get_or_404(selectors.activity, request.user, pk)
    if not services.may_claim(request.user, activity):
        raise PermissionDenied
    upload = request.FILES.get("receipt")
    data = upload.read(receipts.MAX_BYTES + 1) if upload else b""
    suggestion = receipts.facturx_suggestion(data, upload.name if upload else "") if data else None
    if suggestion or not data:
        return JsonResponse({"suggestion": suggestion, "reading": None, "off": False})
    job = receipts.start_reading(request.user, data)
    return JsonResponse({"suggestion": None, "reading": reverse("ocr-reading", args=[job.pk]) if job else None,
                         "off": job is None and not receipts.reading_on()})


@login_required
def review(request):
    scope = permissions_for(request.user)
    if not (scope.is_advisor or scope.money):
        raise Http404
    office = id_param(request, "office")
    qs = selectors.review_queue(request.user, office_id=office)
    return render(request, "expenses/review.html", {
        "page": paginate(request, qs, 50),
        "offices": selectors.review_offices(request.user),
        "office": office,
        "accounts": selectors.bank_accounts_to_validate(request.user),
    })


@login_required
def reimburse(request):
    scope = permissions_for(request.user)
    if not scope.money:
        raise Http404
    batches = PayoutBatch.objects.filter(entity_id__in=scope.money, state=BatchState.DRAFT).select_related("entity")
    waiting = list(services.to_reimburse(scope.money).select_related("member__user", "activity", "entity"))
    form = ReimburseForm(request.POST or None)
    form.fields["batch"].choices = [(str(b.pk), f"{b} — {b.entity.name}") for b in batches]
    form.fields["claims"].choices = [(str(c.pk), f"{c.pk} · {c.member} · {c.amount} €") for c in waiting]
    if request.method == "POST" and form.is_valid():
        batch = batches.get(pk=form.cleaned_data["batch"])
        chosen = [c for c in waiting if str(c.pk) in form.cleaned_data["claims"]]
        response = run_action(request, services.add_to_batch, batch=batch, claims=chosen, form=form,
                              success=lambda done: _("%(count)s claims added to the batch.") % {"count": len(done)},
                              redirect_to="expense-reimburse")
        if response is not None:
            return response
    return render(request, "expenses/reimburse.html", {"form": form, "waiting": waiting, "batches": batches},
                  status=400 if request.method == "POST" else 200)


@login_required
def bank_account(request):
    member = selectors.member_of(request.user)
    if member is None:
        raise Http404
    account = selectors.my_bank_account(request.user)
    initial = {"holder": account.holder, "iban": account.iban, "bic": account.bic} if account else {
        "holder": request.user.get_full_name()}
    form = BankAccountForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        response = run_action(request, services.save_bank_account, member=member, form=form,
                              success=_("Account saved: your advisor validates it before the first transfer."),
                              redirect_to="expense-list", **form.cleaned_data)
        if response is not None:
            return response
    return render(request, "expenses/bank_account.html", {"form": form, "account": account},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def bank_account_validate(request, pk):
    account = get_or_404(lambda user, pk: selectors.bank_accounts_to_validate(user).get(pk=pk), request.user, pk)
    return run_action(request, services.validate_bank_account, account=account,
                      success=_("Reimbursement account validated."), redirect_to="expense-review")
