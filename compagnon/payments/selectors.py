"""Reads of payments for the pages and the API, each starting from the permission layer.

Staff side (``payments.match_payment``: accountants and administrators of the entity): the matching
queue, suggestions, a transaction and its allocations, choices for manual allocation. An entity
the user cannot see raises ``DoesNotExist`` (404); one they see without the right raises
``PermissionDenied`` (403). Transactions are only ever read through ``money_entities``.

Member side: the payments of a document and the money of an activity follow the activity's
visibility (``permissions.scoped_by_activity``); a client's behaviour reads only that client's
documents. The entity-wide risk of a company number is computed over every activity but returns a
level and nothing else (``risk_level``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from compagnon import permissions
from compagnon.banking.models import BankTransaction, TransactionState
from compagnon.clients.models import Client
from compagnon.members.models import Activity
from compagnon.organisation.models import Entity
from compagnon.sales.models import Document, Kind, PaymentState, State

from .models import ZERO, Allocation, AllocationKind, Declaration, DeclarationState
from .references import name_words, words_similarity

PERM = "payments.match_payment"
OPEN = (PaymentState.AWAITING, PaymentState.PARTIAL)
PAYABLE_KINDS = (Kind.INVOICE, Kind.DEPOSIT)
LIST_LIMIT = 50
HISTORY = 100  # invoices a behaviour or a risk level is computed over (the most recent due dates)
MONEY = DecimalField(max_digits=14, decimal_places=2)
OUTSTANDING = ExpressionWrapper(F("payable") - F("paid_amount"), output_field=MONEY)
OPEN_CREDIT = ExpressionWrapper(F("amount") - F("used_amount"), output_field=MONEY)


def _sum(expression, **filters):
    return Coalesce(Sum(expression, **filters), ZERO, output_field=MONEY)


# --- staff: the matching queue -----------------------------------------------------------------------


def matching_entities(user) -> QuerySet[Entity]:
    """The entities whose payments this user matches."""
    return permissions.entities(user).filter(id__in=permissions.money_entities(user)).order_by("name", "id")


def matching_entity(user, pk: int) -> Entity:
    entity = permissions.entities(user).get(pk=pk)
    if not user.has_perm(PERM, entity):
        raise PermissionDenied(_("Only the accountants and administrators of %(entity)s match its payments.")
                               % {"entity": entity.name})
    return entity


TABS = {
    "in": (_("Money in"), Q(amount__gt=0, state__in=[TransactionState.UNMATCHED, TransactionState.PARTIAL])),
    "out": (_("Money out"), Q(amount__lt=0, state__in=[TransactionState.UNMATCHED, TransactionState.PARTIAL])),
    "aside": (_("Set aside"), Q(state=TransactionState.IGNORED)),
}


def queue(entity: Entity, *, tab: str = "in") -> QuerySet[BankTransaction]:
    return (BankTransaction.objects.filter(account__entity=entity).filter(TABS.get(tab, TABS["in"])[1])
            .select_related("account").order_by("-booking_date", "-id"))


def queue_counts(entity: Entity) -> dict[str, int]:
    return BankTransaction.objects.filter(account__entity=entity).aggregate(
        **{key: Count("id", filter=condition) for key, (_label, condition) in TABS.items()})


def transaction_for(user, pk: int) -> BankTransaction:
    """A transaction of an entity whose payments the user matches; ``DoesNotExist`` otherwise."""
    return (BankTransaction.objects.filter(account__entity_id__in=permissions.money_entities(user))
            .select_related("account__entity", "statement").get(pk=pk))


def transaction_allocations(transaction: BankTransaction) -> list[Allocation]:
    return list(transaction.allocations.select_related("document", "credit_note", "client", "created_by",
                                                       "reversed_by", "credit_from").order_by("id"))


# --- staff: suggestions ------------------------------------------------------------------------------

REASONS = {
    "amount": gettext_noop("same amount as what is still due"),
    "iban": gettext_noop("account already used by this client"),
    "name": gettext_noop("name similar to the client's"),
}
NAME_THRESHOLD = 0.75


@dataclass
class Suggestion:
    document: Document
    amount: Decimal  # what accepting it allocates
    reasons: list[str] = field(default_factory=list)  # msgids of REASONS
    score: float = 0.0

    @property
    def labels(self) -> list[str]:
        return [gettext(r) for r in self.reasons]


def _open_invoices(entity) -> QuerySet[Document]:
    return (Document.objects.filter(entity=entity, kind__in=PAYABLE_KINDS, state=State.ISSUED, payment_state__in=OPEN)
            .annotate(outstanding=OUTSTANDING).select_related("client")
            .only("id", "number", "client_id", "activity_id", "payable", "paid_amount", "due_date", "payment_state",
                  "client__name", "client__activity_id"))


def suggestions(entity, transactions, *, limit: int = 3) -> dict[int, list[Suggestion]]:
    """Up to ``limit`` invoices per incoming transaction, in four queries for any number of
    transactions: open invoices whose outstanding amount equals the transaction's open amount;
    clients whose counterparty IBAN was matched before; clients whose name is like the
    counterparty's; the open invoices of those clients."""
    incoming = [t for t in transactions if t.amount > 0 and t.open_amount > 0]
    if not incoming:
        return {}
    amounts = {t.open_amount for t in incoming}
    by_amount = defaultdict(list)
    # unpaid ones by their amount due (a column), part-paid ones by what is left (few rows)
    same_amount = (Q(payment_state=PaymentState.AWAITING, payable__in=amounts, paid_amount=0)
                   | Q(payment_state=PaymentState.PARTIAL, outstanding__in=amounts))
    for doc in _open_invoices(entity).filter(same_amount).order_by("due_date", "id")[:500]:
        by_amount[doc.outstanding].append(doc)
    ibans = {t.counterparty_iban.replace(" ", "").upper() for t in incoming if t.counterparty_iban}
    by_iban = defaultdict(set)
    if ibans:
        for iban, client_id in (Allocation.objects.filter(entity=entity, reversed_at__isnull=True, client__isnull=False,
                                                          transaction__counterparty_iban__in=ibans)
                                .values_list("transaction__counterparty_iban", "client_id").distinct()[:500]):
            by_iban[iban.replace(" ", "").upper()].add(client_id)
    words = {w for t in incoming for w in sorted(name_words(t.counterparty_name), key=len, reverse=True)[:2]
             if len(w) >= 3}
    named = []
    if words:
        condition = Q()
        for w in words:
            condition |= Q(name__icontains=w)
        named = list(Client.objects.filter(activity__entity=entity).filter(condition).only("id", "name")[:300])
    client_words = [(c.pk, name_words(c.name)) for c in named]
    similar = {}
    for t in incoming:
        words = name_words(t.counterparty_name)
        similar[t.pk] = {pk: s for pk, cw in client_words
                         if (s := words_similarity(words, cw, at_least=NAME_THRESHOLD)) >= NAME_THRESHOLD}
    client_ids = {c for ids in by_iban.values() for c in ids} | {c for ids in similar.values() for c in ids}
    by_client = defaultdict(list)
    if client_ids:
        for doc in _open_invoices(entity).filter(client_id__in=client_ids).order_by("due_date", "id")[:1000]:
            by_client[doc.client_id].append(doc)
    out = {}
    for t in incoming:
        scored: dict[int, Suggestion] = {}

        def add(doc, reason, points, t=t, scored=scored):
            s = scored.setdefault(doc.pk, Suggestion(document=doc, amount=min(t.open_amount, doc.outstanding)))
            if reason not in s.reasons:
                s.reasons.append(reason)
                s.score += points

        for doc in by_amount.get(t.open_amount, ()):
            add(doc, REASONS["amount"], 3)
        for client_id in by_iban.get(t.counterparty_iban.replace(" ", "").upper(), ()):
            for doc in by_client.get(client_id, ()):
                add(doc, REASONS["iban"], 2)
        for client_id, similarity in similar[t.pk].items():
            for doc in by_client.get(client_id, ()):
                add(doc, REASONS["name"], 2 * similarity)
        # an equal amount that also fits the client comes first; then the oldest due
        ranked = sorted(scored.values(), key=lambda s: (-s.score, s.document.due_date or datetime.date.max, s.document.pk))
        out[t.pk] = [s for s in ranked if s.score >= 1.5][:limit]
    return out


