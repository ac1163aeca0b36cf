import functools

from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

from compagnon import permissions


@functools.lru_cache(maxsize=256)
def _reversed(name: str, prefix: str) -> str:
    return reverse(name)


def _url(name: str) -> str:
    """The menu's links are the same on every page: each is reversed once per process (per script
    prefix), not on every request."""
    return _reversed(name, get_script_prefix())


def navigation(request):
    """Navigation entries by role, built from the user's scope (no extra query once cached).

    On the top floor: it links every context's pages and reads the permission scope."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    scope = permissions.scope_for(user)
    nav = [("home", _("Home"), _url("home"))]
    if scope.is_member:
        nav.append(("activities", _("My activities"), _url("activity-list")))
        nav.append(("money", _("Money"), _url("money")))
    if scope.is_member or scope.is_accountant or scope.is_admin:
        nav.append(("documents", _("Quotes and invoices"), _url("document-list")))
    if scope.is_staff_role or scope.is_member:
        nav.append(
            (
                "members",
                _("Members") if scope.is_staff_role else _("Colleagues"),
                _url("member-list"),
            )
        )
    if scope.is_admin or scope.is_advisor:
        nav.append(("invitations", _("Invitations"), _url("invitation-list")))
    if scope.is_admin or scope.is_accountant:
        nav.append(("entities", _("Entities"), _url("entity-list")))
    if scope.is_member or scope.is_staff_role:
        nav.append(("ledger", _("Books"), _url("ledger-index")))
    if scope.is_accountant or scope.is_admin:
        nav.append(("reports", _("Reports"), _url("reports-index")))
    if scope.is_accountant:
        nav.append(("bookkeeping", _("Accounting work"), _url("bookkeeping-index")))
    if scope.is_accountant:
        nav.append(("vatreturns", _("VAT returns"), _url("vatreturns-index")))
    if scope.is_accountant or scope.is_admin:
        nav.append(("exports", _("Exports"), _url("exports-index")))
    if scope.is_member or scope.is_staff_role:
        nav.append(("clients", _("Clients"), _url("client-list")))
    if scope.member_active:
        nav.append(("jobs", _("Jobs"), _url("jobs-list")))
    if scope.is_advisor or scope.is_admin:
        nav.append(("jobs-check", _("Jobs to check"), _url("jobs-check")))
    if scope.is_member:
        nav.append(("today", _("Today's visits"), _url("interventions-today")))
    if scope.is_member or scope.is_staff_role:
        nav.append(("fieldwork", _("Field work"), _url("fieldwork-index")))
    if scope.is_member:
        nav.append(("homeservices", _("Invoices to send"), _url("homeservices-index")))
    if scope.is_member or scope.is_admin or scope.is_advisor:
        nav.append(("barter", _("Skill barter"), _url("cooperation-barter")))
        nav.append(("positions", _("Shared positions"), _url("cooperation-positions")))
        nav.append(("subcontracting", _("Subcontracting"), _url("subcontracting-list")))
    if scope.member_active or scope.is_admin or scope.is_advisor or scope.is_accountant:
        nav.append(("buying", _("Buying together"), _url("buying-groups")))
    if scope.is_member or scope.is_admin or scope.is_accountant:
        nav.append(("governance", _("Governing together"), _url("governance-index")))
    if scope.entity_wide:
        nav.append(("bank", _("Bank"), _url("bank-account-list")))
    if scope.is_accountant or scope.is_admin:
        nav.append(("payments", _("Payments to match"), _url("payments-index")))
    if scope.is_accountant or scope.is_admin:
        nav.append(("ereporting", _("E-reporting"), _url("ereporting-index")))
    if scope.is_member or scope.is_admin or "collections" in scope.support_services:
        nav.append(("collections", _("Collections"), _url("collections-cases")))
    if scope.is_admin:
        nav.append(("collection-plans", _("Collection plan"), _url("collections-plans")))
    if scope.is_accountant or scope.is_admin:
        nav.append(("payouts", _("Transfers"), _url("payout-batch-list")))
    if scope.is_member or scope.is_accountant or scope.is_admin:
        nav.append(("assets", _("Fixed assets"), _url("asset-list")))
    if scope.is_member or scope.is_staff_role:
        nav.append(("directory", _("Directory"), _url("directory-search")))
        nav.append(("messages", _("Messages"), _url("messaging-inbox")))
        nav.append(("agenda", _("Agenda and trainings"), _url("events-agenda")))
        nav.append(("news", _("News"), _url("mailings-news")))
    if scope.is_member:
        nav.append(("first-steps", _("My first steps"), _url("onboarding-mine")))
        nav.append(("my-advisor", _("My advisor"), _url("advising-mine")))
        nav.append(("support", _("Ask for help"), _url("support-mine")))
    if scope.is_advisor or scope.is_admin:
        nav.append(("my-members", _("My members"), _url("advising-members")))
        nav.append(("onboarding-follow", _("New members' first steps"), _url("onboarding-follow")))
    if scope.is_admin:
        nav.append(("onboarding-paths", _("Onboarding paths"), _url("onboarding-paths")))
    if scope.is_support or scope.is_admin:
        nav.append(("support-queue", _("Support requests"), _url("support-queue")))
    if scope.is_admin or scope.is_advisor:
        nav.append(("mailings", _("Mailings"), _url("mailings-list")))
    if scope.is_member or scope.is_staff_role:
        nav.append(("procedures", _("Procedures"), _url("procedures-index")))
        nav.append(("peerhelp", _("Help each other"), _url("peerhelp-index")))
        nav.append(("tenders", _("Tenders and grants"), _url("tenders-list")))
    if scope.is_member:
        nav.append(("aftersales", _("After-sales"), _url("aftersales-list")))
    if scope.is_admin or scope.is_support:
        nav.append(("aftersales-queue", _("After-sales queue"), _url("aftersales-queue")))
    if scope.is_admin or scope.is_advisor:
        nav.append(("recruiting", _("Recruiting"), _url("recruiting-board")))
    nav.append(("help", _("Help"), _url("knowledge-index")))
    nav.append(("history", _("History"), _url("audit-list")))
    return {"nav": nav, "scope": scope}
