"""Pages of the staff side: the queue of each desk with its filters and clocks, answering, asking,
internal notes, assignment and priority on a request, canned answers, and each entity's settings
(office hours, reopening delay, response targets)."""

from __future__ import annotations

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from compagnon.accounts.models import SupportService
from compagnon.core.params import (
    bool_param,
    choice_param,
    id_param,
    lite_page,
    page_param,
    paginate,
)
from compagnon.core.views_helpers import apply_errors, get_or_404, run_action

from . import clock, desk, selectors, services
from .forms import AnswerForm, AssignForm, CannedForm, PriorityForm, SettingsForm
from .models import CannedAnswer, Priority
from .views import page_context

TAB_LABELS = {
    "todo": gettext_lazy("To answer"),
    "waiting": gettext_lazy("Waiting for the member"),
    "answered": gettext_lazy("Answered"),
    "closed": gettext_lazy("Closed"),
}


def _staff_or_404(request):
    services_ = selectors.staff_services(request.user)
    if not services_:
        raise Http404
    return services_


def read_filter(request, services_) -> selectors.QueueFilter:
    return selectors.QueueFilter(
        tab=choice_param(request, "show", list(selectors.TABS), default="todo"),
        service=choice_param(request, "service", [s for s, _l in services_]),
        entity=id_param(request, "entity"),
        who=choice_param(request, "who", ["mine", "unassigned"]),
        late=bool_param(request, "late"),
        priority=choice_param(request, "priority", Priority.values),
    )


@login_required
def queue(request):
    services_ = _staff_or_404(request)
    f = read_filter(request, services_)
    entities = selectors.staff_entities(request.user)
    if f.entity is None and len(entities) > 1:
        f.entity = entities[0].pk  # one entity at a time: its indexes keep the order
    page = lite_page(selectors.queue(request.user, f), page_param(request), 25)
    for r in page.object_list:
        r.reading = clock.read(r, f.now)
    query = request.GET.copy()
    query.pop("page", None)
    keep = query.copy()
    keep.pop("show", None)
    return render(request, "support/queue.html", {
        "page": page, "f": f, "services": services_, "entities": entities if len(entities) > 1 else [],
        "tabs": [(key, TAB_LABELS[key]) for key in selectors.TABS], "priorities": Priority.choices,
        "query": query.urlencode(), "keep": keep.urlencode(),
        "admin_entities": [e for e in entities if request.user.has_perm("support.change_settings", e)],
    })


def _agent_request(request, pk):
    r, as_agent = get_or_404(selectors.request_for, request.user, pk)
    if not as_agent:
        raise PermissionDenied
    return r


@login_required
@require_POST
def answer(request, pk):
    r = _agent_request(request, pk)
    form = AnswerForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        try:
            if d["mode"] == "note":
                services.add_note(actor=request.user, request=r, body=d["body"], attachments=d["attachments"],
                                  client_key=d["client_key"])
                text = _("Internal note added.")
            else:
                services.answer(actor=request.user, request=r, body=d["body"], ask=d["mode"] == "ask",
                                attachments=d["attachments"], client_key=d["client_key"])
                text = _("Question sent: the clock pauses until the member answers.") if d["mode"] == "ask" \
                    else _("Answer sent: the member is told by email.")
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, text)
            return redirect(reverse("support-request", args=[r.pk]) + "#thread-end")
    r = _agent_request(request, pk)
    return render(request, "support/request.html", page_context(request, r, True, answer_form=form), status=400)


@login_required
@require_POST
def assign(request, pk):
    r = _agent_request(request, pk)
    people = selectors.colleagues(r.entity_id, r.service)
    if request.POST.get("take"):
        agent = request.user
    else:
        form = AssignForm(request.POST, people=people)
        if not form.is_valid():
            messages.error(request, _("Choose a colleague of this service."))
            return redirect("support-request", pk=r.pk)
        agent = form.people.get(form.cleaned_data["assigned_to"]) if form.cleaned_data["assigned_to"] else None
    return run_action(request, lambda actor: services.assign(actor=actor, request=r, agent=agent),
                      success=_("You took the request.") if agent == request.user else _("Request given."),
                      redirect_to=reverse("support-request", args=[r.pk]))