def invoice_choices(entity, search: str = "", *, limit: int = 20) -> list[Document]:
    """Open invoices of the entity by number or client name (every word must match)."""
    qs = _open_invoices(entity)
    for word in search.split()[:5]:
        qs = qs.filter(Q(number__icontains=word) | Q(client__name__icontains=word))
    return list(qs.order_by("due_date", "id")[:limit])


def credit_note_choices(entity, search: str = "", *, limit: int = 20) -> list[Document]:
    qs = (Document.objects.filter(entity=entity, kind=Kind.CREDIT_NOTE, state=State.ISSUED, paid_amount__lt=F("payable"))
          .annotate(outstanding=OUTSTANDING).select_related("client"))
    for word in search.split()[:5]:
        qs = qs.filter(Q(number__icontains=word) | Q(client__name__icontains=word))
    return list(qs.order_by("issue_date", "id")[:limit])


def credit_choices(entity, search: str = "", *, limit: int = 20) -> list[Allocation]:
    """Client credits with something left, for a refund."""
    qs = _open_credits(Allocation.objects.filter(entity=entity))
    for word in search.split()[:5]:
        qs = qs.filter(client__name__icontains=word)
    return list(qs[:limit])


def _open_credits(qs) -> QuerySet[Allocation]:
    return (qs.filter(kind=AllocationKind.CLIENT_CREDIT, reversed_at__isnull=True, used_amount__lt=F("amount"))
            .annotate(open=OPEN_CREDIT).select_related("client").order_by("date", "id"))


