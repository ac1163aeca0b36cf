"""Pages of collections: decisions on a document's actions (one-click hold / OK / cancel), the
activity's collections page (preferences, what comes next), the entity's plan, the collections
service's queue and case pages, and the one-click links of the announcement emails."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from compagnon import permissions
from compagnon.core.params import choice_param, id_param, paginate
from compagnon.core.redirects import redirect_next
from compagnon.core.views_helpers import get_or_404, run_action

from . import base, decisions, litigation, plans, selectors
from .forms import (
    CaseAssignForm,
    CaseFileForm,
    CaseNoteForm,
    CaseStatusForm,
    PlanForm,
    PreferencesForm,
    StepForm,
)
from .models import CaseStatus, PlanStep

DECISION_MESSAGES = {
    "hold": gettext_lazy("On hold: it will not go until you give your OK."),
    "approve": gettext_lazy("OK given: it goes with the daily run of its planned day (or the next one)."),
    "cancel": gettext_lazy("Cancelled: this step will not go."),
    "restore": gettext_lazy("Restored: it will be announced again before it goes."),
}


def _back(request, default: str):
    return redirect_next(request, default)


# --- a document's actions ----------------------------------------------------------------------


@login_required
@require_POST
def action_decide(request, pk, decision):
    action = get_or_404(selectors.action_detail, request.user, pk)
    if decision not in decisions.DECISIONS:
        raise Http404
    response = run_action(request, decisions.decide, action=action, decision=decision,
                          success=DECISION_MESSAGES[decision],
                          redirect_to=reverse("document-detail", args=[action.document_id]) + "#collections")
    if request.htmx:
        from .templatetags.dunning_tags import panel_context

        return render(request, "dunning/_panel.html", panel_context(request, action.document))
    return response


@login_required
@require_POST
def document_stop(request, pk):
    from compagnon.sales import selectors as sales_selectors

    document = get_or_404(sales_selectors.document_detail, request.user, pk)
    n = decisions.stop_document(actor=request.user, document=document)
    if n:
        messages.success(request, _("No more automated actions on this document."))
    return redirect(reverse("document-detail", args=[pk]) + "#collections")


@login_required
@require_GET
def action_letter(request, pk):
    action = get_or_404(selectors.action_detail, request.user, pk)
    if not action.letter:
        raise Http404
    name = action.letter.name.rsplit("/", 1)[-1]
    return FileResponse(action.letter.open("rb"), as_attachment=True, filename=name, content_type="application/pdf")


@login_required
@require_http_methods(["GET", "POST"])
def one_click(request, token):
    """From the announcement email: a page with one button (a GET changes nothing, so mail
    scanners that open links do not hold anything)."""
    data = decisions.read_one_click_token(token)
    if data is None or data["u"] != request.user.pk:
        raise Http404
    action = get_or_404(selectors.action_detail, request.user, data["a"])
    decision = data["d"]
    if request.method == "POST":
        return run_action(request, decisions.decide, action=action, decision=decision,
                          success=DECISION_MESSAGES[decision],
                          redirect_to=reverse("document-detail", args=[action.document_id]) + "#collections")
    return render(request, "dunning/one_click.html", {"action": action, "decision": decision, "token": token})


# --- the activity's collections page ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def activity_collections(request, pk):
    activity = get_or_404(selectors.activity, request.user, pk)
    pref = base.activity_preference(activity)
    can_decide = request.user.has_perm("dunning.decide_action", pref)
    form = PreferencesForm(request.POST or None, instance=pref)
    status = 200
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied
        if form.is_valid():
            response = run_action(request, decisions.set_activity_preferences, form=form, activity=activity,
                                  success=_("Preferences saved."), redirect_to=reverse("collections-activity", args=[pk]),
                                  **form.cleaned_data)
            if response:
                return response
        status = 400
    return render(request, "dunning/activity.html", {
        "activity": activity, "form": form, "can_decide": can_decide, "pref": pref,
        "upcoming": selectors.upcoming_actions(request.user, activity),
        "recent": selectors.recent_actions(request.user, activity),
        "never_remind": selectors.never_remind_clients(request.user, activity),
        "cases": list(selectors.member_cases(request.user, activity_id=activity.pk)[:10]),
    }, status=status)


@login_required
@require_POST
def client_preference(request, pk):
    from compagnon.clients import selectors as client_selectors

    client = get_or_404(client_selectors.client_detail, request.user, pk)
    never = request.POST.get("never_remind") == "1"
    decisions.set_client_preference(actor=request.user, client=client, never_remind=never)
    messages.success(request, _("%(client)s will not be reminded automatically: every step waits for your OK.")
                     % {"client": client.name} if never else
                     _("%(client)s follows the collection plan again.") % {"client": client.name})
    return _back(request, reverse("collections-activity", args=[client.activity_id]))


# --- the entity's plan (administrators) ---------------------------------------------------------


@login_required
@require_GET
def plan_index(request):
    entities = list(selectors.plan_entities(request.user))
    if not entities:
        raise Http404
    if len(entities) == 1:
        return redirect("collections-plan", pk=entities[0].pk)
    return render(request, "dunning/plan_index.html", {"entities": entities})


@login_required
@require_http_methods(["GET", "POST"])
def plan_detail(request, pk):
    entity = get_or_404(selectors.plan_entity, request.user, pk)
    entity_plans = selectors.plans(entity)
    plan = next((p for p in entity_plans if p.active), entity_plans[0] if entity_plans else None)
    if (plan_id := id_param(request, "plan")) is not None:
        plan = next((p for p in entity_plans if p.pk == plan_id), plan)
    form = PlanForm(request.POST or None, instance=plan) if plan else None
    status = 200
    if request.method == "POST":
        if plan is None:
            plans.create_default_plan(actor=request.user, entity=entity)
            messages.success(request, _("The recommended plan is ready; adapt it below."))
            return redirect("collections-plan", pk=pk)
        if form.is_valid():
            response = run_action(request, plans.save_plan, form=form, plan=plan, success=_("Plan saved."),
                                  redirect_to=f"{reverse('collections-plan', args=[pk])}?plan={plan.pk}",
                                  **form.cleaned_data)
            if response:
                return response
        status = 400
    return render(request, "dunning/plan.html", {"entity": entity, "plans": entity_plans, "plan": plan, "form": form},
                  status=status)


@login_required
@require_http_methods(["GET", "POST"])
def step_edit(request, pk, step_pk=None):
    entity = get_or_404(selectors.plan_entity, request.user, pk)
    if step_pk is None:
        entity_plans = selectors.plans(entity)
        plan_id = id_param(request, "plan") or request.POST.get("plan")
        plan = next((p for p in entity_plans if str(p.pk) == str(plan_id)), None) or next((p for p in entity_plans if p.active), None)
        if plan is None:
            raise Http404
        step = PlanStep(plan=plan)
    else:
        step = get_or_404(selectors.plan_step, entity, step_pk)
        plan = step.plan
    form = StepForm(request.POST or None, instance=step if step.pk else None,
                    initial=None if step.pk else {"announce_days_before": 3})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            response = run_action(request, plans.save_step, form=form, plan=plan, step=step if step.pk else None,
                                  texts_by_language=form.texts_by_language(), success=_("Step saved."),
                                  redirect_to=f"{reverse('collections-plan', args=[pk])}?plan={plan.pk}",
                                  **form.step_fields())
            if response:
                return response
        status = 400
    return render(request, "dunning/step.html", {"entity": entity, "plan": plan, "step": step, "form": form},
                  status=status)


@login_required
@require_POST
def step_remove(request, pk, step_pk):
    entity = get_or_404(selectors.plan_entity, request.user, pk)
    step = get_or_404(selectors.plan_step, entity, step_pk)
    plans.remove_step(actor=request.user, step=step)
    messages.success(request, _("Step removed; its pending actions are cancelled."))
    return redirect(f"{reverse('collections-plan', args=[pk])}?plan={step.plan_id}")


# --- cases --------------------------------------------------------------------------------------


@login_required
@require_GET
def case_list(request):
    """The collections service's queue by status; for a member, their own cases."""
    status = choice_param(request, "status", CaseStatus.values)
    is_agent = bool(permissions.collections_entities(request.user))
    if is_agent:
        qs = selectors.case_queue(request.user, status=status if status in CaseStatus.values else "")
        if not status:
            qs = qs.filter(status__in=["new", "in_progress"])
    else:
        qs = selectors.member_cases(request.user)
        if status in CaseStatus.values:
            qs = qs.filter(status=status)
    page = paginate(request, qs, 25)
    return render(request, "dunning/case_list.html", {
        "page": page, "cases": page.object_list, "status": status, "statuses": CaseStatus.choices,
        "is_agent": is_agent})


