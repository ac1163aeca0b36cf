"""The share register: balances read from movements, and every change to it (services).

Balances of an associate (``Holding``): shares held, nominal capital, paid, unpaid, to refund.
Rules: a payment is at most what is unpaid; shares are transferred or withdrawn only when fully
paid (``Holding.free_shares``); a refund is at most what is to refund. Keyword-only services,
one transaction each, the associate locked, the right checked again, audited, each movement
posted to the ledger (``booking.py``)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from compagnon.audit.services import record
from compagnon.core.formatting import money
from compagnon.core.services import require
from compagnon.ledger.services import post_entry

from . import booking
from .models import Associate, AssociateCategory, GovernanceSettings, MovementKind, ShareMovement

ZERO = Decimal("0.00")
K = MovementKind


@dataclass(frozen=True)
class Holding:
    shares: int = 0
    capital: Decimal = ZERO
    paid: Decimal = ZERO
    to_refund: Decimal = ZERO
    nominal: Decimal = Decimal("1")

    @property
    def unpaid(self) -> Decimal:
        return self.capital - self.paid

    @property
    def free_shares(self) -> int:
        """Shares fully paid, which may be transferred or withdrawn."""
        return min(self.shares, int(self.paid // self.nominal)) if self.nominal else 0


def settings_of(entity) -> GovernanceSettings:
    found = GovernanceSettings.objects.filter(entity=entity).first()
    return found or GovernanceSettings(entity=entity)


def holdings(associate_ids=None, until: datetime.date | None = None, nominal=Decimal("1"), *, entity=None) -> dict[int, Holding]:
    """{associate id: Holding} in two grouped queries whatever the number of associates: of the
    given ids, or of every associate of ``entity`` who has a movement."""
    own = defaultdict(lambda: dict(shares=0, capital=ZERO, paid=ZERO, to_refund=ZERO))
    for a in associate_ids or ():
        own[a]
    if entity is not None:
        base = ShareMovement.objects.filter(entity=entity)
        inc = ShareMovement.objects.filter(entity=entity, kind=K.TRANSFER)
    else:
        base = ShareMovement.objects.filter(associate_id__in=associate_ids)
        inc = ShareMovement.objects.filter(counterpart_id__in=associate_ids, kind=K.TRANSFER)
    if until:
        base, inc = base.filter(date__lte=until), inc.filter(date__lte=until)
    rows = base.values_list("associate_id", "kind").annotate(n=Sum("shares"), a=Sum("amount")).order_by()
    for associate_id, kind, n, a in rows:
        h, n, a = own[associate_id], n or 0, a or ZERO
        if kind == K.SUBSCRIPTION:
            h["shares"] += n
            h["capital"] += a
        elif kind == K.PAYMENT:
            h["paid"] += a
        elif kind in (K.TRANSFER, K.WITHDRAWAL):
            h["shares"] -= n
            h["capital"] -= a
            h["paid"] -= a
            if kind == K.WITHDRAWAL:
                h["to_refund"] += a
        elif kind == K.REFUND:
            h["to_refund"] -= a
    for counterpart_id, n, a in inc.values_list("counterpart_id").annotate(n=Sum("shares"), a=Sum("amount")).order_by():
        h = own[counterpart_id]
        h["shares"] += n or 0
        h["capital"] += a or ZERO
        h["paid"] += a or ZERO
    return {a: Holding(nominal=nominal, **v) for a, v in own.items()}


def holding(associate, until=None) -> Holding:
    return holdings([associate.pk], until, settings_of(associate.entity).share_nominal)[associate.pk]


# --- settings and categories -------------------------------------------------------------------


@transaction.atomic
def save_settings(*, actor, entity, share_nominal: Decimal, max_proxies: int) -> GovernanceSettings:
    require(actor, "governance.manage_register", entity)
    current = settings_of(entity)
    if share_nominal is None or share_nominal <= 0:
        raise ValidationError({"share_nominal": _("The nominal value of a share must be more than zero.")})
    if not 0 <= int(max_proxies) <= 100:
        raise ValidationError({"max_proxies": _("An associate may hold from 0 to 100 proxies.")})
    if current.pk and current.share_nominal != share_nominal and ShareMovement.objects.filter(entity=entity).exists():
        raise ValidationError(
            {"share_nominal": _("Shares have already been subscribed: the nominal value cannot change any more.")}
        )
    before = {"share_nominal": str(current.share_nominal), "max_proxies": current.max_proxies}
    current.share_nominal, current.max_proxies = share_nominal, int(max_proxies)
    current.save()
    record(
        actor=actor,
        action="governance.settings_changed",
        obj=current,
        entity=entity,
        message=gettext_noop("Governance settings of %(entity)s changed"),
        params={"entity": entity.name},
        before=before,
        after={"share_nominal": str(share_nominal), "max_proxies": int(max_proxies)},
    )
    return current


@transaction.atomic
def add_category(*, actor, entity, name: str) -> AssociateCategory:
    require(actor, "governance.manage_register", entity)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the category a name.")})
    if AssociateCategory.objects.filter(entity=entity, name__iexact=name).exists():
        raise ValidationError({"name": _("This category already exists.")})
    position = AssociateCategory.objects.filter(entity=entity).count()
    category = AssociateCategory.objects.create(entity=entity, name=name[:80], position=position)
    record(
        actor=actor,
        action="governance.category_added",
        obj=category,
        entity=entity,
        message=gettext_noop("Category of associates %(name)s added"),
        params={"name": category.name},
    )
    return category


# --- associates and movements ------------------------------------------------------------------


@transaction.atomic
def admit_associate(*, actor, member, category, joined_on: datetime.date, shares: int) -> Associate:
    """Make ``member`` an associate of their entity, subscribing ``shares`` shares."""
    entity = member.entity
    require(actor, "governance.manage_register", entity)
    if category.entity_id != entity.pk:
        raise ValidationError({"category": _("Choose a category of this entity.")})
    if Associate.objects.filter(member=member).exists():
        raise ValidationError({"member": _("This member is already an associate.")})
    associate = Associate.objects.create(entity=entity, member=member, category=category, joined_on=joined_on)
    record(
        actor=actor,
        action="governance.associate_admitted",
        obj=associate,
        entity=entity,
        member=member,
        message=gettext_noop("%(name)s admitted as an associate (%(category)s)"),
        params={"name": str(member), "category": category.name},
    )
    subscribe(actor=actor, associate=associate, shares=shares, date=joined_on)
    return associate


def _locked(associate) -> Associate:
    return Associate.objects.select_for_update().select_related("entity", "member__user").get(pk=associate.pk)


def _check_date(date, field="date"):
    if not isinstance(date, datetime.date):
        raise ValidationError({field: _("Give a date.")})
    if date > timezone.localdate():
        raise ValidationError({field: _("A movement of the register cannot be dated in the future.")})


def _positive_shares(shares):
    if shares is None or int(shares) < 1:
        raise ValidationError({"shares": _("Give a number of shares of at least 1.")})
    return int(shares)


def _write(actor, associate, kind, date, shares, amount, *, counterpart=None, note="", message, params):
    entity = associate.entity
    movement = ShareMovement.objects.create(
        entity=entity,
        associate=associate,
        kind=kind,
        date=date,
        shares=shares,
        amount=amount,
        counterpart=counterpart,
        note=(note or "")[:200],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    label = _("%(kind)s of shares — %(name)s") % {
        "kind": movement.get_kind_display().capitalize(),
        "name": associate.member.number,
    }
    lines = booking.lines_for(entity, kind, amount, label)
    if lines:
        movement.entry = post_entry(
            actor=actor,
            entity=entity,
            journal_code=booking.JOURNAL[kind],
            date=date,
            label=label,
            lines=lines,
            source=movement,
            kind=f"shares_{kind}",
        )
        movement.save(update_fields=["entry"])
    record(
        actor=actor,
        action=f"governance.shares_{kind}",
        obj=movement,
        entity=entity,
        member=associate.member,
        message=message,
        params=params,
    )
    return movement


@transaction.atomic
def subscribe(*, actor, associate, shares: int, date: datetime.date, note: str = "") -> ShareMovement:
    require(actor, "governance.manage_register", associate)
    associate = _locked(associate)
    shares = _positive_shares(shares)
    _check_date(date)
    if associate.left_on:
        raise ValidationError({"associate": _("This associate has left the cooperative.")})
    nominal = settings_of(associate.entity).share_nominal
    amount = nominal * shares
    return _write(
        actor, associate, K.SUBSCRIPTION, date, shares, amount, note=note,
        message=gettext_noop("Shares subscribed by %(name)s: %(shares)s (%(amount)s)"),
        params={"name": str(associate.member), "shares": shares, "amount": amount},
    )


@transaction.atomic
def record_payment(*, actor, associate, amount: Decimal, date: datetime.date, note: str = "") -> ShareMovement:
    require(actor, "governance.manage_register", associate)
    associate = _locked(associate)
    _check_date(date)
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("The amount paid must be more than zero.")})
    h = holding(associate)
    if amount > h.unpaid:
        raise ValidationError(
            {"amount": _("At most %(unpaid)s remains to be paid on these shares.") % {"unpaid": money(h.unpaid)}}
        )
    return _write(
        actor, associate, K.PAYMENT, date, 0, amount, note=note,
        message=gettext_noop("%(name)s paid %(amount)s on their shares"),
        params={"name": str(associate.member), "amount": amount},
    )


@transaction.atomic
def transfer(*, actor, associate, to, shares: int, date: datetime.date, note: str = "") -> ShareMovement:
    require(actor, "governance.manage_register", associate)
    if to is None or to.entity_id != associate.entity_id or to.pk == associate.pk:
        raise ValidationError({"to": _("Choose another associate of this entity.")})
    first, second = sorted([associate.pk, to.pk])
    list(Associate.objects.select_for_update().filter(pk__in=[first, second]).order_by("pk").values_list("pk"))
    associate, to = _locked(associate), _locked(to)
    shares = _positive_shares(shares)
    _check_date(date)
    if to.left_on:
        raise ValidationError({"to": _("This associate has left the cooperative.")})
    h = holding(associate)
    if shares > h.free_shares:
        raise ValidationError(
            {"shares": _("Only fully paid shares can be transferred; fully paid here: %(n)s.") % {"n": h.free_shares}}
        )
    amount = settings_of(associate.entity).share_nominal * shares
    return _write(
        actor, associate, K.TRANSFER, date, shares, amount, counterpart=to, note=note,
        message=gettext_noop("Shares transferred from %(name)s to %(to)s: %(shares)s"),
        params={"name": str(associate.member), "shares": shares, "to": str(to.member)},
    )


@transaction.atomic
def withdraw(*, actor, associate, shares: int, date: datetime.date, leaves: bool = False, note: str = "") -> ShareMovement:
    """Cancel fully paid shares (a member leaving, or a partial withdrawal): their value becomes
    owed to the associate, refunded now or later (``refund``)."""
    require(actor, "governance.manage_register", associate)
    associate = _locked(associate)
    shares = _positive_shares(shares)
    _check_date(date)
    h = holding(associate)
    if shares > h.free_shares:
        raise ValidationError(
            {"shares": _("Only fully paid shares can be withdrawn; fully paid here: %(n)s.") % {"n": h.free_shares}}
        )
    if leaves and shares != h.shares:
        raise ValidationError(
            {
                "shares": ngettext(
                    "An associate who leaves withdraws all their shares: %(n)s share.",
                    "An associate who leaves withdraws all their shares: %(n)s shares.",
                    h.shares,
                )
                % {"n": h.shares}
            }
        )
    amount = settings_of(associate.entity).share_nominal * shares
    movement = _write(
        actor, associate, K.WITHDRAWAL, date, shares, amount, note=note,
        message=gettext_noop("Shares withdrawn by %(name)s: %(shares)s (%(amount)s to refund)"),
        params={"name": str(associate.member), "shares": shares, "amount": amount},
    )
    if leaves:
        associate.left_on = date
        associate.save(update_fields=["left_on"])
    return movement


@transaction.atomic
def refund(*, actor, associate, amount: Decimal, date: datetime.date, note: str = "") -> ShareMovement:
    require(actor, "governance.manage_register", associate)
    associate = _locked(associate)
    _check_date(date)
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("The amount refunded must be more than zero.")})
    h = holding(associate)
    if amount > h.to_refund:
        raise ValidationError(
            {"amount": _("At most %(due)s is owed to this associate.") % {"due": money(h.to_refund)}}
        )
    return _write(
        actor, associate, K.REFUND, date, 0, amount, note=note,
        message=gettext_noop("%(amount)s refunded to %(name)s"),
        params={"name": str(associate.member), "amount": amount},
    )