# --- members: a document, an activity, a client -------------------------------------------------------


def document_allocations(user, document: Document) -> list[Allocation]:
    """What paid (or refunded, or settled) a document the user sees: its allocations, undone ones
    included, through the activity's visibility."""
    qs = Allocation.objects.filter(Q(document=document) | Q(credit_note=document))
    # the panel shows the other document's number, nothing else of it nor of the bank transaction:
    # reading them whole (their frozen copy and raw bank data, as JSON) was most of the page's panels
    return list(permissions.scoped_by_activity(user, qs).select_related("document")
                .only(*_ALLOCATION_FIELDS, "document__number").order_by("date", "id"))


_ALLOCATION_FIELDS = [f.name for f in Allocation._meta.concrete_fields]


def visible_document(user, pk: int) -> Document:
    return permissions.scoped_by_activity(user, Document.objects.all()).select_related("client").get(pk=pk)


def activity_for(user, pk: int) -> Activity:
    return permissions.activities(user).select_related("entity").get(pk=pk)


def money_summary(user, activity: Activity, *, today: datetime.date | None = None) -> dict:
    """What is due, overdue and paid this month for an activity, and its clients' credits."""
    today = today or timezone.localdate()
    month_start = today.replace(day=1)
    documents = permissions.scoped_by_activity(user, Document.objects.filter(activity=activity))
    open_docs = (documents.filter(kind__in=PAYABLE_KINDS, state=State.ISSUED, payment_state__in=OPEN)
                 .annotate(outstanding=OUTSTANDING))
    late = Q(due_date__lt=today)
    totals = open_docs.aggregate(
        due=_sum("outstanding", filter=~late), due_count=Count("id", filter=~late),
        overdue=_sum("outstanding", filter=late), overdue_count=Count("id", filter=late))
    listed = open_docs.select_related("client").defer("frozen")
    overdue = list(listed.filter(late).order_by("due_date", "id")[:LIST_LIMIT])
    for doc in overdue:
        doc.days_late = (today - doc.due_date).days
    due = list(listed.exclude(late).order_by("due_date", "id")[:LIST_LIMIT])
    allocations = permissions.scoped_by_activity(user, Allocation.objects.filter(activity=activity))
    received = allocations.filter(kind__in=[AllocationKind.INVOICE, AllocationKind.CLIENT_CREDIT],
                                  reversed_at__isnull=True, date__gte=month_start, date__lte=today)
    paid_total = received.aggregate(total=_sum("amount"), n=Count("id"))
    paid = list(received.select_related("document", "client").order_by("-date", "-id")[:LIST_LIMIT])
    credits = list(_open_credits(allocations)[:LIST_LIMIT])
    totals.update(paid=paid_total["total"], paid_count=paid_total["n"],
                  credits=sum((c.open for c in credits), ZERO))
    return {"activity": activity, "today": today, "month_start": month_start, "totals": totals,
            "overdue": overdue, "due": due, "paid": paid, "credits": credits}


