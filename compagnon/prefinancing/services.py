"""Every state change of advances. Keyword-only; one transaction; the permission checked again
here (``require``); audited on the activity's history.

requested --approve--> approved --(client pays, pro rata)--> settled
          \\--refuse--> refused      \\--(litigation, after the entity's delay)--> covered | recovered

Asking approves at once when the policy has no concern. Approving books the advance in the
"misc" journal, dated the day of approval::

    prefinancing (activity)          debit   the advance
    member's current account (act.)  credit  the advance less the fee   (paid by SEPA transfer)
    guarantee fund (cooperative)     credit  the fee
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon import permissions  # noqa: F401 - registers the rules checked below
from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.ledger.services import LineSpec, post_entry
from compagnon.members.models import Member
from compagnon.sales.models import Document

from . import accounts, policy, rules  # noqa: F401 - rules registers the permissions
from .models import Advance, AdvanceState, LossCover, Policy

LOSS_KIND = "prefinancing_loss"
POLICY_FIELDS = ("enabled", "share_percent", "member_ceiling", "total_ceiling", "auto_up_to", "min_maturity",
                 "max_days_overdue", "client_history", "client_late_days", "client_max_late", "fee_percent",
                 "loss_after_days", "loss_cover")


def may_ask(user, activity) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("prefinancing.ask", activity))


def may_decide(user, advance) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("prefinancing.decide", advance))


def _audit(*, actor, advance, action, message, params=None, before=None, after=None):
    record(actor=actor, action=f"prefinancing.{action}", obj=advance, message=message,
           params={"advance": str(advance), "amount": str(advance.amount), "invoice": advance.document.number,
                   **(params or {})},
           entity=advance.entity, member=advance.member, activity=advance.activity, before=before, after=after)


def _member_of(user, activity) -> Member:
    member = Member.objects.filter(user_id=user.pk).first()
    if member is None or not activity.memberships.filter(member=member).exists():
        raise ValidationError({"document": policy.explain(policy.reason("not_worker"))})
    return member


# --- the policy ---------------------------------------------------------------------------------


@transaction.atomic
def save_policy(*, actor, entity, **values) -> Policy:
    require(actor, "prefinancing.manage", entity)
    found = Policy.objects.select_for_update().filter(entity=entity).first() or Policy(entity=entity)
    before = {f: str(getattr(found, f)) for f in POLICY_FIELDS} if found.pk else None
    for name, value in values.items():
        if name not in POLICY_FIELDS:
            raise TypeError(name)
        setattr(found, name, value)
    found.updated_by = actor
    found.full_clean(exclude=["entity"])
    found.save()
    record(actor=actor, action="prefinancing.policy_saved", obj=found, entity=entity,
           message=gettext_noop("Prefinancing policy of %(entity)s saved (advances %(state)s)."),
           params={"entity": entity.name, "state": "on" if found.enabled else "off"},
           before=before, after={f: str(getattr(found, f)) for f in POLICY_FIELDS})
    return found


# --- asking -------------------------------------------------------------------------------------


@transaction.atomic
def request_advance(*, actor, document: Document, amount=None) -> Advance:
    """Ask for an advance on ``document`` (default: the most the policy allows). Refused at once
    (ValidationError, nothing kept) when nobody may grant it; approved at once within the policy;
    else kept for an advisor or the bookkeeping staff, with the policy's reasons."""
    document = (Document.objects.select_for_update(of=("self",)).select_related("activity", "entity", "client")
                .get(pk=document.pk))
    require(actor, "prefinancing.ask", document.activity)
    member = _member_of(actor, document.activity)
    try:
        wanted = None if amount in (None, "") else Decimal(str(amount))
    except ArithmeticError:
        raise ValidationError({"amount": _("Type an amount in euros, e.g. 800 or 800.50.")}) from None
    answer = policy.assess(document, member, wanted)
    if answer.blockers:
        raise ValidationError({"amount" if any(b["code"] in ("too_much", "too_little") for b in answer.blockers)
                               else "document": answer.blocker_texts})
    advance = Advance(entity_id=document.entity_id, activity=document.activity, member=member, document=document,
                      amount=answer.amount, fee=answer.fee, reasons=answer.concerns, requested_by=actor)
    try:
        with transaction.atomic():
            advance.save()
    except IntegrityError:
        raise ValidationError({"document": policy.explain(policy.reason("taken"))}) from None
    _audit(actor=actor, advance=advance, action="requested",
           message=gettext_noop("Advance %(advance)s of %(amount)s EUR asked on invoice %(invoice)s."))
    if answer.automatic:
        _approve(actor=None, advance=advance, auto=True)
    return advance


