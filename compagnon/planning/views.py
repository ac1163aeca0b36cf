"""Pages: a sector's proposals (ask for one), the review of a proposal (per member and day, the
travel, the visits left out and why), moving a visit, accepting or discarding it. While the task
worker computes, the page polls (htmx) until the proposal is ready."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from compagnon.core.views_helpers import get_or_404, run_action

from . import problem as plans
from . import selectors, services
from .forms import MoveForm, ProposeForm
from .models import Outcome, ProposalState


def _may(request, perm, obj) -> bool:
    return request.user.has_perm(perm, obj)


@login_required
def sector_proposals(request, sector_pk):
    """The sector's proposals and the form to ask for one."""
    sector = get_or_404(selectors.sector, request.user, sector_pk)
    members = selectors.sector_members(sector)
    may_propose = _may(request, "planning.propose", sector)
    form = ProposeForm(request.POST or None, weeks=selectors.weeks_to_come(), members=members)
    status = 200
    if request.method == "POST":
        if not may_propose:
            raise PermissionDenied(
                _(
                    "Only the sector's members and lead, its advisors and administrators can ask for a plan."
                )
            )
        if form.is_valid():
            response = run_action(
                request,
                services.propose,
                form=form,
                sector=sector,
                week=datetime.date.fromisoformat(form.cleaned_data["week"]),
                keep_member_ids=form.cleaned_data["keep"],
                success=_("The plan is being computed: it takes a few seconds."),
                redirect_to=reverse("planning-sector", args=[sector.pk]),
            )
            if response is not None:
                return redirect("planning-proposal", response.result.pk)
        status = 400
    return render(
        request,
        "planning/sector.html",
        {
            "sector": sector,
            "form": form,
            "may_propose": may_propose,
            "proposals": selectors.proposals(request.user, sector_id=sector.pk)[:20],
        },
        status=status,
    )


def _review_context(request, proposal):
    context = {
        "proposal": proposal,
        "may_change": _may(request, "planning.change_proposal", proposal),
        "may_discard": _may(request, "planning.discard_proposal", proposal),
    }
    if proposal.state in (ProposalState.READY, ProposalState.ACCEPTED, ProposalState.DISCARDED):
        context.update(selectors.review(request.user, proposal))
    return context


@login_required
def proposal_detail(request, pk):
    proposal = services.fail_stale(get_or_404(selectors.proposal, request.user, pk))
    return render(request, "planning/proposal.html", _review_context(request, proposal))


@login_required
def proposal_status(request, pk):
    """Polled by the page while the proposal is computed: the spinner again, or a full reload."""
    proposal = services.fail_stale(get_or_404(selectors.proposal, request.user, pk))
    if proposal.state != ProposalState.COMPUTING and request.htmx:
        response = HttpResponse("")
        response["HX-Refresh"] = "true"
        return response
    return render(request, "planning/_computing.html", {"proposal": proposal})


@login_required
def proposal_move(request, pk, line_pk):
    proposal = get_or_404(selectors.proposal, request.user, pk)
    line = get_or_404(selectors.line, proposal, line_pk)
    members = selectors.sector_members(proposal.sector)
    form = MoveForm(
        request.POST or None,
        members=members,
        days=plans.workdays(proposal.week),
        initial={"member": line.member_id or "", "day": line.day.isoformat() if line.day else ""},
    )
    if request.method == "POST":
        if not _may(request, "planning.change_proposal", proposal):
            raise PermissionDenied(_("This proposal can no longer be changed."))
        if form.is_valid():
            response = run_action(
                request,
                services.move,
                form=form,
                item=line,
                member=form.cleaned_data["member"],
                day=form.cleaned_data["day"],
                success=_("The visit was moved in the proposal."),
                redirect_to=reverse("planning-proposal", args=[proposal.pk]) + f"#line-{line.pk}",
            )
            if response is not None:
                return response
        return render(
            request,
            "planning/move.html",
            {"proposal": proposal, "line": line, "form": form},
            status=400,
        )
    return render(request, "planning/move.html", {"proposal": proposal, "line": line, "form": form})


@login_required
@require_POST
def proposal_accept(request, pk):
    proposal = get_or_404(selectors.proposal, request.user, pk)
    if not _may(request, "planning.change_proposal", proposal):
        raise PermissionDenied(_("This proposal can no longer be changed."))

    def said(result):
        refused = result.items.filter(outcome=Outcome.REFUSED).count()
        text = _("The plan was accepted.")
        if refused:
            text += " " + ngettext(
                "%(count)s visit could not be planned: see why below.",
                "%(count)s visits could not be planned: see why below.",
                refused,
            ) % {"count": refused}
        return text

    return run_action(
        request,
        services.accept,
        proposal=proposal,
        success=said,
        redirect_to=reverse("planning-proposal", args=[proposal.pk]),
    )


@login_required
@require_POST
def proposal_discard(request, pk):
    proposal = get_or_404(selectors.proposal, request.user, pk)
    if not _may(request, "planning.discard_proposal", proposal):
        raise PermissionDenied(_("This proposal can no longer be discarded."))
    return run_action(
        request,
        services.discard,
        proposal=proposal,
        success=_("The proposal was discarded."),
        redirect_to=reverse("planning-sector", args=[proposal.sector_id]),
    )
