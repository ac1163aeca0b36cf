"""The internal accounts of subcontracting, added to an entity's chart on first use.

The standard charts (``jurisdictions.charts``) list only the accounts other contexts post to;
accountants may add others, and so does this context — by number, with a role, the way
bookkeeping adds its result accounts. Both jurisdictions, the same idea:

* ``internal_liaison`` — 181 "Inter-activity liaison accounts" (PCG and PCMN class 18, *comptes de
  liaison des établissements et succursales* / *verbindingsrekeningen*): what one part of the legal
  person owes another. Credited on A's axis and debited on B's when the internal invoice is
  issued ("owed by A"), cleared when it is settled. It nets to zero for the entity at all times,
  so it never reaches the balance sheet; on each activity's axis it shows what is still owed.
* ``internal_cost`` — FR 6111 (under 611 *sous-traitance générale*), BE 6029 (under 602
  *services, travaux et études*): A's cost, a class 6 account the budget counts as a cost.
* ``internal_revenue`` — FR 7068, BE 7069 (under 706 / 70): B's revenue, a class 70 account the
  budget counts as invoiced revenue.

Cost and revenue cancel each other in the entity's income statement (one legal person does not
earn from itself) and show on each activity's budget. The money itself moves at settlement
through 580 "Internal transfers" (the account budget movements use): debited on the cooperative's
own axis — where the client's cash was received — and credited on B's axis.

None of these is a client (411/400), VAT (445/451) or bank (512/550) account, and everything is
booked in the miscellaneous journal: VAT returns (documents + VAT accounts + the purchases journal),
e-invoicing and e-reporting (sales documents) never see it, and the budget's contribution hook
(receivable credits) is not triggered: the internal contribution is charged here, at the
entity's internal rate.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_noop

from compagnon.ledger.models import Account
from compagnon.ledger.services import ensure_chart

LIAISON, COST, REVENUE = "internal_liaison", "internal_cost", "internal_revenue"
TRANSFER = "internal_transfer"  # 580, in both standard charts
JOURNAL = "misc"


@dataclass(frozen=True)
class Spec:
    code: str
    name: str
    kind: str
    role: str


CHARTS = {
    "FR": (
        Spec("181", gettext_noop("Inter-activity liaison accounts"), "liability", LIAISON),
        Spec("6111", gettext_noop("Internal subcontracting between activities"), "expense", COST),
        Spec("7068", gettext_noop("Internal services to other activities"), "income", REVENUE),
    ),
    "BE": (
        Spec("181", gettext_noop("Inter-activity liaison accounts"), "liability", LIAISON),
        Spec("6029", gettext_noop("Internal subcontracting between activities"), "expense", COST),
        Spec("7069", gettext_noop("Internal services to other activities"), "income", REVENUE),
    ),
}


def ensure_accounts(entity) -> dict[str, Account]:
    """{role: account} of the entity, creating what is missing (idempotent; an account an
    accountant already opened under the number is used as it is)."""
    ensure_chart(entity)
    specs = CHARTS.get(entity.jurisdiction, CHARTS["FR"])
    have = {a.role: a for a in Account.objects.filter(entity=entity, role__in=[s.role for s in specs])}
    for spec in specs:
        if spec.role in have:
            continue
        account = Account.objects.filter(entity=entity, code=spec.code).first()
        if account is None:
            account = Account.objects.create(
                entity=entity, code=spec.code, name=spec.name, kind=spec.kind, role=spec.role
            )
        have[spec.role] = account
    return have