# --- deciding -----------------------------------------------------------------------------------


def entry_lines(advance: Advance) -> list[LineSpec]:
    label = _("Advance %(advance)s on invoice %(invoice)s") % {"advance": advance, "invoice": advance.document.number}
    lines = [
        LineSpec(role=accounts.OUTSTANDING, debit=advance.amount, activity=advance.activity, label=label),
        LineSpec(role=accounts.MEMBER, credit=advance.amount - advance.fee, activity=advance.activity,
                 label=f"{advance.member} — {label}"[:200]),
    ]
    if advance.fee:
        lines.append(LineSpec(role=accounts.FUND, credit=advance.fee, label=label))
    return lines


def _approve(*, actor, advance: Advance, auto: bool = False) -> Advance:
    accounts.ensure_accounts(advance.entity)
    advance.entry = post_entry(
        actor=actor, entity=advance.entity, journal_code=accounts.JOURNAL, date=timezone.localdate(),
        label=(_("Advance %(advance)s to %(member)s") % {"advance": advance, "member": advance.member})[:200],
        lines=entry_lines(advance), source=advance)
    advance.state = AdvanceState.APPROVED
    advance.decided_at, advance.decided_by, advance.auto_approved = timezone.now(), actor, auto
    advance.save(update_fields=["entry", "state", "decided_at", "decided_by", "auto_approved"])
    _audit(actor=actor, advance=advance, action="approved",
           message=gettext_noop("Advance %(advance)s approved automatically within the policy and booked.")
           if auto else gettext_noop("Advance %(advance)s approved and booked."))
    return advance


def _lock(advance) -> Advance:
    return (Advance.objects.select_for_update(of=("self",))
            .select_related("entity", "activity", "member", "document").get(pk=getattr(advance, "pk", advance)))


def _lock_for_decision(actor, advance) -> Advance:
    advance = _lock(advance)
    require(actor, "prefinancing.decide", advance)
    if advance.state != AdvanceState.REQUESTED:
        raise ValidationError({"state": _("This advance is %(state)s: only one waiting for a decision can be decided.")
                               % {"state": advance.get_state_display()}})
    return advance


@transaction.atomic
def approve_advance(*, actor, advance: Advance) -> Advance:
    """An advisor or the bookkeeping staff grant it, the policy's concerns read. What nobody may
    grant (the invoice was paid meanwhile, more than the share…) is still refused."""
    advance = _lock_for_decision(actor, advance)
    Document.objects.select_for_update(of=("self",)).filter(pk=advance.document_id).first()
    answer = policy.assess(advance.document, advance.member, advance.amount, exclude_pk=advance.pk)
    if answer.blockers:
        raise ValidationError({"state": answer.blocker_texts})
    return _approve(actor=actor, advance=advance)


@transaction.atomic
def refuse_advance(*, actor, advance: Advance, reason: str) -> Advance:
    advance = _lock_for_decision(actor, advance)
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError({"reason": _("Tell the member why, in a sentence they can act on.")})
    advance.state, advance.refusal_reason = AdvanceState.REFUSED, reason[:2000]
    advance.decided_at, advance.decided_by = timezone.now(), actor
    advance.save(update_fields=["state", "refusal_reason", "decided_at", "decided_by"])
    _audit(actor=actor, advance=advance, action="refused",
           message=gettext_noop("Advance %(advance)s refused: %(reason)s"), params={"reason": reason[:300]})
    return advance


