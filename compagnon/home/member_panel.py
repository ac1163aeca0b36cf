"""The money of a member's activities on their page, for those who follow them: their advisors,
the entity's support agents, accountants and administrators (and the member themself). A
colleague sharing one activity sees the member's page but not this panel. Registered into
``members.panels`` by ``HomeConfig.ready``; the figures are those of the member's dashboard,
read through the same selectors, so they are scoped by the reader's permissions too."""

from __future__ import annotations

from django.template.loader import render_to_string

from compagnon import permissions

from . import dashboard


def may_follow(user, member) -> bool:
    scope = permissions.scope_for(user)
    return (scope.member_id == member.pk or permissions.advises(user, member)
            or member.entity_id in scope.entity_wide)


def money_panel(request, member) -> str:
    if not may_follow(request.user, member):
        return ""
    activities = [m.activity for m in member.activity_memberships.all()]  # prefetched by the page
    if not activities:
        return ""
    money = dashboard.money(request.user, activities)
    return render_to_string("home/_member_money.html", {"money": money, "member": member}, request=request)
