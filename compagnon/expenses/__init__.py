"""Expense claims from the phone: receipts, mileage, meal allowances; approval, books, reimbursement."""


def permissions_for(user):
    """What the expense pages need of the user's scope (``money``: entities whose books they keep)."""
    from dataclasses import dataclass

    from compagnon import permissions

    scope = permissions.scope_for(user)

    @dataclass(frozen=True)
    class ExpenseScope:
        is_advisor: bool
        money: frozenset

    return ExpenseScope(is_advisor=scope.is_advisor, money=permissions.money_entities(user))
