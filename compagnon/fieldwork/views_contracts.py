"""Maintenance contracts (list, create from a client or a taken request, edit, rhythms, tasks,
generated visits, end, the client's link) and the service catalogue."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon import permissions
from compagnon.clients.models import Client
from compagnon.core.params import choice_param, id_param, paginate
from compagnon.core.views_helpers import apply_errors, error_messages, get_or_404, run_action
from compagnon.members.models import ActivityMembership, Member

from . import rules, selectors, services
from .forms import ContractForm, GenerateForm, RecurrenceFormSet, ServiceForm, TaskFormSet
from .models import ContractState, Service


@login_required
def contract_list(request):
    state = choice_param(request, "state", ContractState.values)
    qs = selectors.contracts(request.user, state=state, client_id=id_param(request, "client"))
    page = paginate(request, qs, 25)
    selectors.mark_client_visibility(request.user, page.object_list)
    return render(
        request,
        "fieldwork/contract_list.html",
        {"page": page, "state": state, "states": ContractState.choices},
    )


def _my_clients(user):
    s = permissions.scope_for(user)
    mine = ActivityMembership.objects.filter(member_id=s.member_id).values("activity_id")
    return permissions.scoped_by_activity(
        user, Client.objects.filter(archived=False, activity_id__in=mine)
    ).select_related("activity")


def _form_choices(user, activity=None):
    members = Member.objects.select_related("user").exclude(status="left")
    sectors = rules.sectors(user)
    if activity is not None:
        members = members.filter(entity_id=activity.entity_id)
        sectors = sectors.filter(entity_id=activity.entity_id)
    return {"members": members.order_by("user__first_name", "user__last_name"), "sectors": sectors}


@login_required
def contract_new(request):
    clients = _my_clients(request.user)
    req = None
    if (request_id := id_param(request, "request")) is not None:
        req = get_or_404(selectors.request_detail, request.user, request_id)
    initial = {"starts_on": timezone.localdate(), "renews_yearly": True, "vat_rate": "20"}
    if (client_id := id_param(request, "client")) is not None:
        initial["client"] = client_id
    elif req is not None and req.client_id:
        initial["client"] = req.client_id
    if req is not None:
        initial.update(name=req.description[:80], sector=req.sector_id, member=req.taken_by_id)
    me = selectors.my_member(request.user)
    initial.setdefault("member", me.pk if me else None)
    form = ContractForm(
        request.POST or None, initial=initial, clients=clients, **_form_choices(request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        client = data.pop("client")
        try:
            contract = services.create_contract(
                actor=request.user, activity=client.activity, client=client, request=req, **data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("fieldwork-contract", contract.pk)
    return render(
        request,
        "fieldwork/contract_form.html",
        {"form": form, "req": req},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def contract_edit(request, pk: int):
    contract = get_or_404(selectors.contract_detail, request.user, pk)
    if not request.user.has_perm("fieldwork.change_contract", contract):
        raise PermissionDenied
    form = ContractForm(
        request.POST or None,
        instance=contract,
        clients=Client.objects.filter(pk=contract.client_id),
        **_form_choices(request.user, contract.activity),
    )
    form.fields["client"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "client"}
        contract.refresh_from_db()
        try:
            services.update_contract(actor=request.user, contract=contract, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("fieldwork-contract", pk)
    return render(
        request,
        "fieldwork/contract_form.html",
        {"form": form, "contract": contract},
        status=400 if request.method == "POST" else 200,
    )


def _rhythm_initial(contract):
    return [
        {
            "months": r.months,
            "every_weeks": r.every_weeks,
            "weekday": r.weekday if r.weekday is not None else 0,
            "start_time": r.start_time,
            "minutes": r.minutes,
        }
        for r in contract.recurrences.all()
    ]


@login_required
def contract_detail(request, pk: int, *, rhythm_forms=None, task_forms=None, status=200):
    contract = get_or_404(selectors.contract_detail, request.user, pk)
    selectors.mark_client_visibility(request.user, [contract])
    may_change = request.user.has_perm("fieldwork.change_contract", contract)
    year = timezone.localdate().year
    return render(
        request,
        "fieldwork/contract_detail.html",
        {
            "contract": contract,
            "may_change": may_change,
            "hours": services.hours(contract, year),
            "year": year,
            "rhythms": rhythm_forms
            or RecurrenceFormSet(prefix="r", initial=_rhythm_initial(contract)),
            "task_forms": task_forms
            or TaskFormSet(
                prefix="t",
                initial=[
                    {"name": t.name, "every_visit": t.every_visit} for t in contract.tasks.all()
                ],
            ),
            "generate": GenerateForm(
                initial={"until": timezone.localdate() + datetime.timedelta(days=90)}
            ),
            "upcoming": selectors.upcoming_visits(contract, limit=10),
            "client_link": request.build_absolute_uri(
                reverse("fieldwork-client-space", args=[contract.client_token])
            ),
        },
        status=status,
    )


@login_required
@require_POST
def contract_rhythm(request, pk: int):
    contract = get_or_404(selectors.contract_detail, request.user, pk)
    formset = RecurrenceFormSet(request.POST, prefix="r")
    if formset.is_valid():
        items = [
            f.cleaned_data
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            services.set_recurrences(actor=request.user, contract=contract, recurrences=items)
        except ValidationError as exc:
            formset._non_form_errors = formset.error_class(exc.messages)
        else:
            return redirect("fieldwork-contract", pk)
    return contract_detail(request, pk, rhythm_forms=formset, status=400)


@login_required
@require_POST
def contract_tasks(request, pk: int):
    contract = get_or_404(selectors.contract_detail, request.user, pk)
    formset = TaskFormSet(request.POST, prefix="t")
    if formset.is_valid():
        existing = list(contract.tasks.all())
        items = []
        for i, f in enumerate(formset.forms):
            if f.cleaned_data and not f.cleaned_data.get("DELETE"):
                item = {
                    "name": f.cleaned_data["name"],
                    "every_visit": f.cleaned_data["every_visit"],
                }
                if i < len(existing) and existing[i].name == item["name"]:
                    item["id"], item["service"] = existing[i].pk, existing[i].service
                items.append(item)
        try:
            services.set_tasks(actor=request.user, contract=contract, tasks=items)
        except ValidationError as exc:
            formset._non_form_errors = formset.error_class(exc.messages)
        else:
            return redirect("fieldwork-contract", pk)
    return contract_detail(request, pk, task_forms=formset, status=400)


@login_required
@require_POST
def contract_generate(request, pk: int):
    contract = get_or_404(selectors.contract_detail, request.user, pk)
    form = GenerateForm(request.POST)
    if not form.is_valid():
        error_messages(request, ValidationError(form.errors))
        return redirect("fieldwork-contract", pk)
    return run_action(
        request,
        lambda actor, **kw: services.generate_visits(
            contract, form.cleaned_data["until"], actor=actor
        ),
        success=lambda visits: _("%(n)s visits created.") % {"n": len(visits)},
        redirect_to=reverse("fieldwork-contract", args=[pk]),
    )


@login_required
@require_POST
def contract_end(request, pk: int):
    contract = get_or_404(selectors.contract_detail, request.user, pk)
    form = GenerateForm({"until": request.POST.get("on", "")})
    if not form.is_valid():
        error_messages(request, ValidationError(_("Give the last day of the contract.")))
        return redirect("fieldwork-contract", pk)
    return run_action(
        request,
        services.end_contract,
        success=_("The contract will end on that day."),
        redirect_to=reverse("fieldwork-contract", args=[pk]),
        contract=contract,
        on=form.cleaned_data["until"],
    )


@login_required
@require_POST
def contract_send_link(request, pk: int):
    contract = get_or_404(selectors.contract_detail, request.user, pk)
    return run_action(
        request,
        services.send_client_link,
        success=_("The link was sent to the client."),
        redirect_to=reverse("fieldwork-contract", args=[pk]),
        contract=contract,
        renew=request.POST.get("renew") == "1",
    )


# --- the catalogue -------------------------------------------------------------------------------


@login_required
def catalogue(request):
    services_qs = selectors.services(request.user)
    manageable = [
        e
        for e in permissions.entities(request.user)
        if request.user.has_perm("fieldwork.manage_catalogue", e)
    ]
    return render(
        request, "fieldwork/catalogue.html", {"services": services_qs, "manageable": manageable}
    )


@login_required
def service_new(request, entity_pk: int):
    entity = get_or_404(permissions.entities(request.user).get, pk=entity_pk)
    if not request.user.has_perm("fieldwork.manage_catalogue", entity):
        raise PermissionDenied
    form = ServiceForm(request.POST or None, initial={"vat_rate": "20", "minutes": 60})
    if request.method == "POST" and form.is_valid():
        try:
            services.create_service(actor=request.user, entity=entity, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("fieldwork-catalogue")
    return render(
        request,
        "fieldwork/service_form.html",
        {"form": form, "entity": entity},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def service_edit(request, pk: int):
    service = get_or_404(selectors.services(request.user).get, pk=pk)
    if not request.user.has_perm("fieldwork.manage_catalogue", service):
        raise PermissionDenied
    form = ServiceForm(request.POST or None, instance=Service.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_service(actor=request.user, service=service, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("fieldwork-catalogue")
    return render(
        request,
        "fieldwork/service_form.html",
        {"form": form, "entity": service.entity, "service": service},
        status=400 if request.method == "POST" else 200,
    )
