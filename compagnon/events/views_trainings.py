"""Pages of the trainings: sessions and my requests, my training history, the requests grouped
by topic for the staff."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon import permissions
from compagnon.core.params import id_param, paginate
from compagnon.core.services import require
from compagnon.core.views_helpers import apply_errors, get_or_404, run_action

from . import selectors, trainings
from .forms import TrainingRequestForm
from .models import EventKind, TrainingRequestStatus
from .views import labelled


def _context(request, form=None):
    user = request.user
    s = permissions.scope_for(user)
    page = paginate(request, selectors.agenda_rows(user, kind=EventKind.TRAINING), 20)
    events = list(page.object_list)
    mine = selectors.my_registrations_by_event(user, [e.pk for e in events])
    entity_id = s.member_entity_id
    return {
        "page": page,
        "rows": [(e, mine.get(e.pk)) for e in labelled(events)],
        "requests": list(selectors.my_training_requests(user).filter(status=TrainingRequestStatus.OPEN)[:50]),
        "form": form or (TrainingRequestForm() if s.member_active else None),
        "topics": selectors.topics_of(entity_id) if entity_id else [],
        "staff_entities": list(selectors.request_entities(user)),
    }


@login_required
def trainings_page(request):
    if request.method == "POST":
        form = TrainingRequestForm(request.POST)
        if not permissions.scope_for(request.user).member_active:
            raise Http404
        if form.is_valid():
            try:
                trainings.request_training(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Request noted: you will be told when a session opens."))
                return redirect("events-trainings")
        return render(request, "events/trainings.html", _context(request, form), status=400)
    return render(request, "events/trainings.html", _context(request))


@login_required
@require_POST
def request_withdraw(request, pk):
    req = get_or_404(lambda u, pk: selectors.my_training_requests(u).get(pk=pk), request.user, pk)
    return run_action(request, trainings.withdraw_training_request, request=req, success=_("Request withdrawn."),
                      redirect_to=reverse("events-trainings"))


@login_required
def my_trainings(request):
    member = selectors.own_member(request.user)
    if member is None:
        raise Http404
    history = selectors.training_history(member)
    return render(request, "events/trainings_mine.html", {
        "member": member, "history": history, "total": selectors.hours_trained(history),
    })


@login_required
def training_requests(request):
    """Open requests grouped by topic, with counts per level, for the staff who open sessions."""
    entities = list(selectors.request_entities(request.user))
    if not entities:
        raise Http404
    wanted = id_param(request, "entity")
    entity = next((e for e in entities if e.pk == wanted), None) if wanted else entities[0]
    if entity is None:
        raise Http404
    require(request.user, "events.view_training_requests", entity)
    return render(request, "events/training_requests.html", {
        "entity": entity, "entities": entities, "summary": selectors.request_summary([entity.pk]),
    })