def credit_targets(credits: list[Allocation]) -> dict[int, list[Document]]:
    """Open invoices of the clients holding a credit (one query), for staff to settle them."""
    client_ids = {c.client_id for c in credits}
    out = defaultdict(list)
    if client_ids:
        for doc in (Document.objects.filter(client_id__in=client_ids, kind__in=PAYABLE_KINDS, state=State.ISSUED,
                                            payment_state__in=OPEN)
                    .annotate(outstanding=OUTSTANDING).only("id", "number", "client_id", "payable", "paid_amount")
                    .order_by("due_date", "id")[:500]):
            out[doc.client_id].append(doc)
    return out


class RiskLevel:
    UNKNOWN = "unknown"
    ON_TIME = "on_time"
    LATE = "late"
    VERY_LATE = "very_late"
    LABELS = {
        UNKNOWN: pgettext_lazy("payment risk", "not enough history yet"),
        ON_TIME: pgettext_lazy("payment risk", "usually pays on time"),
        LATE: pgettext_lazy("payment risk", "often pays late"),
        VERY_LATE: pgettext_lazy("payment risk", "pays very late"),
    }


LATE_AFTER_DAYS = 15  # an invoice paid (or still open) this long after its due date counts as late


def _lateness(rows, today) -> list[int]:
    """Days late of each invoice whose due date has passed: paid ones by their payment date, open
    ones until today; early payments count as 0."""
    out = []
    for due_date, paid_at, payment_state in rows:
        end = paid_at if payment_state == PaymentState.PAID and paid_at else today
        out.append(max(0, (end - due_date).days))
    return out


def _level(days: list[int]) -> str:
    if len(days) < 3:
        return RiskLevel.UNKNOWN
    late = [d for d in days if d > LATE_AFTER_DAYS]
    average = sum(days) / len(days)
    if len(late) >= 2 and average > 30:
        return RiskLevel.VERY_LATE
    if len(late) >= 2 and (len(late) / len(days) >= 0.3 or average > 10):
        return RiskLevel.LATE
    return RiskLevel.ON_TIME


def _company_key(client: Client) -> tuple[str, str] | None:
    number = (client.company_number or "").replace(" ", "")
    if not number:
        return None
    if client.country == "FR" and len(number) in (9, 14):
        return "FR", number[:9]  # a SIRET is the SIREN and an establishment: the company is the SIREN
    return client.country, number


def risk_level(client: Client, *, today: datetime.date | None = None) -> str:
    """How the company behind ``client`` pays the whole cooperative (every activity of the entity),
    as a level only: never an amount, a name or a document of another activity."""
    key = _company_key(client)
    if key is None:
        return RiskLevel.UNKNOWN
    today = today or timezone.localdate()
    country, number = key
    same = Q(client__country=country) & (
        Q(client__company_number__startswith=number) if country == "FR" else Q(client__company_number=number))
    rows = (Document.objects.filter(entity_id=client.activity.entity_id, kind__in=PAYABLE_KINDS, state=State.ISSUED,
                                    due_date__lt=today).filter(same)
            .order_by("-due_date").values_list("due_date", "paid_at", "payment_state")[:HISTORY])
    return _level(_lateness(rows, today))


