"""The members' side of requests: the sector's list, a request's page, taking it, proposing a
member, declining a proposal."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon.core.params import choice_param, id_param, paginate
from compagnon.core.views_helpers import get_or_404, run_action
from compagnon.members.models import Member

from . import selectors, services
from .forms import ProposeForm, TakeForm
from .models import RequestState


@login_required
def request_list(request):
    state = choice_param(request, "state", RequestState.values)
    sector_id = id_param(request, "sector")
    qs = selectors.requests(request.user, state=state, sector_id=sector_id)
    page = paginate(request, qs, 25)
    selectors.mark_client_visibility(request.user, page.object_list)
    return render(
        request,
        "fieldwork/request_list.html",
        {
            "page": page,
            "state": state,
            "states": RequestState.choices,
            "sector_id": sector_id,
            "sectors": selectors.sectors(request.user),
        },
    )


def _detail_context(request, req, *, take_form=None, propose_form=None):
    user = request.user
    activities = selectors.activities_to_take(user, req)
    members = selectors.proposable_members(req)
    selectors.mark_client_visibility(user, [req])
    return {
        "req": req,
        "visits": list(req.visits.select_related("member__user").order_by("day", "starts_at")),
        "may_take": user.has_perm("fieldwork.take_request", req)
        or user.has_perm("fieldwork.answer_proposal", req),
        "may_propose": user.has_perm("fieldwork.propose_member", req),
        "may_answer": user.has_perm("fieldwork.answer_proposal", req),
        "take_form": take_form or TakeForm(activities=activities),
        "propose_form": propose_form or ProposeForm(members=members),
        "activities": activities,
    }


@login_required
def request_detail(request, pk: int):
    req = get_or_404(selectors.request_detail, request.user, pk)
    return render(request, "fieldwork/request_detail.html", _detail_context(request, req))


@login_required
def request_photo(request, pk: int, photo_pk: int):
    req = get_or_404(selectors.request_detail, request.user, pk)
    photo = get_object_or_404(req.photos, pk=photo_pk)
    return FileResponse(photo.file.open("rb"), content_type="image/jpeg")


@login_required
@require_POST
def request_take(request, pk: int):
    req = get_or_404(selectors.request_detail, request.user, pk)
    form = TakeForm(request.POST, activities=selectors.activities_to_take(request.user, req))
    if form.is_valid():
        activity = form.activities[form.cleaned_data["activity"]]
        done = run_action(
            request,
            lambda actor: services.take_request(actor=actor, request=req, activity=activity),
            success=_("The request is yours: plan the first visit."),
            redirect_to=reverse("fieldwork-request", args=[pk]),
            form=form,
        )
        if done is not None:
            return redirect("fieldwork-visit", done.result.pk) if done.result is not None else done
    return render(
        request,
        "fieldwork/request_detail.html",
        _detail_context(request, req, take_form=form),
        status=400,
    )


@login_required
@require_POST
def request_propose(request, pk: int):
    req = get_or_404(selectors.request_detail, request.user, pk)
    members = selectors.proposable_members(req)
    form = ProposeForm(request.POST, members=members)
    if form.is_valid():
        member = Member.objects.get(pk=form.cleaned_data["member"])
        done = run_action(
            request,
            lambda actor: services.propose_member(actor=actor, request=req, member=member),
            success=_("Proposed: the member accepts or declines."),
            redirect_to=reverse("fieldwork-request", args=[pk]),
            form=form,
        )
        if done is not None:
            return done
    return render(
        request,
        "fieldwork/request_detail.html",
        _detail_context(request, req, propose_form=form),
        status=400,
    )


@login_required
@require_POST
def request_decline(request, pk: int):
    req = get_or_404(selectors.request_detail, request.user, pk)
    reason = request.POST.get("reason", "")[:200]
    return run_action(
        request,
        lambda actor: services.decline_proposal(actor=actor, request=req, reason=reason),
        success=_("Declined: the sector is told."),
        redirect_to=reverse("fieldwork-requests"),
    )
