"""Automatic lettering: where payments already link documents, letter what balances.

The links are those payments and purchases keep:

* a payment allocation (``payments.Allocation``) links the invoice's receivable line (the sales
  entry of the document) with the receivable line of the matching run's entry for that client and
  activity; a credit note used on an invoice links the two documents' lines; a client credit later
  used or refunded links the run lines; an undone allocation links its run line with its reversal
  line (and no longer the invoice);
* a supplier invoice paid by transfer links its payable line with the batch's payable line for
  that transfer, and a transfer returned by the bank links the batch line with the return.

Linked lines form groups (connected components). A group that balances to zero, on one account and
for one client or supplier, is lettered, dated the day of its latest line. Running again is
idempotent: an automatic lettering that is still a balanced group stays as it is; one whose group
changed (a payment undone, a second payment completing a partly paid invoice) is undone and the new
group lettered. Lines an accountant lettered by hand are never touched.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.ledger.models import Account, EntryLine
from compagnon.ledger.money import ZERO
from compagnon.payments.models import Allocation, AllocationKind

from .models import LetterCounter, LetteredLine, Lettering, code_for
from .parties import LETTERABLE_ROLES, supplier_links

DOCUMENT = "sales.document"
PAYOUT_LINE = "payouts.payoutline"
UNDONE_REASON = gettext_noop(
    "The payments linking these lines changed: lettered again automatically."
)


@dataclass
class Result:
    lettered: int = 0
    undone: int = 0
    kept: int = 0


class _Groups:
    def __init__(self):
        self.parent: dict[int, int] = {}

    def add(self, a: int) -> None:
        self.parent.setdefault(a, a)

    def find(self, a: int) -> int:
        root = a
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[a] != root:
            self.parent[a], a = root, self.parent[a]
        return root

    def union(self, many) -> None:
        many = [x for x in many if x in self.parent]
        for other in many[1:]:
            ra, rb = self.find(many[0]), self.find(other)
            if ra != rb:
                self.parent[rb] = ra

    def components(self) -> list[list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        for node in self.parent:
            out[self.find(node)].append(node)
        return list(out.values())


def _receivable_links(entity, accounts, client_ids, groups, lines) -> None:
    by_doc: dict[int, list[int]] = defaultdict(list)
    by_key: dict[tuple, list[int]] = defaultdict(list)
    for line in lines.values():
        if line["account_id"] not in accounts:
            continue
        if line["entry__source_type"] == DOCUMENT and line["entry__kind"] == "issue":
            by_doc[line["entry__source_id"]].append(line["id"])
        by_key[(line["entry_id"], line["client_id"], line["activity_id"])].append(line["id"])
    allocations = Allocation.objects.filter(entity=entity)
    if client_ids is not None:
        allocations = allocations.filter(
            Q(client_id__in=client_ids) | Q(document__client_id__in=client_ids)
        )
    rows = list(
        allocations.values(
            "id",
            "kind",
            "document_id",
            "credit_note_id",
            "credit_from_id",
            "client_id",
            "activity_id",
            "entry_id",
            "reversal_entry_id",
            "reversed_at",
        )
    )
    by_id = {r["id"]: r for r in rows}

    def run_lines(a, entry_id):
        return by_key.get((entry_id, a["client_id"], a["activity_id"]), []) if entry_id else []

    for a in rows:
        if a["reversed_at"] is not None:
            groups.union(run_lines(a, a["entry_id"]) + run_lines(a, a["reversal_entry_id"]))
            continue
        if a["kind"] in (AllocationKind.INVOICE, AllocationKind.REFUND) and a["document_id"]:
            groups.union(by_doc.get(a["document_id"], []) + run_lines(a, a["entry_id"]))
        if a["kind"] == AllocationKind.CREDIT_USE:
            if a["credit_note_id"]:
                groups.union(by_doc.get(a["document_id"], []) + by_doc.get(a["credit_note_id"], []))
            elif a["credit_from_id"] in by_id:
                source = by_id[a["credit_from_id"]]
                groups.union(
                    by_doc.get(a["document_id"], []) + run_lines(source, source["entry_id"])
                )
        if a["kind"] == AllocationKind.REFUND and a["credit_from_id"] in by_id:
            source = by_id[a["credit_from_id"]]
            groups.union(run_lines(a, a["entry_id"]) + run_lines(source, source["entry_id"]))


def _supplier_links(entity, accounts, groups, lines) -> dict[int, int]:
    parties, pairs = supplier_links(entity.pk, accounts)
    returns: dict[int, list[int]] = defaultdict(list)
    for line in lines.values():
        if line["account_id"] in accounts and line["entry__source_type"] == PAYOUT_LINE:
            returns[line["entry__source_id"]].append(line["id"])
    for invoice_lines, batch_line, payout_line_id in pairs:
        groups.union([*invoice_lines, batch_line, *returns.get(payout_line_id, [])])
    return parties


def letter_entity(entity, *, actor=None, client_ids=None) -> Result:
    """Letter what payments link in ``entity``'s books (only these clients' lines when
    ``client_ids`` is given: what a payment run touched). Idempotent."""
    with transaction.atomic():
        return _letter(entity, actor=actor, client_ids=client_ids)


def _letter(entity, *, actor, client_ids) -> Result:
    result = Result()
    accounts = {a.pk: a for a in Account.objects.filter(entity=entity, role__in=LETTERABLE_ROLES)}
    if not accounts:
        return result
    receivable = {pk for pk, a in accounts.items() if a.role != "supplier"}
    payable = {pk for pk, a in accounts.items() if a.role == "supplier"}
    qs = EntryLine.objects.filter(account_id__in=list(accounts))
    if client_ids is not None:
        qs = qs.filter(client_id__in=client_ids, account_id__in=receivable)
    manual = set(
        LetteredLine.objects.filter(
            lettering__account_id__in=list(accounts), lettering__automatic=False
        ).values_list("line_id", flat=True)
    )
    lines = {
        r["id"]: r
        for r in qs.values(
            "id",
            "entry_id",
            "entry__source_type",
            "entry__source_id",
            "entry__kind",
            "account_id",
            "client_id",
            "activity_id",
            "debit",
            "credit",
            "date",
        )
        if r["id"] not in manual
    }
    groups = _Groups()
    for pk in lines:
        groups.add(pk)
    if receivable:
        _receivable_links(entity, receivable, client_ids, groups, lines)
    suppliers: dict[int, int] = {}
    if payable and client_ids is None:
        suppliers = _supplier_links(entity, payable, groups, lines)

    def party(pk):
        line = lines[pk]
        return (
            ("client", line["client_id"]) if line["client_id"] else ("supplier", suppliers.get(pk))
        )

    good: dict[frozenset, list[int]] = {}
    for component in groups.components():
        if len(component) < 2:
            continue
        if (
            len({lines[pk]["account_id"] for pk in component}) != 1
            or len({party(pk) for pk in component}) != 1
        ):
            continue
        if sum((lines[pk]["debit"] - lines[pk]["credit"] for pk in component), ZERO) != ZERO:
            continue
        good[frozenset(component)] = sorted(component)
    existing: dict[int, set[int]] = defaultdict(set)
    for lettering_id, line_id in LetteredLine.objects.filter(
        lettering__automatic=True, lettering__account_id__in=list(accounts), line_id__in=list(lines)
    ).values_list("lettering_id", "line_id"):
        existing[lettering_id].add(line_id)
    keep = set()
    undo = []
    for lettering_id, line_ids in existing.items():
        if frozenset(line_ids) in good:
            keep.add(frozenset(line_ids))
        else:
            undo.append(lettering_id)
    if undo:
        LetteredLine.objects.filter(lettering_id__in=undo).delete()
        Lettering.objects.filter(pk__in=undo).update(
            undone_at=timezone.now(), undone_reason=UNDONE_REASON, undone_by=None
        )
    result.undone, result.kept = len(undo), len(keep)
    new = [ids for key, ids in good.items() if key not in keep]
    if new:
        _bulk_letter(entity, accounts, lines, new, actor)
    result.lettered = len(new)
    if new or undo:
        record(
            actor=actor,
            action="lettering.automatic",
            obj=entity,
            entity=entity,
            message=gettext_noop(
                "Automatic lettering: %(lettered)s groups of lines lettered, %(undone)s undone"
            ),
            params={"lettered": result.lettered, "undone": result.undone},
        )
    return result


def _bulk_letter(entity, accounts, lines, groups: list[list[int]], actor) -> None:
    by_account: dict[int, list[list[int]]] = defaultdict(list)
    for ids in groups:
        by_account[lines[ids[0]]["account_id"]].append(ids)
    user = actor if getattr(actor, "is_authenticated", False) else None
    for account_id, account_groups in sorted(by_account.items()):
        LetterCounter.objects.get_or_create(account_id=account_id)
        counter = LetterCounter.objects.select_for_update().get(account_id=account_id)
        first = counter.last + 1
        counter.last += len(account_groups)
        counter.save(update_fields=["last"])
        letterings = Lettering.objects.bulk_create(
            [
                Lettering(
                    entity=entity,
                    account_id=account_id,
                    number=first + i,
                    code=code_for(first + i),
                    date=max(lines[pk]["date"] for pk in ids),
                    automatic=True,
                    created_by=user,
                )
                for i, ids in enumerate(account_groups)
            ]
        )
        LetteredLine.objects.bulk_create(
            [
                LetteredLine(lettering=lettering, line_id=pk)
                for lettering, ids in zip(letterings, account_groups, strict=True)
                for pk in ids
            ],
            batch_size=1000,
        )