def _case(request, pk):
    try:
        return selectors.case_detail(request.user, pk)
    except ObjectDoesNotExist:
        raise Http404 from None


@login_required
@require_GET
def case_detail(request, pk):
    case, as_agent = _case(request, pk)
    context = {
        "case": case, "as_agent": as_agent, "documents": selectors.case_documents(case),
        "files": selectors.case_files(case, as_agent=as_agent),
        "timeline": selectors.case_timeline(case, as_agent=as_agent),
    }
    if as_agent:
        context.update(
            status_form=CaseStatusForm(initial={"status": case.status}),
            assign_form=CaseAssignForm(agents=selectors.agents(case.entity_id),
                                       initial={"assigned_to": case.assigned_to_id}),
            note_form=CaseNoteForm(), file_form=CaseFileForm(),
            transitions=[(s, CaseStatus(s).label) for s in litigation.CASE_TRANSITIONS[CaseStatus(case.status)]])
    return render(request, "dunning/case.html", context)


def _agent_case(request, pk):
    case, as_agent = _case(request, pk)
    if not as_agent:
        raise PermissionDenied
    return case


@login_required
@require_POST
def case_status(request, pk):
    case = _agent_case(request, pk)
    form = CaseStatusForm(request.POST)
    if form.is_valid():
        return run_action(request, litigation.change_case_status, case=case, status=form.cleaned_data["status"],
                          success=_("Status changed."), redirect_to=reverse("collections-case", args=[pk]))
    return redirect("collections-case", pk=pk)


