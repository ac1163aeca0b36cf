"""Pages of members and of the after-sales desk: the cases of my activities and their results, one
case (thread, photos, accept / decline, answer, resolve / reject, close, give to a colleague, turn
into a procedure), the desk's queue per trade, the warranty rules."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from compagnon.core.params import choice_param, id_param, paginate
from compagnon.core.views_helpers import get_or_404, run_action
from compagnon.fieldwork.models import Service
from compagnon.members.models import Trade
from compagnon.organisation.models import Entity

from . import selectors, services
from .clock import duration_or_dash
from .forms import AnswerForm, AssignForm, DeclineForm, RejectForm, ResolveForm, WarrantyRuleForm
from .models import State, WarrantyRule
from .rules import desk_entities


def _case(request, pk):
    return get_or_404(selectors.case_for, request.user, pk)


@login_required
@require_http_methods(["GET"])
def case_list(request):
    state = choice_param(request, "state", State.values)
    page = paginate(request, selectors.my_cases(request.user, state=state), 20)
    return render(request, "aftersales/list.html", {
        "page": page, "state": state, "states": State.choices,
        "results": selectors.activity_results(request.user),
        "is_desk": bool(desk_entities(request.user)),
    })


def procedure_link(case) -> str:
    """``procedures-create`` prefilled from a resolved case."""
    base = reverse("procedures-create")
    body = _("Problem: %(problem)s\n\nResolution: %(resolution)s") % {
        "problem": case.description, "resolution": case.resolution}
    title = _("After-sales: %(problem)s") % {"problem": " ".join(case.description.split())[:80]}
    query = {"title": title, "body": body, "source": f"aftersales.case:{case.pk}"}
    if case.trade_id:
        query["trade"] = case.trade_id
    return f"{base}?{urlencode(query)}"


def _detail(request, case, *, status=200, **forms):
    user = request.user
    may_take = case.state == State.WITH_MEMBER and user.has_perm("aftersales.take_case", case)
    may_work = user.has_perm("aftersales.work_case", case)
    may_assign = user.has_perm("aftersales.assign_case", case) and case.state in (
        State.REPORTED, State.WITH_MEMBER, State.IN_PROGRESS)
    colleagues = selectors.colleagues(case) if may_assign else []
    context = {
        "case": case, "thread": selectors.thread(case),
        "may_take": may_take, "may_work": may_work and case.state != State.CLOSED,
        "may_decide": may_work and case.is_open, "may_close": may_work and case.state in (State.RESOLVED, State.REJECTED),
        "may_assign": may_assign, "colleagues": colleagues,
        "first_answer": duration_or_dash(case.first_answer_seconds),
        "resolution_time": duration_or_dash(case.resolution_seconds),
        "procedure_url": procedure_link(case) if case.state in (State.RESOLVED, State.CLOSED) and case.resolution
        and may_work else None,
        "answer_form": forms.get("answer_form") or AnswerForm(),
        "decline_form": forms.get("decline_form") or DeclineForm(),
        "resolve_form": forms.get("resolve_form") or ResolveForm(),
        "reject_form": forms.get("reject_form") or RejectForm(),
        "assign_form": forms.get("assign_form") or AssignForm(colleagues=colleagues),
        "client_url": services.client_url(case) if may_work else "",
    }
    return render(request, "aftersales/case.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def case_detail(request, pk: int):
    return _detail(request, _case(request, pk))


def _form_action(request, pk, form_class, name, fn, success, field_map):
    case = _case(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        kwargs = {key: form.cleaned_data[value] for key, value in field_map.items()}
        response = run_action(request, fn, success=success, redirect_to=reverse("aftersales-case", args=[case.pk]),
                              form=form, case=case, **kwargs)
        if response is not None:
            return response
    return _detail(request, _case(request, pk), status=400, **{name: form})


@login_required
@require_POST
def case_answer(request, pk: int):
    return _form_action(request, pk, AnswerForm, "answer_form", services.answer,
                        _("Your answer is sent to the client."), {"body": "body"})


@login_required
@require_POST
def case_decline(request, pk: int):
    return _form_action(request, pk, DeclineForm, "decline_form", services.decline,
                        _("The after-sales desk will give the case to a colleague."), {"reason": "reason"})


@login_required
@require_POST
def case_resolve(request, pk: int):
    return _form_action(request, pk, ResolveForm, "resolve_form", services.resolve,
                        _("The case is resolved: the client is told."), {"resolution": "resolution"})


@login_required
@require_POST
def case_reject(request, pk: int):
    return _form_action(request, pk, RejectForm, "reject_form", services.reject,
                        _("The report is rejected: the client reads why."), {"reason": "reason"})


@login_required
@require_POST
def case_accept(request, pk: int):
    case = _case(request, pk)
    return run_action(request, services.accept, success=_("You take this case in hand: the client is told."),
                      redirect_to=reverse("aftersales-case", args=[case.pk]), case=case)


@login_required
@require_POST
def case_close(request, pk: int):
    case = _case(request, pk)
    return run_action(request, services.close, success=_("The case is closed."),
                      redirect_to=reverse("aftersales-case", args=[case.pk]), case=case)


@login_required
@require_POST
def case_assign(request, pk: int):
    case = _case(request, pk)
    if not request.user.has_perm("aftersales.assign_case", case):
        raise PermissionDenied
    colleagues = selectors.colleagues(case)
    form = AssignForm(request.POST, colleagues=colleagues)
    if form.is_valid():
        member = form.colleagues.get(form.cleaned_data["member"])
        response = run_action(request, services.assign, success=_("The case is given to your colleague, who is told."),
                              redirect_to=reverse("aftersales-case", args=[case.pk]), form=form, case=case,
                              member=member)
        if response is not None:
            return response
    return _detail(request, _case(request, pk), status=400, assign_form=form)


@login_required
@require_http_methods(["GET"])
def case_photo(request, pk: int, photo_pk: int):
    case = _case(request, pk)
    try:
        photo = selectors.photo_of(case, photo_pk)
    except ObjectDoesNotExist:
        raise Http404 from None
    response = FileResponse(photo.file.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET"])
def queue(request):
    if not desk_entities(request.user):
        raise Http404
    show = choice_param(request, "show", selectors.QUEUE_TABS, default="waiting")
    trade = id_param(request, "trade")
    qs = selectors.queue(request.user, show=show, trade=trade)
    results = selectors.results_of(selectors.desk_cases(request.user, trade=trade))
    return render(request, "aftersales/queue.html", {
        "page": paginate(request, qs, 25), "show": show, "trade": trade, "trades": selectors.queue_trades(request.user),
        "tabs": [("waiting", _("Waiting for a colleague")), ("open", _("Open")), ("done", _("Done"))],
        "results": results,
    })


def _warranty_form(request, data=None):
    entities = list(Entity.objects.filter(pk__in=sorted(desk_entities(request.user))).order_by("name"))
    ids = [e.pk for e in entities]
    return WarrantyRuleForm(
        data, entities=entities, trades=Trade.objects.order_by("code"),
        services=Service.objects.filter(entity_id__in=ids, active=True).select_related("trade").order_by("trade_id", "name_fr"))


@login_required
@require_http_methods(["GET", "POST"])
def warranty(request):
    is_desk = bool(desk_entities(request.user))
    rules = selectors.warranty_rules(request.user) if is_desk else selectors.visible_rules(request.user)
    if not is_desk and not rules.exists() and not selectors.my_activities(request.user):
        raise Http404
    form = _warranty_form(request, request.POST if request.method == "POST" else None) if is_desk else None
    if request.method == "POST":
        if not is_desk:
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            entity = Entity.objects.get(pk=d["entity"])
            trade = Trade.objects.filter(pk=d["trade"]).first() if d["trade"] else None
            service = Service.objects.filter(pk=d["service"], entity=entity).first() if d["service"] else None
            if d["service"] and service is None:
                form.add_error("service", _("Choose a service of this entity's catalogue."))
            else:
                response = run_action(request, services.save_warranty_rule, success=_("Warranty rule saved."),
                                      redirect_to=reverse("aftersales-warranty"), form=form, entity=entity, trade=trade,
                                      service=service, days=d["days"], starts_from=d["starts_from"])
                if response is not None:
                    return response
        return render(request, "aftersales/warranty.html", {"rules": rules, "form": form, "is_desk": is_desk},
                      status=400)
    return render(request, "aftersales/warranty.html", {"rules": rules, "form": form, "is_desk": is_desk})


@login_required
@require_POST
def warranty_delete(request, pk: int):
    try:
        rule = selectors.warranty_rules(request.user).get(pk=pk)
    except WarrantyRule.DoesNotExist:
        raise Http404 from None
    return run_action(request, services.delete_warranty_rule, success=_("Warranty rule removed."),
                      redirect_to=reverse("aftersales-warranty"), rule=rule)
