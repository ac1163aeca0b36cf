"""The training history on a member's page (``members.panels`` hook, registered in apps.py), for
the member, the advisors of their office and the entity's staff. Other pages can include
``events/_training_history.html`` with ``history``, ``total`` and ``member``."""

from __future__ import annotations

from django.template.loader import render_to_string

from compagnon.permissions import scope_for

from . import selectors


def may_read_history(user, member) -> bool:
    s = scope_for(user)
    return member.pk == s.member_id or member.office_id in s.advisor_offices or member.entity_id in s.entity_wide


def training_history_context(member) -> dict:
    history = selectors.training_history(member)
    return {"member": member, "history": history, "total": selectors.hours_trained(history)}


def training_history_panel(request, member) -> str:
    if not may_read_history(request.user, member):
        return ""
    return render_to_string("events/_training_history.html", training_history_context(member), request=request)