@login_required
@require_POST
def priority(request, pk):
    r = _agent_request(request, pk)
    form = PriorityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a priority."))
        return redirect("support-request", pk=r.pk)
    chosen = form.cleaned_data["priority"]
    return run_action(request, lambda actor: services.set_priority(actor=actor, request=r, priority=chosen),
                      success=_("Priority changed."), redirect_to=reverse("support-request", args=[r.pk]))


# --- canned answers ------------------------------------------------------------------------------------


def _canned_form(request, data=None, instance: CannedAnswer | None = None):
    services_ = _staff_or_404(request)
    entities = selectors.staff_entities(request.user)
    initial = {}
    if instance is not None:
        initial = {"entity": instance.entity_id, "service": instance.service, "title": instance.title,
                   "body": instance.body}
    elif request.GET.get("service") in dict(services_):
        initial["service"] = request.GET["service"]
    return CannedForm(data, initial=initial, entities=entities, services=services_)


@login_required
def canned_list(request):
    services_ = _staff_or_404(request)
    service = choice_param(request, "service", [s for s, _l in services_])
    if request.method == "POST":
        form = _canned_form(request, request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                desk.save_canned(actor=request.user, entity=form.entities[d["entity"]], service=d["service"],
                                 title=d["title"], body=d["body"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Canned answer saved."))
                return redirect(reverse("support-canned") + f"?service={d['service']}")
        status = 400
    else:
        form, status = _canned_form(request), 200
    page = paginate(request, selectors.canned(request.user, service=service), 30)
    return render(request, "support/canned.html", {
        "page": page, "form": form, "services": services_, "service": service,
        "multi_entity": len(form.entities) > 1, "query": f"service={service}" if service else ""}, status=status)


@login_required
def canned_edit(request, pk):
    item = get_or_404(selectors.canned_answer, request.user, pk)
    if request.method == "POST" and request.POST.get("delete"):
        return run_action(request, desk.delete_canned, canned=item, success=_("Canned answer deleted."),
                          redirect_to=reverse("support-canned") + f"?service={item.service}")
    form = _canned_form(request, request.POST if request.method == "POST" else None, instance=item)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            desk.save_canned(actor=request.user, entity=form.entities[d["entity"]], service=d["service"],
                             title=d["title"], body=d["body"], canned=item)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Canned answer saved."))
            return redirect(reverse("support-canned") + f"?service={d['service']}")
    return render(request, "support/canned_edit.html", {"form": form, "item": item},
                  status=400 if request.method == "POST" else 200)


# --- settings of an entity -------------------------------------------------------------------------------


@login_required
def settings_page(request, pk):
    entity = get_or_404(selectors.settings_entity, request.user, pk)
    policy = selectors.policy(entity.pk)
    services_ = list(SupportService.choices)
    if request.method == "POST":
        form = SettingsForm(request.POST, services=services_)
        if form.is_valid():
            d = form.cleaned_data
            try:
                desk.save_settings(actor=request.user, entity=entity, day_starts=d["day_starts"], day_ends=d["day_ends"],
                                   reopen_days=d["reopen_days"], targets=form.targets())
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Settings saved: the clocks of open requests follow."))
                return redirect("support-settings", pk=entity.pk)
        return render(request, "support/settings.html", {"form": form, "entity": entity, "day_text": day_text(policy)},
                      status=400)
    initial = {"day_starts": policy.calendar.starts, "day_ends": policy.calendar.ends,
               "reopen_days": policy.reopen_days}
    for service, _label in services_:
        for p in Priority.values:
            initial[f"target_{service}_{p}"] = policy.hours(service, p)
    form = SettingsForm(initial=initial, services=services_)
    return render(request, "support/settings.html", {"form": form, "entity": entity, "day_text": day_text(policy)})


def day_text(policy) -> str:
    hours = policy.calendar.day_seconds / 3600
    return ngettext("A working day is %(n)s hour: high is one working day by default, normal two, low five.",
                    "A working day is %(n)s hours: high is one working day by default, normal two, low five.",
                    math.ceil(hours)) % {"n": number_format(hours, decimal_pos=0 if hours.is_integer() else 1)}