@login_required
@require_POST
def case_assign(request, pk):
    case = _agent_case(request, pk)
    agents = selectors.agents(case.entity_id)
    form = CaseAssignForm(request.POST, agents=agents)
    if form.is_valid():
        agent = next((u for u in agents if u.pk == form.cleaned_data["assigned_to"]), None)
        return run_action(request, litigation.assign_case, case=case, agent=agent, success=_("Case assigned."),
                          redirect_to=reverse("collections-case", args=[pk]))
    return redirect("collections-case", pk=pk)


@login_required
@require_POST
def case_note(request, pk):
    case = _agent_case(request, pk)
    form = CaseNoteForm(request.POST)
    if form.is_valid():
        litigation.add_case_note(actor=request.user, case=case, **form.cleaned_data)
        messages.success(request, _("Note added."))
    else:
        messages.error(request, _("Write the note first."))
    return redirect(reverse("collections-case", args=[pk]) + "#timeline")


@login_required
@require_POST
def case_file(request, pk):
    case = _agent_case(request, pk)
    form = CaseFileForm(request.POST, request.FILES)
    if form.is_valid():
        return run_action(request, litigation.add_case_file, case=case, upload=form.cleaned_data["file"],
                          for_member=form.cleaned_data["for_member"], success=_("File added."),
                          redirect_to=reverse("collections-case", args=[pk]))
    messages.error(request, _("Choose a file."))
    return redirect("collections-case", pk=pk)


@login_required
@require_GET
def case_file_download(request, pk, file_pk):
    case, as_agent = _case(request, pk)
    item = get_or_404(selectors.case_file, case, file_pk, as_agent=as_agent)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)
