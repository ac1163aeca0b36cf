"""Which accounts of an entity's chart feed which line of the budget, by number, never by name.

Numbers come from the jurisdiction's chart (``jurisdictions.charts``) through the stable roles,
and every sub-account (e.g. 6411 under 641) follows its parent:

* revenue — class 70 (FR 706/707…, BE 7001/7061…); goods are the accounts under the chart's
  "revenue_goods" number (FR 707, BE 7001), services the rest of class 70;
* customer advances (deposit invoices, FR 4191, BE 460) — with revenue, for the share of VAT;
* receivables (FR 411/416, BE 400/407) — debits in the sales journal are invoiced amounts, credits
  elsewhere are cash received;
* salaries at employer cost — FR 641 and 645, BE 620 and 621;
* the contribution booked by sales (FR 6281, BE 6130) — left out of the costs: the budget counts
  the contribution on cashed revenue itself (docs/architecture.md, "Activity budget");
* costs — the rest of class 6 (purchases, supplier invoices, expense claims, bank charges…);
* prefinancing outstanding — accounts with the role "prefinancing" (in the chart when
  prefinancing comes; any account an accountant gives that role counts too);
* internal transfers (580 in both charts) — movements between activities.
"""

from __future__ import annotations

from dataclasses import dataclass

from compagnon.jurisdictions import charts
from compagnon.ledger.models import Account, Journal

PREFINANCING_ROLE = "prefinancing"


def _code(jurisdiction: str, role: str) -> str | None:
    try:
        return charts.role_account_code(jurisdiction, role)
    except LookupError:
        return None


def _under(code: str, prefixes) -> bool:
    return any(p and code.startswith(p) for p in prefixes)


@dataclass(frozen=True)
class BudgetAccounts:
    goods: frozenset[int]
    services: frozenset[int]
    advances: frozenset[int]
    receivable: frozenset[int]
    salaries: frozenset[int]
    contribution: frozenset[int]
    costs: frozenset[int]
    prefinancing: frozenset[int]
    transfer: frozenset[int]
    sales_journals: frozenset[int]

    @property
    def revenue(self) -> frozenset[int]:
        return self.goods | self.services


def classify(jurisdiction: str, accounts, sales_journals=()) -> BudgetAccounts:
    """``accounts``: (id, code, role) rows of one entity."""
    goods_code = _code(jurisdiction, "revenue_goods")
    advance = _code(jurisdiction, "customer_advances")
    receivable = [_code(jurisdiction, r) for r in ("receivable", "receivable_doubtful")]
    salaries = [_code(jurisdiction, r) for r in ("salaries", "social_charges")]
    contribution = _code(jurisdiction, "contribution_charge")
    transfer = _code(jurisdiction, "internal_transfer")
    prefinancing = _code(jurisdiction, PREFINANCING_ROLE)
    out: dict[str, set[int]] = {
        k: set()
        for k in (
            "goods",
            "services",
            "advances",
            "receivable",
            "salaries",
            "contribution",
            "costs",
            "prefinancing",
            "transfer",
        )
    }
    for pk, code, role in accounts:
        if role == PREFINANCING_ROLE or (prefinancing and code.startswith(prefinancing)):
            out["prefinancing"].add(pk)
        elif code.startswith("70"):
            out["goods" if goods_code and code.startswith(goods_code) else "services"].add(pk)
        elif advance and code.startswith(advance):
            out["advances"].add(pk)
        elif _under(code, receivable):
            out["receivable"].add(pk)
        elif _under(code, salaries):
            out["salaries"].add(pk)
        elif contribution and code.startswith(contribution):
            out["contribution"].add(pk)
        elif code.startswith("6"):
            out["costs"].add(pk)
        elif transfer and code.startswith(transfer):
            out["transfer"].add(pk)
    return BudgetAccounts(
        **{k: frozenset(v) for k, v in out.items()}, sales_journals=frozenset(sales_journals)
    )


def for_entity(entity) -> BudgetAccounts:
    """Two small queries (the entity's accounts and its sales journals)."""
    return for_entities([entity])[entity.pk]


def for_entities(entities) -> dict[int, BudgetAccounts]:
    """{entity id: its accounts}, two queries whatever the number of entities."""
    entities = {e.pk: e for e in entities}
    rows: dict[int, list] = {pk: [] for pk in entities}
    for entity_id, pk, code, role in Account.objects.filter(
        entity_id__in=list(entities)
    ).values_list("entity_id", "id", "code", "role"):
        rows[entity_id].append((pk, code, role))
    journals: dict[int, list] = {pk: [] for pk in entities}
    for entity_id, pk in Journal.objects.filter(
        entity_id__in=list(entities), role="sales"
    ).values_list("entity_id", "id"):
        journals[entity_id].append(pk)
    return {pk: classify(e.jurisdiction, rows[pk], journals[pk]) for pk, e in entities.items()}
