"""Which client or supplier a line of a client or supplier account belongs to (its sub-account).

A line on the receivable carries its client (``EntryLine.client``). Lines on the supplier account
carry no supplier: the supplier invoice's own entry names it (its source), and a transfer batch's
line names it through the supplier invoice it pays. Nothing else is guessed: a line whose party
is unknown has ``None``.
"""

from __future__ import annotations

from collections import defaultdict

from compagnon.ledger.models import EntryLine
from compagnon.purchases.models import SupplierInvoice

LETTERABLE_ROLES = ("receivable", "receivable_doubtful", "supplier")
SUPPLIER_INVOICE = "purchases.supplierinvoice"

CLIENT, SUPPLIER = "client", "supplier"


def supplier_links(
    entity_id: int, account_ids
) -> tuple[dict[int, int], list[tuple[list[int], int, int]]]:
    """({line id: supplier id}, [(invoice's lines, batch line paying it, payout line id)]) for the
    lines of ``account_ids``: a supplier invoice's entry names its supplier; the transfer batch's
    line for the same activity, account and amount pays it. Three queries."""
    rows = list(
        SupplierInvoice.objects.filter(
            entity_id=entity_id, entry__isnull=False, supplier__isnull=False
        ).values(
            "id",
            "supplier_id",
            "entry_id",
            "payout_line_id",
            "payout_line__batch__entry_id",
            "payout_line__amount",
            "payout_line__activity_id",
            "payout_line__debit_account_id",
        )
    )
    parties: dict[int, int] = {}
    by_entry = {r["entry_id"]: r for r in rows}
    own: dict[int, list[int]] = defaultdict(list)
    for pk, entry_id in EntryLine.objects.filter(
        entry_id__in=list(by_entry), account_id__in=list(account_ids)
    ).values_list("id", "entry_id"):
        parties[pk] = by_entry[entry_id]["supplier_id"]
        own[by_entry[entry_id]["id"]].append(pk)
    pairs = []
    paid = [r for r in rows if r["payout_line__batch__entry_id"]]
    if paid:
        lines = list(
            EntryLine.objects.filter(
                entry_id__in={r["payout_line__batch__entry_id"] for r in paid},
                account_id__in=list(account_ids),
                debit__gt=0,
            )
            .order_by("id")
            .values("id", "entry_id", "account_id", "debit", "activity_id")
        )
        used: set[int] = set()
        for r in paid:
            for line in lines:
                if (
                    line["id"] not in used
                    and line["entry_id"] == r["payout_line__batch__entry_id"]
                    and line["debit"] == r["payout_line__amount"]
                    and line["activity_id"] == r["payout_line__activity_id"]
                    and line["account_id"] == r["payout_line__debit_account_id"]
                ):
                    used.add(line["id"])
                    parties[line["id"]] = r["supplier_id"]
                    pairs.append((own.get(r["id"], []), line["id"], r["payout_line_id"]))
                    break
    return parties, pairs


def supplier_lines(entity_id: int, account_ids) -> dict[int, int]:
    """{line id: supplier id} (see ``supplier_links``)."""
    return supplier_links(entity_id, account_ids)[0]


def party_of(lines, entity_id: int) -> dict[int, tuple[str, int] | None]:
    """{line id: (CLIENT, id) | (SUPPLIER, id) | None} for EntryLine objects or value dicts of
    ``entity_id``."""
    lines = list(lines)
    get = (lambda line, k: line[k]) if lines and isinstance(lines[0], dict) else getattr
    out: dict[int, tuple[str, int] | None] = {}
    need_supplier = []
    for line in lines:
        client_id = get(line, "client_id")
        out[get(line, "id")] = (CLIENT, client_id) if client_id else None
        if not client_id:
            need_supplier.append(line)
    if need_supplier:
        accounts = {get(line, "account_id") for line in need_supplier}
        for pk, supplier_id in supplier_lines(entity_id, accounts).items():
            if pk in out:
                out[pk] = (SUPPLIER, supplier_id)
    return out
