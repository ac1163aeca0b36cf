"""Writes of the skill barter: a member records hours given to a colleague, who confirms or
declines. No money, no ledger: balances are sums of confirmed exchanges (``selectors.balances``)."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.members.models import Member, MemberStatus
from compagnon.notifications.services import notify
from compagnon.permissions import scope_for

from .models import BarterExchange, ExchangeStatus

MAX_HOURS = Decimal("100")


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({"hours": _("Enter the hours as a number, for example 1.5.")}) from None
    if not hours.is_finite() or hours <= 0 or hours > MAX_HOURS:
        raise ValidationError({"hours": _("Enter between 0.25 and 100 hours.")})
    if hours != hours.quantize(Decimal("0.01")):
        raise ValidationError({"hours": _("Hours take at most two decimals.")})
    return hours


def _fmt(hours: Decimal) -> str:
    return f"{hours.normalize():f}"


def _barter_url() -> str:
    return reverse("cooperation-barter")


@transaction.atomic
def record_exchange(*, actor, receiver: Member, date: datetime.date, hours, description: str) -> BarterExchange:
    """``actor`` (a member) gave ``hours`` to ``receiver``, a colleague of the same entity."""
    require(actor, "cooperation.record_exchange")
    scope = scope_for(actor)
    giver = Member.objects.select_related("entity", "user").get(pk=scope.member_id)
    hours = _hours(hours)
    if receiver is None or receiver.entity_id != giver.entity_id or receiver.status == MemberStatus.LEFT:
        raise ValidationError({"receiver": _("Choose a colleague of your cooperative.")})
    if receiver.pk == giver.pk:
        raise ValidationError({"receiver": _("Choose a colleague: you cannot give hours to yourself.")})
    if not isinstance(date, datetime.date) or date > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": _("Say in a few words what was done.")})
    exchange = BarterExchange.objects.create(
        entity_id=giver.entity_id, giver=giver, receiver=receiver, date=date, hours=hours, description=description[:300]
    )
    record(
        actor=actor,
        action="cooperation.exchange_recorded",
        obj=exchange,
        entity=giver.entity,
        member=giver,
        message=gettext_noop("%(hours)s h given to %(receiver)s recorded: %(description)s"),
        params={"hours": _fmt(hours), "receiver": str(receiver), "description": exchange.description},
    )
    user = receiver.user
    name = str(giver)
    transaction.on_commit(
        lambda: notify(
            user,
            title=lambda: _("%(name)s says they gave you %(hours)s h: please confirm")
            % {"name": name, "hours": _fmt(hours)},
            body=exchange.description,
            url=_barter_url(),
            key=f"barter:{exchange.pk}:asked",
        )
    )
    return exchange


def _locked(exchange_pk: int) -> BarterExchange:
    return (
        BarterExchange.objects.select_for_update(of=("self",))
        .select_related("entity", "giver__user", "receiver__user")
        .get(pk=exchange_pk)
    )


def _decide(*, actor, exchange: BarterExchange, to: str) -> BarterExchange:
    ex = _locked(exchange.pk)
    if not actor.has_perm("cooperation.decide_exchange", ex):
        raise PermissionDenied(_("Only the colleague who received the hours confirms or declines them."))
    if ex.status == to:
        return ex  # a double tap: nothing more happens
    if ex.status != ExchangeStatus.PENDING:
        raise ValidationError(
            {"status": _("This exchange was already confirmed.") if ex.status == ExchangeStatus.CONFIRMED
             else _("This exchange was already declined.")}
        )
    ex.status = to
    ex.decided_at = timezone.now()
    ex.save(update_fields=["status", "decided_at"])
    confirmed = to == ExchangeStatus.CONFIRMED
    record(
        actor=actor,
        action="cooperation.exchange_confirmed" if confirmed else "cooperation.exchange_declined",
        obj=ex,
        entity=ex.entity,
        member=ex.receiver,
        message=gettext_noop("%(hours)s h received from %(giver)s confirmed")
        if confirmed
        else gettext_noop("%(hours)s h received from %(giver)s declined"),
        params={"hours": _fmt(ex.hours), "giver": str(ex.giver)},
    )
    user, name, hours = ex.giver.user, str(ex.receiver), _fmt(ex.hours)
    transaction.on_commit(
        lambda: notify(
            user,
            title=(lambda: _("%(name)s confirmed the %(hours)s h you gave") % {"name": name, "hours": hours})
            if confirmed
            else (lambda: _("%(name)s declined the %(hours)s h you recorded") % {"name": name, "hours": hours}),
            url=_barter_url(),
            key=f"barter:{ex.pk}:{to}",
        )
    )
    return ex


@transaction.atomic
def confirm_exchange(*, actor, exchange: BarterExchange) -> BarterExchange:
    """The receiver confirms: the hours count in both balances. Confirming twice changes nothing."""
    return _decide(actor=actor, exchange=exchange, to=ExchangeStatus.CONFIRMED)


@transaction.atomic
def decline_exchange(*, actor, exchange: BarterExchange) -> BarterExchange:
    """The receiver declines: the hours never count. Declining twice changes nothing."""
    return _decide(actor=actor, exchange=exchange, to=ExchangeStatus.DECLINED)
