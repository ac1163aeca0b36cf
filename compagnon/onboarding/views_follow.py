"""Advisors (and administrators) follow where each new member stands: the list, stuck first; a
member's steps, where they mark a meeting attended; and the panel on the member's page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon import permissions
from compagnon.core.params import choice_param, id_param, paginate
from compagnon.core.views_helpers import get_or_404, run_action

from . import selectors, services
from .models import Step, StepKind
from .views import lang

SHOWS = ("stuck", "open", "done")


@login_required
def follow(request):
    s = permissions.scope_for(request.user)
    if not (s.advisor_offices or s.admin_entities):
        raise Http404
    office_id = id_param(request, "office")
    show = choice_param(request, "show", SHOWS)
    ids = selectors.follow_list(request.user, office_id=office_id, show=show).values_list("id", flat=True)
    page = paginate(request, ids, 25)
    page.object_list = selectors.follow_rows(page.object_list)
    code = lang()
    for a in page.object_list:
        a.next_title = a.next_step.title(code) if a.next_step else ""
        a.percent = round(100 * a.done_count / a.total_count) if a.total_count else 0
    return render(request, "onboarding/follow.html", {
        "page": page, "show": show, "office_id": office_id, "now": timezone.now(),
        "offices": permissions.offices(request.user).filter(id__in=s.advisor_offices) | permissions.offices(
            request.user).filter(entity_id__in=s.admin_entities),
        "tabs": [("", _("All")), ("stuck", _("Stuck")), ("open", _("In progress")), ("done", _("Completed"))],
    })


def _member_context(request, assignment):
    code = lang()
    rows = [{"state": st, "title": st.step.title(code)} for st in selectors.steps_of(assignment)]
    return {"assignment": assignment, "member": assignment.member, "rows": rows,
            "title": assignment.path.title(code), "signatures": selectors.signatures_of(assignment.member)}


@login_required
def follow_member(request, pk):
    assignment = get_or_404(selectors.followed_assignment, request.user, pk)
    return render(request, "onboarding/follow_member.html", _member_context(request, assignment))


@login_required
@require_POST
def mark_attended(request, pk, step_pk):
    assignment = get_or_404(selectors.followed_assignment, request.user, pk)
    step = Step.objects.filter(pk=step_pk, path_id=assignment.path_id, kind=StepKind.MEETING, archived=False).first()
    if step is None:
        raise Http404
    return run_action(request, services.mark_attended, member=assignment.member, step=step,
                      redirect_to=reverse("onboarding-follow-member", args=[pk]),
                      success=_("Meeting marked as attended."))


def member_panel(request, member) -> str:
    """The member's progress on their page, for the advisors of their office, the administrators
    and the member themself."""
    user = request.user
    if not (user.has_perm("onboarding.follow", member) or user.has_perm("onboarding.walk", member)):
        return ""
    assignment = selectors.active_assignment(member)
    if assignment is None:
        return ""
    return render_to_string("onboarding/_panel.html", {
        "assignment": assignment, "member": member, "title": assignment.path.title(lang()),
        "follows": user.has_perm("onboarding.follow", member),
        "next_title": assignment.next_step.title(lang()) if assignment.next_step else ""}, request=request)
