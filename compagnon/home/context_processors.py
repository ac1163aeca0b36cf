from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from compagnon import permissions


def navigation(request):
    """Navigation entries by role, built from the user's scope (no extra query once cached).

    On the top floor: it links every context's pages and reads the permission scope."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    scope = permissions.scope_for(user)
    nav = [("home", _("Home"), reverse("home"))]
    if scope.is_member:
        nav.append(("activities", _("My activities"), reverse("activity-list")))
        nav.append(("money", _("Money"), reverse("money")))
    if scope.is_member or scope.is_accountant or scope.is_admin:
        nav.append(("documents", _("Quotes and invoices"), reverse("document-list")))
    if scope.is_staff_role or scope.is_member:
        nav.append(
            (
                "members",
                _("Members") if scope.is_staff_role else _("Colleagues"),
                reverse("member-list"),
            )
        )
    if scope.is_admin or scope.is_advisor:
        nav.append(("invitations", _("Invitations"), reverse("invitation-list")))
    if scope.is_admin or scope.is_accountant:
        nav.append(("entities", _("Entities"), reverse("entity-list")))
    if scope.is_member or scope.is_staff_role:
        nav.append(("ledger", _("Books"), reverse("ledger-index")))
    if scope.is_accountant or scope.is_admin:
        nav.append(("reports", _("Reports"), reverse("reports-index")))
    if scope.is_accountant:
        nav.append(("bookkeeping", _("Accounting work"), reverse("bookkeeping-index")))
    if scope.is_accountant:
        nav.append(("vatreturns", _("VAT returns"), reverse("vatreturns-index")))
    if scope.is_accountant or scope.is_admin:
        nav.append(("exports", _("Exports"), reverse("exports-index")))
    if scope.is_member or scope.is_staff_role:
        nav.append(("clients", _("Clients"), reverse("client-list")))
    if scope.member_active:
        nav.append(("jobs", _("Jobs"), reverse("jobs-list")))
    if scope.is_advisor or scope.is_admin:
        nav.append(("jobs-check", _("Jobs to check"), reverse("jobs-check")))
    if scope.is_member:
        nav.append(("today", _("Today's visits"), reverse("interventions-today")))
    if scope.is_member or scope.is_staff_role:
        nav.append(("fieldwork", _("Field work"), reverse("fieldwork-index")))
    if scope.is_member:
        nav.append(("homeservices", _("Invoices to send"), reverse("homeservices-index")))
    if scope.is_member or scope.is_admin or scope.is_advisor:
        nav.append(("barter", _("Skill barter"), reverse("cooperation-barter")))
        nav.append(("positions", _("Shared positions"), reverse("cooperation-positions")))
        nav.append(("subcontracting", _("Subcontracting"), reverse("subcontracting-list")))
    if scope.member_active or scope.is_admin or scope.is_advisor or scope.is_accountant:
        nav.append(("buying", _("Buying together"), reverse("buying-groups")))
    if scope.is_member or scope.is_admin or scope.is_accountant:
        nav.append(("governance", _("Governing together"), reverse("governance-index")))
    if scope.entity_wide:
        nav.append(("bank", _("Bank"), reverse("bank-account-list")))
    if scope.is_accountant or scope.is_admin:
        nav.append(("payments", _("Payments to match"), reverse("payments-index")))
    if scope.is_accountant or scope.is_admin:
        nav.append(("ereporting", _("E-reporting"), reverse("ereporting-index")))
    if scope.is_member or scope.is_admin or "collections" in scope.support_services:
        nav.append(("collections", _("Collections"), reverse("collections-cases")))
    if scope.is_admin:
        nav.append(("collection-plans", _("Collection plan"), reverse("collections-plans")))
    if scope.is_accountant or scope.is_admin:
        nav.append(("payouts", _("Transfers"), reverse("payout-batch-list")))
    if scope.is_member or scope.is_accountant or scope.is_admin:
        nav.append(("assets", _("Fixed assets"), reverse("asset-list")))
    nav.append(("history", _("History"), reverse("audit-list")))
    return {"nav": nav, "scope": scope}