# --- paying it ----------------------------------------------------------------------------------


def transfer_text(advance: Advance) -> str:
    return (_("Advance on invoice %(invoice)s") % {"invoice": advance.document.number})[:140]


def to_pay(entity_ids):
    """Approved advances (settled ones too: the client may pay before the transfer leaves) not in
    an active transfer yet."""
    return (Advance.objects.filter(entity_id__in=entity_ids, state__in=(AdvanceState.APPROVED, AdvanceState.SETTLED,
                                                                        AdvanceState.COVERED, AdvanceState.RECOVERED))
            .filter(Q(payout_line__isnull=True) | Q(payout_line__active=False)).filter(paid_out_on__isnull=True))


@transaction.atomic
def add_to_batch(*, actor, batch, advances) -> list[Advance]:
    """Pay approved advances: one transfer each, of the advance less its fee, to the member's
    validated account (the one expense claims are paid back to), settling the member's current
    account on the activity's axis when the batch is sent."""
    from compagnon.expenses.models import MemberBankAccount
    from compagnon.payouts import services as payouts
    from compagnon.payouts.models import Purpose

    require(actor, "prefinancing.manage", batch.entity)
    done = []
    for advance in advances:
        advance = _lock(advance)
        label = str(advance)
        if advance.entity_id != batch.entity_id:
            raise ValidationError({"advances": _("%(advance)s belongs to another entity than the batch.")
                                   % {"advance": label}})
        if advance.state in (AdvanceState.REQUESTED, AdvanceState.REFUSED):
            raise ValidationError({"advances": _("%(advance)s is %(state)s: only approved advances are paid.")
                                   % {"advance": label, "state": advance.get_state_display()}})
        if advance.in_transfer or advance.paid_out_on:
            raise ValidationError({"advances": _("%(advance)s is already in a transfer batch.") % {"advance": label}})
        account = MemberBankAccount.objects.filter(member_id=advance.member_id).first()
        if account is None or not account.is_validated:
            raise ValidationError({"advances": _("%(advance)s: %(member)s has no validated bank account yet.")
                                   % {"advance": label, "member": advance.member}})
        line = payouts.add_line(actor=actor, batch=batch, creditor_name=account.holder, iban=account.iban,
                                bic=account.bic, amount=advance.net_paid, purpose=Purpose.ADVANCE,
                                remittance=transfer_text(advance), debit_account=accounts.MEMBER,
                                activity=advance.activity)
        advance.payout_line = line
        advance.save(update_fields=["payout_line"])
        _audit(actor=actor, advance=advance, action="in_transfer",
               message=gettext_noop("Advance %(advance)s added to transfer batch %(batch)s."),
               params={"batch": batch.pk})
        done.append(advance)
    return done


# --- a client who never pays --------------------------------------------------------------------


def litigation_since(document_ids) -> dict[int, datetime.date]:
    """{invoice id: the day it was handed to the collections service}, for those in a case."""
    from compagnon.dunning.models import CaseDocument

    out: dict[int, datetime.date] = {}
    for doc_id, added in CaseDocument.objects.filter(document_id__in=list(document_ids)).values_list(
            "document_id", "added_at"):
        day = timezone.localdate(added)
        if doc_id not in out or day < out[doc_id]:
            out[doc_id] = day
    return out


def loss_due_on(advance: Advance, since: datetime.date | None, conf: Policy) -> datetime.date | None:
    return since + datetime.timedelta(days=conf.loss_after_days) if since else None


def losses_due(entity_ids, *, today: datetime.date | None = None) -> list[Advance]:
    """Advances still outstanding whose invoice has been in litigation for the entity's delay."""
    today = today or timezone.localdate()
    open_ = list(Advance.objects.filter(entity_id__in=list(entity_ids), state=AdvanceState.APPROVED)
                 .select_related("entity", "document"))
    since = litigation_since([a.document_id for a in open_])
    policies = {p.entity_id: p for p in Policy.objects.filter(entity_id__in=list(entity_ids))}
    out = []
    for a in open_:
        conf = policies.get(a.entity_id) or Policy(entity=a.entity)
        due = loss_due_on(a, since.get(a.document_id), conf)
        if due is not None and due <= today:
            out.append(a)
    return out


