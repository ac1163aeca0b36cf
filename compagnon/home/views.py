"""The home pages: one per role, combining what the contexts below show (members, activities…)."""

import hashlib

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from compagnon import permissions
from compagnon.core.params import choice_param, paginate, text_param
from compagnon.members import selectors as member_selectors
from compagnon.members.models import ActivityStatus, Member, MemberStatus
from compagnon.notifications import selectors as notification_selectors

from . import dashboard, rows

NEWS = 5  # latest notifications on the home page


def index(request):
    return redirect("home" if request.user.is_authenticated else "account_login")


def member_dashboard(user, memberships) -> dict:
    """The member's own dashboard: money per activity and in total, to-dos, latest news."""
    activities = [m.activity for m in memberships]
    open_ones = [m.activity for m in memberships if m.activity.status != ActivityStatus.CLOSED]
    return {
        "money": dashboard.money(user, activities),
        "todos": dashboard.todos(user, [a.pk for a in activities]),
        "news": list(notification_selectors.notifications(user)[:NEWS]),
        "log_time": open_ones[0] if open_ones else None,
        "several_activities": len(activities) > 1,
        "activities": activities,  # for the budget figures: not read again
    }


@login_required
def money(request):
    """Money, from the menu: the figures of each of my activities, each linking to its money page
    (straight to it when there is only one)."""
    memberships = member_selectors.my_memberships(request.user)
    if len(memberships) == 1:
        return redirect("activity-money", memberships[0].activity_id)
    activities = [m.activity for m in memberships]
    return render(request, "home/money.html", {"money": dashboard.money(request.user, activities)})


@login_required
def home(request):
    """One page per role; a person with several roles sees each of their sections."""
    scope = permissions.scope_for(request.user)
    context = {"scope": scope}
    if scope.is_member:
        member = Member.objects.select_related("user", "office", "entity", "advisor").get(
            pk=scope.member_id
        )
        memberships = member_selectors.my_memberships(request.user)
        ids = [m.activity_id for m in memberships]
        detail_urls = dashboard.urls_by_pk("activity-detail", ids)
        settings_urls = dashboard.urls_by_pk("activity-settings", ids)
        logo_urls = dashboard.urls_by_pk("activity-logo", ids)
        for m in memberships:  # the list links each activity thrice: one reverse() per link name
            if m.activity.entity_id == member.entity_id:  # the budgets need it: not read again
                m.activity.entity = member.entity
            m.detail_url, m.settings_url = detail_urls[m.activity_id], settings_urls[m.activity_id]
            # as Activity.logo_url, without its reverse() per activity
            logo = m.activity.logo
            m.logo_url = (
                f"{logo_urls[m.activity_id]}?v={hashlib.sha256(logo.name.encode()).hexdigest()[:12]}"
                if logo
                else ""
            )
        context.update(
            member=member,
            memberships=memberships,
            activity_items=rows.activity_items(memberships),
            attention=member_selectors.member_attention(request.user, member, memberships),
            recent=member_selectors.history(request.user, member=member, limit=5),
            **member_dashboard(request.user, memberships),
        )
    if scope.is_advisor:
        dash = member_selectors.advisor_dashboard(
            request.user,
            search=text_param(request, "q"),
            status=choice_param(request, "status", MemberStatus.values),
        )
        dash["page"] = paginate(request, dash.pop("followed"), 25)
        context["advisor"] = dash
        if request.htmx and request.htmx.target == "advisor-members":
            return render(
                request,
                "members/_member_rows.html",
                {"page": dash["page"], "q": text_param(request, "q")},
            )
    if scope.is_accountant or scope.is_admin:
        context["entities"] = member_selectors.entity_dashboard(request.user)
    if scope.is_support:
        context["support_services"] = sorted(scope.support_services)
    return render(request, "home/home.html", context)
