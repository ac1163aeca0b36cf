"""The member's employment contracts on their page (``members.panels``), for those who follow them:
the member, the advisors of their office, the entity's accountants and administrators."""

from __future__ import annotations

from django.template.loader import render_to_string

from . import selectors


def contracts_panel(request, member) -> str:
    contracts = list(selectors.contracts_of(request.user, member))
    manage = request.user.has_perm("payroll.manage_contract", member)
    if not contracts and not manage:
        return ""
    return render_to_string("payroll/_contracts_panel.html",
                            {"contracts": contracts, "member": member, "manage": manage}, request=request)