def loss_lines(advance: Advance, amount: Decimal, cover: str) -> list[LineSpec]:
    label = _("Unpaid invoice %(invoice)s: advance %(advance)s") % {"invoice": advance.document.number,
                                                                    "advance": advance}
    debit = (LineSpec(role=accounts.FUND, debit=amount, label=label) if cover == LossCover.FUND
             else LineSpec(role=accounts.CHARGE, debit=amount, activity=advance.activity, label=label))
    return [debit, LineSpec(role=accounts.OUTSTANDING, credit=amount, activity=advance.activity, label=label)]


@transaction.atomic
def take_loss(*, actor, advance: Advance, today: datetime.date | None = None) -> Advance:
    """The client never paid: what is left of the advance leaves the activity's prefinancing —
    taken by the guarantee fund, or borne by the activity's budget, as the policy says (the
    budget when the fund no longer holds enough). The invoice itself stays with the collections
    service: a late payment then pays the fund (or the activity) back."""
    advance = _lock(advance)
    if actor is not None:
        require(actor, "prefinancing.manage", advance.entity)
    if advance.state != AdvanceState.APPROVED:
        raise ValidationError({"state": _("This advance is %(state)s: there is nothing left to cover.")
                               % {"state": advance.get_state_display()}})
    today = today or timezone.localdate()
    conf = policy.policy_for(advance.entity)
    due = loss_due_on(advance, litigation_since([advance.document_id]).get(advance.document_id), conf)
    if due is None:
        raise ValidationError({"state": _("Invoice %(invoice)s is not in litigation: the loss is taken only once "
                                          "the collections service has it.") % {"invoice": advance.document.number}})
    if due > today:
        raise ValidationError({"state": _("The loss can be taken from %(date)s (%(days)s days of litigation).")
                               % {"date": due.isoformat(), "days": conf.loss_after_days}})
    amount = advance.amount - advance.settled_amount
    accounts.ensure_accounts(advance.entity)
    cover = conf.loss_cover
    if cover == LossCover.FUND and accounts.fund_balance(advance.entity) < amount:
        cover = LossCover.BUDGET
    advance.loss_entry = post_entry(
        actor=actor, entity=advance.entity, journal_code=accounts.JOURNAL, date=today,
        label=(_("Advance %(advance)s: invoice %(invoice)s never paid") % {
            "advance": advance, "invoice": advance.document.number})[:200],
        lines=loss_lines(advance, amount, cover), source=advance, kind=LOSS_KIND)
    advance.loss_amount = amount
    advance.state = AdvanceState.COVERED if cover == LossCover.FUND else AdvanceState.RECOVERED
    advance.closed_at = timezone.now()
    advance.save(update_fields=["loss_entry", "loss_amount", "state", "closed_at"])
    _audit(actor=actor, advance=advance, action="loss",
           message=gettext_noop("Invoice %(invoice)s never paid: %(loss)s EUR of advance %(advance)s covered by the "
                                "guarantee fund.") if cover == LossCover.FUND else
           gettext_noop("Invoice %(invoice)s never paid: %(loss)s EUR of advance %(advance)s charged to the "
                        "activity's budget."), params={"loss": str(amount)})
    return advance


def take_due_losses(*, today: datetime.date | None = None, entity_ids=None) -> int:
    """The daily run (``manage.py prefinancing_losses``): idempotent, one transaction per advance."""
    from compagnon.organisation.models import Entity

    ids = list(entity_ids) if entity_ids is not None else list(Entity.objects.values_list("pk", flat=True))
    done = 0
    for advance in losses_due(ids, today=today):
        try:
            take_loss(actor=None, advance=advance, today=today)
        except ValidationError:
            continue
        done += 1
    return done
