"""Automatic matching of bank transactions, called by the bank import inside its transaction.

Set-based, so a 10,000-entry statement against a million open invoices stays a few queries:

1. read every transaction once, in memory: its structured reference, every Belgian structured
   communication and RF reference in its communication, the (year, sequence) pairs of the document
   numbers it may name (:mod:`.references`);
2. fetch the candidates in a few queries, scoped to the entity and locked: invoices and deposits
   by ``payment_reference IN (…)``, documents by ``year IN (…) AND sequence IN (…)`` (each then
   confirmed against its printed number), the open credit notes of those invoices;
3. allocate in memory: first a payment the member declared (cheque, cash paid in, see
   :mod:`.declarations`) when the line names its invoice with exactly the declared amount; then, in order of confidence — structured communication, RF reference, number in
   the communication — one transfer may settle several invoices (in the order the client wrote
   them), an underpayment leaves the invoice partially paid, an overpayment becomes the client's
   credit; an open credit note of an invoice settles it first. Outgoing transactions: the bank's
   charges (bank transaction code CHRG, FEES, COMM) and refunds naming a credit note's number;
4. write everything in bulk with one ledger entry per entity (:class:`.booking.Plan`).

What is not matched stays for the staff queue, with suggestions (``selectors.suggestions``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F
from django.utils.translation import gettext_noop

from compagnon.banking.models import BankAccount, BankTransaction, TransactionState
from compagnon.core.services import require
from compagnon.sales import payment
from compagnon.sales.models import SERIES, Document, Kind, PaymentState, State

from . import declarations
from .booking import DOCUMENT_FIELDS, Plan, outstanding
from .models import AllocationKind, Method
from .references import Text, find_references, structured

CHUNK = 2000  # values per IN (…): well within SQLite's and PostgreSQL's parameter limits
CHARGE_CODES = frozenset({"CHRG", "FEES", "COMM"})  # ISO 20022 bank transaction sub-families
OPEN = (PaymentState.AWAITING, PaymentState.PARTIAL)
PAYABLE_KINDS = (Kind.INVOICE, Kind.DEPOSIT)
NUMBERED_SERIES = sorted({SERIES[k] for k in (*PAYABLE_KINDS, Kind.CREDIT_NOTE)})

EXPLANATIONS = {
    Method.OGM: gettext_noop("Matched by structured communication %(reference)s"),
    Method.RF: gettext_noop("Matched by RF reference %(reference)s"),
    Method.NUMBER: gettext_noop("Matched by the number %(reference)s found in the communication"),
}
CREDIT_NOTE_USE = gettext_noop("Settled with credit note %(credit_note)s, which corrects it")
OVERPAYMENT = gettext_noop("The payment exceeded what %(documents)s still owed: the rest is kept as the client's credit")
BANK_CHARGES = gettext_noop("Bank charges (bank transaction code %(code)s)")
REFUND_OF = gettext_noop("Refund of credit note %(reference)s, named in the communication")


@dataclass
class MatchResult:
    matched: int = 0  # transactions fully explained automatically
    to_match: int = 0  # money-in transactions left (entirely or partly) for a person


def _chunks(values):
    values = list(values)
    for i in range(0, len(values), CHUNK):
        yield values[i:i + CHUNK]


def is_bank_charge(bank_code: str) -> bool:
    parts = {p for p in (bank_code or "").upper().replace("/", "-").split("-") if p}
    return bool(parts & CHARGE_CODES)


def _reference_display(kind: str, reference: str) -> str:
    return payment.display(kind, reference)


@transaction.atomic
def match_transactions(transactions, *, actor=None) -> MatchResult:
    """Match freshly imported transactions (any number, any accounts). Updates the given instances
    (``allocated``, ``state``) as it writes them."""
    transactions = [t for t in transactions if t.pk is not None]
    result = MatchResult()
    if not transactions:
        return result
    # lock the rows and read their current matched amount (an earlier run may have matched some)
    current = {}
    for ids in _chunks(t.pk for t in transactions):
        current.update({pk: (allocated, state) for pk, allocated, state in
                        BankTransaction.objects.select_for_update().filter(pk__in=ids)
                        .values_list("pk", "allocated", "state")})
    for t in transactions:
        t.allocated, t.state = current.get(t.pk, (t.allocated, t.state))
    entities = {a.pk: a.entity for a in BankAccount.objects.filter(
        pk__in={t.account_id for t in transactions}).select_related("entity")}
    by_entity = defaultdict(list)
    for t in transactions:
        if t.state in (TransactionState.UNMATCHED, TransactionState.PARTIAL) and t.open_amount > 0:
            by_entity[entities[t.account_id].pk].append(t)
    by_id = {e.pk: e for e in entities.values()}
    for entity_id, open_transactions in by_entity.items():
        entity = by_id[entity_id]
        if actor is not None:
            require(actor, "payments.match_payment", entity)
        _match_entity(entity, open_transactions, actor)
    looked_at = {t.pk for ts in by_entity.values() for t in ts}
    for t in transactions:
        if t.state == TransactionState.MATCHED and t.pk in looked_at:
            result.matched += 1
        elif t.amount > 0 and t.state in (TransactionState.UNMATCHED, TransactionState.PARTIAL):
            result.to_match += 1
    return result


def _candidates(entity, reads):
    """Documents the transactions may name, in a few locked queries: {reference: doc},
    {(year, sequence): [docs]}, {invoice id: [open credit notes]}."""
    base = (Document.objects.select_for_update(of=("self",) if connection.features.has_select_for_update_of else ())
            .filter(entity=entity, state=State.ISSUED).select_related("client").only(*DOCUMENT_FIELDS, "client__name"))
    references = {ref for refs, _text in reads.values() for _kind, ref in refs}
    by_reference = {}
    for chunk in _chunks(references):
        for doc in base.filter(kind__in=PAYABLE_KINDS, payment_reference__in=chunk).only(*DOCUMENT_FIELDS, "payment_reference", "client__name"):
            by_reference[doc.payment_reference] = doc
    pairs = {pair for _refs, text in reads.values() for pair in text.pairs}
    by_pair = defaultdict(list)
    years = {y for y, _s in pairs}
    known = {d.pk: d for d in by_reference.values()}
    for chunk in _chunks({s for _y, s in pairs}):
        # (entity, series, year, sequence) is the numbering's unique index: every column is given
        for doc in base.filter(series__in=NUMBERED_SERIES, year__in=years, sequence__in=chunk,
                               kind__in=(*PAYABLE_KINDS, Kind.CREDIT_NOTE)):
            if (doc.year, doc.sequence) in pairs:
                doc = known.setdefault(doc.pk, doc)  # one instance per document
                by_pair[(doc.year, doc.sequence)].append(doc)
    invoices = [pk for pk, d in known.items() if d.kind in PAYABLE_KINDS and d.payment_state in OPEN]
    credit_notes = defaultdict(list)
    for chunk in _chunks(invoices):
        for note in (base.filter(kind=Kind.CREDIT_NOTE, credited_id__in=chunk, paid_amount__lt=F("payable"))
                     .order_by("issue_date", "id")):
            note = known.setdefault(note.pk, note)
            credit_notes[note.credited_id].append(note)
    return by_reference, by_pair, credit_notes


def _read(t: BankTransaction):
    refs = []
    own = structured(t.structured_reference)
    if own:
        refs.append(own)
    for ref in find_references(t.remittance):
        if ref not in refs:
            refs.append(ref)
    return refs, Text.read(t.remittance)


def _match_entity(entity, transactions, actor) -> None:
    reads = {t.pk: _read(t) for t in transactions}
    by_reference, by_pair, credit_notes = _candidates(entity, reads)
    named_ids = {d.pk for d in by_reference.values()} | {d.pk for docs in by_pair.values() for d in docs}
    declared = declarations.open_declarations(named_ids) if named_ids else {}
    matched_declarations: list = []
    plan = Plan(entity=entity, actor=actor, automatic=True, transactions_seen=len(transactions))
    for t in sorted(transactions, key=lambda t: (t.booking_date, t.pk)):
        refs, text = reads[t.pk]
        named = []  # (document, method, reference as written), most confident first, no repeats
        for kind, ref in refs:
            doc = by_reference.get(ref)
            if doc is not None:
                method = Method.OGM if kind == payment.STRUCTURED else Method.RF
                named.append((doc, method, _reference_display(kind, ref)))
        numbered = {doc.pk: doc for pair in text.pairs for doc in by_pair.get(pair, ())
                    if text.names_number(doc.number)}
        for doc in sorted(numbered.values(), key=lambda d: text.position(d.number)):
            named.append((doc, Method.NUMBER, doc.number))
        seen, unique = set(), []
        for doc, method, ref in named:
            if doc.pk not in seen:
                seen.add(doc.pk)
                unique.append((doc, method, ref))
        if t.amount > 0:
            # a payment the member declared, named with its exact amount, is this deposit
            if not declarations.match_declared(plan, t, unique, declared, matched_declarations):
                _money_in(plan, t, unique, credit_notes)
        else:
            _money_out(plan, t, unique)
    plan.commit()
    declarations.mark_matched(matched_declarations)


def _money_in(plan: Plan, t: BankTransaction, named, credit_notes) -> None:
    invoices = [(d, m, r) for d, m, r in named if d.kind in PAYABLE_KINDS and d.payment_state in OPEN]
    if not invoices:
        return
    remaining = t.open_amount
    settled = []
    for doc, method, ref in invoices:
        if remaining <= 0:
            break
        for note in credit_notes.get(doc.pk, ()):
            use = min(outstanding(note), outstanding(doc))
            if use > 0:
                plan.add(kind=AllocationKind.CREDIT_USE, method=Method.CREDIT_NOTE, amount=use,
                         explanation=CREDIT_NOTE_USE, params={"credit_note": note.number}, document=doc,
                         credit_note=note, client_name=doc.client.name, on=t.booking_date)
        take = min(remaining, outstanding(doc))
        if take <= 0:
            continue
        plan.add(kind=AllocationKind.INVOICE, method=method, amount=take, explanation=EXPLANATIONS[method],
                 params={"reference": ref}, transaction=t, document=doc, client_name=doc.client.name)
        settled.append(doc)
        remaining -= take
    if remaining > 0 and settled:
        first = settled[0]
        plan.add(kind=AllocationKind.CLIENT_CREDIT, method=invoices[0][1], amount=remaining,
                 explanation=OVERPAYMENT, params={"documents": ", ".join(d.number for d in settled)},
                 transaction=t, client_id=first.client_id, activity_id=first.activity_id,
                 client_name=first.client.name)


def _money_out(plan: Plan, t: BankTransaction, named) -> None:
    if is_bank_charge(t.bank_code):
        plan.add(kind=AllocationKind.BANK_CHARGE, method=Method.BANK_CODE, amount=t.open_amount,
                 explanation=BANK_CHARGES, params={"code": t.bank_code}, transaction=t)
        return
    remaining = t.open_amount
    for note, _method, _ref in named:
        if note.kind != Kind.CREDIT_NOTE or remaining <= 0:
            continue
        take = min(remaining, outstanding(note))
        if take > 0:
            plan.add(kind=AllocationKind.REFUND, method=Method.NUMBER, amount=take, explanation=REFUND_OF,
                     params={"reference": note.number}, transaction=t, document=note,
                     client_name=note.client.name)
            remaining -= take

