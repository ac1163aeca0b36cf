"""What the entity's policy says of an advance on one invoice, in words the member reads.

``assess(document, member, amount)`` answers with the most that can be advanced, the fee, the
*blockers* (nobody may grant it: the policy is off, the invoice is not an unpaid issued one of
the member's activity, it already has an advance, the amount is above the share) and the
*concerns* (a person decides: the member's maturity, the client's payment record, the invoice's
age, the ceilings, a large amount). Reasons are stored as ``{"code", "params"}`` and put into
words when shown (:func:`explain`), in the reader's language.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.db.models import Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from compagnon.core.formatting import money, percent
from compagnon.ledger.money import money as cents
from compagnon.sales.models import Document, Kind, PaymentState, State

from .models import MATURITY_LEVELS, ZERO, Advance, AdvanceState, Policy

CENT = Decimal("0.01")
ELIGIBLE_KINDS = (Kind.INVOICE,)
OPEN = (PaymentState.AWAITING, PaymentState.PARTIAL)


def policy_for(entity) -> Policy:
    return Policy.objects.filter(entity_id=entity.pk).first() or Policy(entity=entity)


def reason(code: str, **params) -> dict:
    return {"code": code, "params": {k: str(v) for k, v in params.items()}}


def _level(code: str) -> str:
    from compagnon.members.models import Maturity

    return str(Maturity(code).label) if code in Maturity.values else code


def explain(item: dict) -> str:
    """One reason in words (the active language)."""
    code, p = item.get("code", ""), item.get("params", {})
    n = int(p.get("count", "0") or 0)
    texts = {
        "disabled": lambda: _("This cooperative does not give advances on invoices."),
        "not_invoice": lambda: _("Only an issued invoice can be prefinanced."),
        "not_eur": lambda: _("Only invoices in euros can be prefinanced."),
        "paid": lambda: _("This invoice is already paid."),
        "taken": lambda: _("This invoice already has an advance."),
        "not_worker": lambda: _("Only the members working in this activity can ask for an advance on its invoices."),
        "too_much": lambda: _("At most %(max)s can be advanced on this invoice (%(share)s of what is still due, "
                              "excluding VAT).") % {"max": money(p["max"]), "share": percent(p["share"])},
        "too_little": lambda: _("Ask for at least %(min)s.") % {"min": money(p["min"])},
        "maturity": lambda: _("Advances are automatic from the maturity “%(level)s”; yours is “%(yours)s”.")
        % {"level": _level(p["level"]), "yours": _level(p["yours"])},
        "client_late": lambda: ngettext(
            "This client paid %(late)s of its last %(count)s invoice more than %(days)s days late.",
            "This client paid %(late)s of its last %(count)s invoices more than %(days)s days late.", n)
        % {"late": p["late"], "count": n, "days": p["days"]},
        "overdue": lambda: ngettext(
            "This invoice is %(count)s day past its due date; advances are automatic up to %(max)s days after it.",
            "This invoice is %(count)s days past its due date; advances are automatic up to %(max)s days after it.",
            n) % {"count": n, "max": p["max"]},
        "member_ceiling": lambda: _("With this advance you would have %(total)s outstanding; the limit per member "
                                    "is %(max)s.") % {"total": money(p["total"]), "max": money(p["max"])},
        "total_ceiling": lambda: _("The cooperative's advances would reach %(total)s; its limit is %(max)s.")
        % {"total": money(p["total"]), "max": money(p["max"])},
        "large": lambda: _("Advances above %(max)s are checked by a person.") % {"max": money(p["max"])},
    }
    fn = texts.get(code)
    return fn() if fn else code


def explain_all(items) -> list[str]:
    return [explain(i) for i in items or []]


@dataclass
class Assessment:
    document: Document
    maximum: Decimal = ZERO
    amount: Decimal = ZERO
    fee: Decimal = ZERO
    blockers: list[dict] = field(default_factory=list)
    concerns: list[dict] = field(default_factory=list)

    @property
    def possible(self) -> bool:
        return not self.blockers

    @property
    def automatic(self) -> bool:
        return not self.blockers and not self.concerns

    @property
    def net(self) -> Decimal:
        return self.amount - self.fee

    @property
    def blocker_texts(self) -> list[str]:
        return explain_all(self.blockers)

    @property
    def concern_texts(self) -> list[str]:
        return explain_all(self.concerns)


def maximum_for(document: Document, policy: Policy) -> Decimal:
    """The share of what is still due, excluding VAT, rounded down to the cent."""
    if document.payable <= 0:
        return ZERO
    open_part = max(document.payable - document.paid_amount, ZERO) / document.payable
    value = document.tax_exclusive * open_part * policy.share_percent / Decimal(100)
    return max(value.quantize(CENT, rounding=ROUND_DOWN), ZERO)


def fee_for(amount: Decimal, policy: Policy) -> Decimal:
    return cents(amount * policy.fee_percent / Decimal(100))


def _history(client_ids, today, exclude_ids=()):
    """The invoices whose due date has passed of these clients, newest due first, with the date of
    their last payment (from the payments' allocations): one query."""
    return (Document.objects.filter(client_id__in=list(client_ids), kind__in=(Kind.INVOICE, Kind.DEPOSIT),
                                    state=State.ISSUED, due_date__lt=today)
            .exclude(pk__in=list(exclude_ids))
            .annotate(last_paid=Max("allocations__date", filter=Q(allocations__reversed_at__isnull=True,
                                                                   allocations__kind__in=["invoice", "credit_use"])))
            .order_by("client_id", "-due_date", "-id")
            .values_list("client_id", "id", "due_date", "last_paid", "payment_state"))


def _count_late(rows, policy: Policy, today: datetime.date) -> tuple[int, int]:
    late = 0
    for due, last_paid, state in rows:
        end = last_paid if state == PaymentState.PAID and last_paid else today
        if (end - due).days > policy.client_late_days:
            late += 1
    return late, len(rows)


def client_record(document: Document, policy: Policy, today: datetime.date) -> tuple[int, int]:
    """(late, looked at) among the client's last invoices whose due date has passed (this one
    aside): an invoice is late when its last payment (from the payments' allocations) came more
    than ``client_late_days`` after its due date, or when it is still unpaid that long after."""
    rows = [r[2:] for r in _history([document.client_id], today, [document.pk])[: policy.client_history]]
    return _count_late(rows, policy, today)


@dataclass
class Known:
    """What :func:`assess` reads, gathered once for many invoices of one member (a list page)."""

    policy: Policy
    taken: set
    member_outstanding: Decimal
    entity_outstanding: Decimal
    history: dict

    def record(self, document: Document, today: datetime.date) -> tuple[int, int]:
        rows = [r for r in self.history.get(document.client_id, []) if r[0] != document.pk]
        return _count_late([r[1:] for r in rows[: self.policy.client_history]], self.policy, today)


def gather(documents, member, *, today: datetime.date | None = None) -> dict[int, Known]:
    """{entity id: Known} for ``documents`` (each entity's policy, the advances taken, the
    outstanding sums, the clients' histories): a constant number of queries."""
    today = today or timezone.localdate()
    documents = list(documents)
    entity_ids = {d.entity_id for d in documents}
    policies = {p.entity_id: p for p in Policy.objects.filter(entity_id__in=entity_ids)}
    taken = set(Advance.objects.filter(document_id__in=[d.pk for d in documents])
                .exclude(state=AdvanceState.REFUSED).values_list("document_id", flat=True))
    mine = _outstanding_excluding({}, member_id=member.pk) if member else ZERO
    totals = {}
    for row in (Advance.objects.filter(entity_id__in=entity_ids, state__in=(AdvanceState.APPROVED,
                                                                            AdvanceState.REQUESTED))
                .values("entity_id").annotate(a=Sum("amount"), s=Sum("settled_amount")).order_by()):
        totals[row["entity_id"]] = (row["a"] or ZERO) - (row["s"] or ZERO)
    history: dict = {}
    clients = {d.client_id for d in documents}
    if clients:
        rows = _history(clients, today)
        for client_id, pk, due, last_paid, state in rows:
            history.setdefault(client_id, []).append((pk, due, last_paid, state))
    out = {}
    for entity_id in entity_ids:
        entity = next(d.entity for d in documents if d.entity_id == entity_id)
        out[entity_id] = Known(policy=policies.get(entity_id) or Policy(entity=entity), taken=taken,
                               member_outstanding=mine, entity_outstanding=totals.get(entity_id, ZERO),
                               history=history)
    return out


def assess_all(documents, member, *, today: datetime.date | None = None) -> list[Assessment]:
    """The policy's answer for each invoice of a list (the most each allows), in a constant
    number of queries."""
    documents = list(documents)
    known = gather(documents, member, today=today)
    return [assess(d, member, today=today, known=known[d.entity_id]) for d in documents]


def assess(document: Document, member, amount=None, *, policy: Policy | None = None,
           today: datetime.date | None = None, exclude_pk=None, known: Known | None = None) -> Assessment:
    """The policy's answer for an advance of ``amount`` (default: the most) on ``document`` for
    ``member``. ``exclude_pk``: the request being decided (not counted in the ceilings).
    ``known``: what :func:`gather` read for a list of invoices (no query here then)."""
    today = today or timezone.localdate()
    policy = known.policy if known else (policy or policy_for(document.entity))
    a = Assessment(document=document)
    if not policy.enabled:
        a.blockers.append(reason("disabled"))
        return a
    if document.kind not in ELIGIBLE_KINDS or document.state != State.ISSUED:
        a.blockers.append(reason("not_invoice"))
        return a
    if document.currency != "EUR":
        a.blockers.append(reason("not_eur"))
        return a
    if document.payment_state not in OPEN:
        a.blockers.append(reason("paid"))
        return a
    if known is not None:
        is_taken = document.pk in known.taken
    else:
        taken = Advance.objects.filter(document_id=document.pk).exclude(state=AdvanceState.REFUSED)
        if exclude_pk:
            taken = taken.exclude(pk=exclude_pk)
        is_taken = taken.exists()
    if is_taken:
        a.blockers.append(reason("taken"))
        return a
    a.maximum = maximum_for(document, policy)
    a.amount = a.maximum if amount in (None, "") else cents(Decimal(amount))
    if a.amount > a.maximum:
        a.blockers.append(reason("too_much", max=a.maximum, share=policy.share_percent))
    minimum = Decimal("10.00")
    if a.amount < minimum:
        a.blockers.append(reason("too_little", min=minimum))
    a.fee = fee_for(a.amount, policy)
    if a.blockers:
        return a
    # the concerns: a person decides
    level_ok = (member.maturity in MATURITY_LEVELS and policy.min_maturity in MATURITY_LEVELS
                and MATURITY_LEVELS.index(member.maturity) >= MATURITY_LEVELS.index(policy.min_maturity))
    if not level_ok:
        a.concerns.append(reason("maturity", level=policy.min_maturity, yours=member.maturity))
    late, seen = known.record(document, today) if known else client_record(document, policy, today)
    if late > policy.client_max_late:
        a.concerns.append(reason("client_late", late=late, count=seen, days=policy.client_late_days))
    if document.due_date and (today - document.due_date).days > policy.max_days_overdue:
        a.concerns.append(reason("overdue", count=(today - document.due_date).days, max=policy.max_days_overdue))
    others = {"pk": exclude_pk} if exclude_pk else {}
    mine = (known.member_outstanding if known else _outstanding_excluding(others, member_id=member.pk)) + a.amount
    if mine > policy.member_ceiling:
        a.concerns.append(reason("member_ceiling", total=mine, max=policy.member_ceiling))
    total = (known.entity_outstanding if known
             else _outstanding_excluding(others, entity_id=document.entity_id)) + a.amount
    if total > policy.total_ceiling:
        a.concerns.append(reason("total_ceiling", total=total, max=policy.total_ceiling))
    if a.amount > policy.auto_up_to:
        a.concerns.append(reason("large", max=policy.auto_up_to))
    return a


def _outstanding_excluding(exclude: dict, **filters) -> Decimal:
    qs = Advance.objects.filter(state__in=(AdvanceState.APPROVED, AdvanceState.REQUESTED), **filters)
    if exclude:
        qs = qs.exclude(**exclude)
    row = qs.aggregate(a=Sum("amount"), s=Sum("settled_amount"))
    return (row["a"] or ZERO) - (row["s"] or ZERO)