def client_behaviour(user, client: Client, *, today: datetime.date | None = None) -> dict:
    """How this client pays this activity (from the client's own documents, as the user sees them),
    the credit it holds, and the cooperative-wide risk level of its company number."""
    today = today or timezone.localdate()
    documents = permissions.scoped_by_activity(user, Document.objects.filter(client=client, state=State.ISSUED))
    rows = list(documents.filter(kind__in=PAYABLE_KINDS, due_date__lt=today).order_by("-due_date")
                .values_list("due_date", "paid_at", "payment_state")[:HISTORY])
    days = _lateness(rows, today)
    is_open = Q(kind__in=PAYABLE_KINDS, payment_state__in=OPEN)
    sums = documents.annotate(outstanding=OUTSTANDING).aggregate(
        overdue=_sum("outstanding", filter=is_open & Q(due_date__lt=today)),
        overdue_count=Count("id", filter=is_open & Q(due_date__lt=today)),
        open=_sum("outstanding", filter=is_open),
        credit_notes=_sum("outstanding", filter=Q(kind=Kind.CREDIT_NOTE, paid_amount__lt=F("payable"))))
    credit = (_open_credits(permissions.scoped_by_activity(user, Allocation.objects.filter(client=client)))
              .aggregate(total=_sum("open"))["total"])
    level = risk_level(client, today=today) if client.company_number else None
    return {
        "client": client, "invoices": len(days), "late": sum(1 for d in days if d > LATE_AFTER_DAYS),
        "average_days_late": round(sum(days) / len(days)) if days else None,
        "overdue": sums["overdue"], "overdue_count": sums["overdue_count"], "open": sums["open"],
        "credit": credit + sums["credit_notes"], "risk": level,
        "risk_label": RiskLevel.LABELS[level] if level else "",
    }


def money_by_activity(user, activity_ids, *, today: datetime.date | None = None) -> dict[int, dict]:
    """For each activity of ``activity_ids`` the user sees: what clients owe (and how much of it is
    overdue) and what was received this month. Two queries whatever the number of activities or
    documents; an activity with nothing to show is all zero."""
    today = today or timezone.localdate()
    ids = list(activity_ids)
    out = {pk: {"owed": ZERO, "owed_count": 0, "overdue": ZERO, "overdue_count": 0, "cashed": ZERO,
                "cashed_count": 0} for pk in ids}
    if not ids:
        return out
    late = Q(due_date__lt=today)
    documents = permissions.scoped_by_activity(user, Document.objects.filter(activity_id__in=ids))
    for row in (documents.filter(kind__in=PAYABLE_KINDS, state=State.ISSUED, payment_state__in=OPEN)
                .annotate(outstanding=OUTSTANDING).values("activity_id")
                .annotate(owed=_sum("outstanding"), owed_count=Count("id"), overdue=_sum("outstanding", filter=late),
                          overdue_count=Count("id", filter=late)).order_by()):
        out[row.pop("activity_id")].update(row)
    allocations = permissions.scoped_by_activity(user, Allocation.objects.filter(activity_id__in=ids))
    for row in (allocations.filter(kind__in=[AllocationKind.INVOICE, AllocationKind.CLIENT_CREDIT],
                                   reversed_at__isnull=True, date__gte=today.replace(day=1), date__lte=today)
                .values("activity_id").annotate(cashed=_sum("amount"), cashed_count=Count("id")).order_by()):
        out[row.pop("activity_id")].update(row)
    return out


# --- payments declared by members --------------------------------------------------------------------


def document_declarations(user, document: Document) -> list[Declaration]:
    """The payments declared on a document the user sees, newest first (through the activity)."""
    qs = Declaration.objects.filter(document=document).select_related("declared_by", "resolved_by")
    return list(permissions.scoped_by_activity(user, qs).order_by("-created_at", "-id"))


def declarations(user) -> QuerySet[Declaration]:
    """Every declaration the user may read: those of their activities, and for accountants and
    administrators those of their entities."""
    mine = permissions.scoped_by_activity(user, Declaration.objects.all()).values("pk")
    return (Declaration.objects.filter(Q(pk__in=mine) | Q(entity_id__in=permissions.money_entities(user)))
            .select_related("document", "activity", "declared_by").order_by("-created_at", "-id"))


def declaration_queue(entity: Entity) -> QuerySet[Declaration]:
    """The open declarations of an entity, oldest first (the accountants' queue)."""
    return (Declaration.objects.filter(entity=entity, state=DeclarationState.OPEN)
            .select_related("document__client", "activity", "member", "declared_by").order_by("created_at", "id"))


def staff_declaration(user, pk: int) -> Declaration:
    """A declaration of an entity whose payments the user matches; ``DoesNotExist`` otherwise."""
    return (Declaration.objects.filter(entity_id__in=permissions.money_entities(user))
            .select_related("entity", "document").get(pk=pk))
