"""Pages: my salary (simulation, requests, payslips, contracts) on the phone; the advisors' queue;
the bookkeeping staff's month (cut-off, variables, journal, net transfers, payslips); contracts on
the member's page. Objects come from the scoped selectors (404 outside the scope); actions check the
rules (403 for a visible object the user may not change)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon import permissions
from compagnon.core.params import paginate
from compagnon.core.views_helpers import apply_errors, get_or_404
from compagnon.members.models import Member
from compagnon.payouts.models import BatchState, PayoutBatch

from . import journal, payslips, selectors, services, simulation, transfers
from .forms import (
    ContractForm,
    EmployeeForm,
    MonthForm,
    RefuseForm,
    RequestForm,
    SimulationForm,
    UploadForm,
)
from .models import ImportState, RequestState


def _member_or_404(request) -> Member:
    member = selectors.member_of(request.user)
    if member is None:
        raise Http404
    return member


def _request_months(entity) -> list[datetime.date]:
    today = timezone.localdate()
    this = services.first_day(today)
    months = []
    day = this
    for _i in range(services.MONTHS_AHEAD + 1):
        if not services.is_frozen(entity, day) and not (day == this and today > services.cutoff_date(entity, day)):
            months.append(day)
        day = services.first_day(day + datetime.timedelta(days=32))
    return months


@login_required
def salary(request):
    member = _member_or_404(request)
    activities = [a for a in selectors.my_activities(request.user) if request.user.has_perm("payroll.request", a)]
    months = _request_months(member.entity)
    form = RequestForm(request.POST or None, months=months, activities=activities,
                       initial={"month": months[0].strftime("%Y-%m") if months else ""})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            activity = next(a for a in activities if str(a.pk) == data["activity"])
            amount = {data["asked"]: data["amount"]}
            try:
                made = services.request_salary(actor=request.user, activity=activity, month=data["month"],
                                               hours=data["hours"], expenses=data["expenses"], note=data["note"],
                                               **amount)
            except ValidationError as exc:
                if hasattr(exc, "error_dict") and "net" in exc.error_dict:
                    exc.error_dict["amount"] = exc.error_dict.pop("net")
                if hasattr(exc, "error_dict") and "employer_cost" in exc.error_dict:
                    exc.error_dict["amount"] = exc.error_dict.pop("employer_cost")
                apply_errors(form, exc)
            else:
                messages.success(request, _("Salary request for %(month)s sent to your advisor: %(amount)s from "
                                            "your budget.") % {"month": made.month.strftime("%m/%Y"),
                                                               "amount": _money(made.employer_cost)})
                return redirect("salary")
        status = 400
    rooms = [(a, services.room_for(member, a)) for a in activities]
    return render(request, "payroll/salary.html", {
        "member": member, "form": form if activities and months else None, "rooms": rooms,
        "page": paginate(request, selectors.request_list(request.user, mine=True), 12),
        "contracts": selectors.contracts_of(request.user, member),
        "payslips": selectors.my_payslips(request.user)[:3],
        "reviews": permissions.scope_for(request.user).is_advisor or bool(permissions.scope_for(request.user).admin_entities),
        "runs": bool(permissions.money_entities(request.user)),
    }, status=status)


def _money(value) -> str:
    from compagnon.core.formatting import money

    return money(value)


@login_required
def simulate(request):
    member = selectors.member_of(request.user)
    entity = member.entity if member else selectors.run_entities(request.user).first()
    if entity is None:
        raise Http404
    employee = selectors.employee_of(member) if member else None
    initial = {"asked": "employer_cost", "withholding_rate": employee.withholding_rate if employee else None,
               "children": employee.children if employee else 0}
    form = SimulationForm(request.GET or None, initial=initial)
    result = None
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        year = d["year"] or timezone.localdate().year
        try:
            result = simulation.simulate(entity.jurisdiction, year, **{d["asked"]: d["amount"]}, hours=d["hours"],
                                         withholding_rate=d["withholding_rate"], children=d["children"] or 0)
        except simulation.NoRates:
            form.add_error(None, _("No payroll rates for this country."))
    return render(request, "payroll/simulate.html", {"form": form, "result": result, "entity": entity},
                  status=400 if form.is_bound and form.errors else 200)


@login_required
def request_detail(request, pk):
    salary_request = get_or_404(selectors.request_detail, request.user, pk)
    return render(request, "payroll/request_detail.html", {
        "req": salary_request, "mine": salary_request.member.user_id == request.user.pk,
        "may_decide": request.user.has_perm("payroll.decide", salary_request)
        and salary_request.state == RequestState.SUBMITTED,
        "refuse_form": RefuseForm(), "lines": salary_request.lines.all(),
    })


def _act(request, pk, fn, success, **kwargs):
    salary_request = get_or_404(selectors.request_detail, request.user, pk)
    try:
        fn(actor=request.user, request=salary_request, **kwargs)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, success)
    return redirect("salary-request", pk=pk)


@login_required
@require_POST
def request_cancel(request, pk):
    return _act(request, pk, services.cancel_request, _("Request cancelled."))


@login_required
@require_POST
def request_approve(request, pk):
    salary_request = get_or_404(selectors.request_detail, request.user, pk)
    if not request.user.has_perm("payroll.decide", salary_request):
        raise PermissionDenied(_("Only the member's advisor decides on this request."))
    return _act(request, pk, services.approve_request, _("Request approved."))


@login_required
@require_POST
def request_refuse(request, pk):
    salary_request = get_or_404(selectors.request_detail, request.user, pk)
    if not request.user.has_perm("payroll.decide", salary_request):
        raise PermissionDenied(_("Only the member's advisor decides on this request."))
    form = RefuseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tell the member why, in a sentence they can act on."))
        return redirect("salary-request", pk=pk)
    return _act(request, pk, services.refuse_request, _("Request refused."), reason=form.cleaned_data["reason"])


@login_required
def review(request):
    return render(request, "payroll/review.html", {"page": paginate(request, selectors.to_decide(request.user), 25)})


@login_required
def my_payslips(request):
    return render(request, "payroll/payslips.html",
                  {"page": paginate(request, selectors.my_payslips(request.user), 24)})


@login_required
def payslip_file(request, pk):
    slip = get_or_404(lambda user, pk: selectors.payslips(user).get(pk=pk), request.user, pk)
    name = f"payslip-{slip.month:%Y-%m}.pdf"
    return FileResponse(slip.file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf")


@login_required
def details(request):
    member = _member_or_404(request)
    employee = selectors.employee_of(member)
    form = EmployeeForm(request.POST or None, initial={
        "withholding_rate": employee.withholding_rate if employee else None,
        "children": employee.children if employee else 0})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_employee(actor=request.user, member=member, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("salary")
    return render(request, "payroll/details.html", {"form": form, "employee": employee},
                  status=400 if form.errors else 200)


# --- contracts (advisors, bookkeeping) ----------------------------------------------------------


@login_required
def contract_new(request, pk):
    member = get_or_404(lambda user, pk: permissions.members(user).select_related("entity", "user").get(pk=pk),
                        request.user, pk)
    if not request.user.has_perm("payroll.manage_contract", member):
        raise PermissionDenied(_("Only the member's advisor or the bookkeeping staff record contracts."))
    form = ContractForm(request.POST or None, country=member.entity.jurisdiction)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_contract(actor=request.user, member=member, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Contract recorded."))
            return redirect("member-detail", pk=member.pk)
    return render(request, "payroll/contract_form.html", {"form": form, "member": member},
                  status=400 if form.errors else 200)


# --- the month (accountants, administrators) ----------------------------------------------------


@login_required
def run_list(request):
    entities = list(selectors.run_entities(request.user))
    if not entities:
        raise Http404
    if len(entities) == 1:
        return redirect("payroll-month", pk=entities[0].pk)
    return render(request, "payroll/run_list.html", {"entities": entities})


def _month(request) -> datetime.date:
    return services.parse_month(request.GET.get("month") or request.POST.get("month") or "") or services.first_day(
        timezone.localdate())


@login_required
def month_page(request, pk):
    entity = get_or_404(selectors.run_entity, request.user, pk)
    month = _month(request)
    requests = selectors.request_list(request.user, month=month).filter(entity=entity)
    counts = {state: 0 for state in RequestState.values}
    for state in requests.values_list("state", flat=True):
        counts[state] += 1
    counts = [(RequestState(state).label, n) for state, n in counts.items() if n]
    drafts = PayoutBatch.objects.filter(entity=entity, state=BatchState.DRAFT).order_by("-id")
    return render(request, "payroll/month.html", {
        "entity": entity, "month": month, "month_value": month.strftime("%Y-%m"),
        "payroll_month": selectors.month_of(entity, month), "cutoff": services.cutoff_date(entity, month),
        "counts": counts,
        "journals": selectors.journals(request.user).filter(entity=entity, month=month)[:5],
        "batches": selectors.payslip_batches(request.user).filter(entity=entity, month=month)[:5],
        "unpaid": transfers.unpaid(entity, month).count(), "drafts": drafts,
        "upload_form": UploadForm(initial={"month": month.strftime("%Y-%m")}),
        "month_form": MonthForm(initial={"month": month.strftime("%Y-%m")}),
        "ImportState": ImportState,
    })


def _back(entity, month):
    return redirect(f"/payroll/{entity.pk}/?month={month:%Y-%m}")


@login_required
@require_POST
def month_freeze(request, pk):
    entity = get_or_404(selectors.run_entity, request.user, pk)
    month = _month(request)
    services.freeze_month(actor=request.user, entity=entity, month=month)
    messages.success(request, _("Payroll of %(month)s frozen.") % {"month": month.strftime("%m/%Y")})
    return _back(entity, month)


@login_required
def month_export(request, pk):
    entity = get_or_404(selectors.run_entity, request.user, pk)
    month = _month(request)
    try:
        data = services.export_variables(actor=request.user, entity=entity, month=month)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return _back(entity, month)
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="payroll-variables-{entity.pk}-{month:%Y-%m}.csv"'
    return response


@login_required
@require_POST
def month_journal(request, pk):
    entity = get_or_404(selectors.run_entity, request.user, pk)
    form = UploadForm(request.POST, request.FILES)
    month = _month(request)
    if not form.is_valid():
        messages.error(request, _("Choose the month and the journal file."))
        return _back(entity, month)
    try:
        result = journal.import_journal(actor=request.user, entity=entity, month=month, upload=form.cleaned_data["file"])
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return _back(entity, month)
    if result.state == ImportState.POSTED:
        messages.success(request, _("Journal posted: %(count)s salaries, %(diff)s differences with the requests.")
                         % {"count": result.lines.count(), "diff": len(result.differences)})
    else:
        messages.error(request, _("Journal refused, nothing was posted: %(count)s lines to correct (the file is kept).")
                       % {"count": len(result.errors)})
    return _back(entity, month)


@login_required
@require_POST
def month_payslips(request, pk):
    entity = get_or_404(selectors.run_entity, request.user, pk)
    form = UploadForm(request.POST, request.FILES)
    month = _month(request)
    if not form.is_valid():
        messages.error(request, _("Choose the month and the PDF of the payslips."))
        return _back(entity, month)
    try:
        batch = payslips.upload_payslips(actor=request.user, entity=entity, month=month,
                                         upload=form.cleaned_data["file"])
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return _back(entity, month)
    messages.success(request, _("Payslips split: %(count)s employees; pages matching nobody: %(pages)s.")
                     % {"count": batch.payslips.count(), "pages": ", ".join(map(str, batch.unmatched)) or "0"})
    return _back(entity, month)


@login_required
@require_POST
def month_transfers(request, pk):
    entity = get_or_404(selectors.run_entity, request.user, pk)
    month = _month(request)
    batch = PayoutBatch.objects.filter(entity=entity, state=BatchState.DRAFT, pk=request.POST.get("batch") or 0).first()
    if batch is None:
        messages.error(request, _("Choose a draft transfer batch (prepare one in Transfers first)."))
        return _back(entity, month)
    try:
        done, skipped = transfers.add_net_pay(actor=request.user, batch=batch, month=month)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return _back(entity, month)
    messages.success(request, _("%(count)s net salaries added to transfer batch %(batch)s.")
                     % {"count": len(done), "batch": batch.pk})
    if skipped:
        messages.warning(request, _("Without a validated bank account: %(names)s.") % {"names": ", ".join(skipped)})
    return _back(entity, month)
