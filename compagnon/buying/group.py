"""Writes of group purchases. Keyword-only; one transaction each, the group purchase row locked; the
permission checked again here; audited; emails and notifications after commit.

* ``open_group`` — a member or the staff of the entity opens one for a supplier of the entity;
* ``join`` — a holder of an open activity commits a quantity (a second call changes it); ``leave``
  takes it back; both only while the group purchase is open and its deadline not passed;
* ``settle`` — once the deadline passed (or earlier, by whoever opened it or staff, when the minimum
  is reached): the minimum reached → ordered, ONE email to the supplier with the total and the
  quantity of each activity; not reached → cancelled, each participant notified;
* ``close_past_deadline`` — the daily job: settles every open group purchase whose deadline passed;
  running it twice changes nothing more;
* ``cancel`` — whoever opened it or staff, before it is invoiced.
Linking the supplier invoice and splitting its cost are in ``split.py``.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon import permissions
from compagnon.audit.services import record
from compagnon.core import formatting
from compagnon.core.services import require
from compagnon.members.models import Activity, ActivityStatus
from compagnon.purchases.models import Supplier

from . import rules as _rules  # noqa: F401 - registers the rules checked below
from .models import GroupPurchase, GroupState, Participation

CENT = Decimal("0.01")
MAX = Decimal("9999999999")


def _decimal(value, field: str, message: str, *, places: str = "0.01", positive: bool = True) -> Decimal:
    try:
        d = Decimal(str(value).replace(",", ".").strip())
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: message}) from None
    if not d.is_finite() or d < 0 or (positive and d == 0) or d >= MAX or d != d.quantize(Decimal(places)):
        raise ValidationError({field: message})
    return d


def _lock(group: GroupPurchase) -> GroupPurchase:
    return (GroupPurchase.objects.select_for_update(of=("self",))
            .select_related("entity", "supplier", "opened_by").get(pk=group.pk))


def _state_error(group, what: str) -> ValidationError:
    return ValidationError({"state": _("This group purchase is %(state)s: %(what)s")
                            % {"state": group.get_state_display(), "what": what}})


@transaction.atomic
def open_group(*, actor, supplier: Supplier, title: str, description: str, unit: str, unit_price,
               deadline: datetime.date, minimum_quantity) -> GroupPurchase:
    require(actor, "buying.open_group", supplier.entity)
    errors: dict = {}
    title = " ".join(str(title or "").split())
    description = str(description or "").strip()
    unit = " ".join(str(unit or "").split())
    if not title:
        errors["title"] = [_("Give the group purchase a title.")]
    if not description:
        errors["description"] = [_("Describe the item bought.")]
    if not unit:
        errors["unit"] = [_("Say in which unit members order, for example: box of 10.")]
    try:
        unit_price = _decimal(unit_price, "unit_price",
                              _("Enter the unit price excl. VAT, above zero, with four decimals at most."),
                              places="0.0001")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        minimum_quantity = _decimal(minimum_quantity, "minimum_quantity",
                                    _("Enter the minimum total quantity: zero or more, two decimals at most."),
                                    positive=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not isinstance(deadline, datetime.date):
        errors["deadline"] = [_("Enter the deadline.")]
    elif deadline < timezone.localdate():
        errors["deadline"] = [_("The deadline cannot be in the past.")]
    if errors:
        raise ValidationError(errors)
    g = GroupPurchase.objects.create(
        entity=supplier.entity, supplier=supplier, title=title[:120], description=description[:4000], unit=unit[:30],
        unit_price=unit_price, deadline=deadline, minimum_quantity=minimum_quantity, opened_by=actor)
    record(actor=actor, action="buying.group_opened", obj=g, entity=g.entity,
           message=gettext_noop("Group purchase %(title)s opened with %(supplier)s until %(date)s"),
           params={"title": g.title, "supplier": supplier.name, "date": deadline})
    return g


def _joinable(g: GroupPurchase) -> None:
    if g.state != GroupState.OPEN:
        raise _state_error(g, _("members can no longer join or change their quantity."))
    if g.deadline < timezone.localdate():
        raise ValidationError({"state": _("The deadline has passed: quantities can no longer change.")})


def _check_activity(actor, g: GroupPurchase, activity: Activity | None) -> Activity:
    if activity is None or activity.entity_id != g.entity_id or activity.status == ActivityStatus.CLOSED:
        raise ValidationError({"activity": _("Choose one of your open activities of this entity.")})
    if not permissions.is_activity_holder.test(actor, activity):
        raise PermissionDenied(_("Only a holder of %(activity)s commits it to a purchase.") % {"activity": activity.name})
    return activity


@transaction.atomic
def join(*, actor, group: GroupPurchase, activity: Activity, quantity) -> Participation:
    """``activity`` (one the actor holds) takes ``quantity``; joining again changes the quantity."""
    g = _lock(group)
    require(actor, "buying.join_group", g)
    activity = _check_activity(actor, g, activity)
    _joinable(g)
    quantity = _decimal(quantity, "quantity", _("Enter a quantity above zero, with two decimals at most."))
    member_id = permissions.scope_for(actor).member_id
    p = Participation.objects.filter(group=g, activity=activity).first()
    if p is None:
        try:
            with transaction.atomic():
                p = Participation.objects.create(group=g, activity=activity, member_id=member_id, quantity=quantity)
        except IntegrityError:  # pragma: no cover - the group lock makes this unreachable
            p = Participation.objects.get(group=g, activity=activity)
        action, message = "buying.joined", gettext_noop("%(activity)s joined %(title)s: %(quantity)s")
    elif p.quantity == quantity:
        return p
    else:
        p.quantity, p.member_id = quantity, member_id
        p.save(update_fields=["quantity", "member", "updated_at"])
        action, message = "buying.quantity_changed", gettext_noop("%(activity)s now takes %(quantity)s in %(title)s")
    record(actor=actor, action=action, obj=g, entity=g.entity, activity=activity, message=message,
           params={"activity": activity.name, "title": g.title, "quantity": f"{quantity.normalize():f}"})
    return p


@transaction.atomic
def leave(*, actor, group: GroupPurchase, activity: Activity) -> None:
    g = _lock(group)
    require(actor, "buying.join_group", g)
    activity = _check_activity(actor, g, activity)
    _joinable(g)
    deleted, _rows = Participation.objects.filter(group=g, activity=activity).delete()
    if deleted:
        record(actor=actor, action="buying.left", obj=g, entity=g.entity, activity=activity,
               message=gettext_noop("%(activity)s left %(title)s"), params={"activity": activity.name, "title": g.title})


def line_total(quantity: Decimal, unit_price: Decimal) -> Decimal:
    return (quantity * unit_price).quantize(CENT, rounding=ROUND_HALF_UP)


def order_text(g: GroupPurchase, rows: list[Participation]) -> tuple[str, str, str]:
    """(recipient, subject, body) of the order, in the entity's language."""
    terms = getattr(g.supplier, "terms", None)
    to = (terms.contact_email if terms and terms.contact_email else "") or g.supplier.email or g.opened_by.email
    total = sum((p.quantity for p in rows), Decimal("0"))
    with translation.override(g.entity.default_language):
        subject = _("Order %(reference)s from %(entity)s: %(title)s") % {
            "reference": g.reference, "entity": g.entity.name, "title": g.title}
        lines = [
            _("Hello,"), "",
            _("%(entity)s orders, under the reference %(reference)s:") % {"entity": g.entity.name,
                                                                         "reference": g.reference},
            f"{g.title}", g.description, "",
            _("Total quantity: %(quantity)s %(unit)s at %(price)s excl. VAT each, %(amount)s excl. VAT.") % {
                "quantity": formatting.number(total), "unit": g.unit, "price": formatting.money(g.unit_price),
                "amount": formatting.money(line_total(total, g.unit_price))},
            "", _("Split by activity (please show it on the delivery note):"),
        ]
        lines += [f"- {p.activity.name}: {formatting.number(p.quantity)} {g.unit}" for p in rows]
        lines += ["", _("Please put the reference %(reference)s on your invoice.") % {"reference": g.reference}, "",
                  _("Contact: %(name)s, %(email)s") % {"name": g.opened_by.get_full_name() or g.opened_by.email,
                                                        "email": g.opened_by.email}]
    return to, subject, "\n".join(lines)


def _notify_cancelled(g: GroupPurchase, rows: list[Participation], total: Decimal) -> None:
    from django.urls import reverse

    from compagnon.notifications.services import Message, notify_many

    url = reverse("buying-group", args=[g.pk])
    users = {p.member.user_id: p.member.user for p in rows if p.member.user_id}
    if g.opened_by_id not in users:
        users[g.opened_by_id] = g.opened_by
    params = {"title": g.title, "total": formatting.number(total), "minimum": formatting.number(g.minimum_quantity),
              "unit": g.unit}
    notify_many([
        Message(user=u, url=url, key=f"buying-cancelled-{g.pk}",
                title=lambda: _("Group purchase cancelled: %(title)s") % params,
                body=lambda: _("The minimum was not reached by the deadline (%(total)s of %(minimum)s %(unit)s): "
                               "nothing is ordered.") % params)
        for u in users.values()
    ])


@transaction.atomic
def settle(*, group: GroupPurchase, actor=None, today: datetime.date | None = None) -> GroupPurchase:
    """Order or cancel an open group purchase. Without ``actor`` (the daily job) only once the
    deadline passed; with one (its opener or staff), also before, when the minimum is reached.
    Anything but an open group purchase is returned unchanged (idempotent)."""
    from compagnon.core.tasks import send_email

    today = today or timezone.localdate()
    g = _lock(group)
    if actor is not None:
        require(actor, "buying.manage_group", g)
    if g.state != GroupState.OPEN:
        return g
    rows = list(g.participations.select_related("activity", "member__user").order_by("activity__name", "id"))
    total = sum((p.quantity for p in rows), Decimal("0"))
    reached = bool(rows) and total >= g.minimum_quantity
    if g.deadline >= today:
        if actor is None:
            return g
        if not reached:
            raise ValidationError({"state": _("The minimum (%(minimum)s) is not reached yet: wait for the deadline.")
                                   % {"minimum": formatting.number(g.minimum_quantity)}})
    now = timezone.now()
    params = {"title": g.title, "total": f"{total.normalize():f}", "supplier": g.supplier.name}
    if reached:
        to, subject, body = order_text(g, rows)
        g.state, g.ordered_at, g.order_sent_to = GroupState.ORDERED, now, to[:254]
        g.save(update_fields=["state", "ordered_at", "order_sent_to"])
        record(actor=actor, action="buying.group_ordered", obj=g, entity=g.entity, params={**params, "to": to},
               message=gettext_noop("Group purchase %(title)s ordered from %(supplier)s (%(total)s), sent to %(to)s"))
        transaction.on_commit(lambda: send_email.enqueue(to=[to], subject=subject, body=body))
    else:
        g.state, g.cancelled_at = GroupState.CANCELLED, now
        g.save(update_fields=["state", "cancelled_at"])
        record(actor=actor, action="buying.group_cancelled", obj=g, entity=g.entity, params=params,
               message=gettext_noop("Group purchase %(title)s cancelled: the minimum was not reached (%(total)s)"))
        _notify_cancelled(g, rows, total)
    return g


def close_past_deadline(*, today: datetime.date | None = None) -> dict[str, int]:
    """The daily job: settle every open group purchase whose deadline has passed, each in its own
    transaction. Returns {"ordered": n, "cancelled": n}; a second run finds nothing to do."""
    today = today or timezone.localdate()
    counts = {"ordered": 0, "cancelled": 0}
    for pk in GroupPurchase.objects.filter(state=GroupState.OPEN, deadline__lt=today).order_by("id").values_list(
            "pk", flat=True):
        g = settle(group=GroupPurchase(pk=pk), today=today)
        if g.state in counts:
            counts[g.state] += 1
    return counts


@transaction.atomic
def cancel(*, actor, group: GroupPurchase) -> GroupPurchase:
    """Whoever opened it, or staff: drop a group purchase that is not invoiced yet."""
    g = _lock(group)
    require(actor, "buying.manage_group", g)
    if g.state == GroupState.CANCELLED:
        return g
    if g.state not in (GroupState.OPEN, GroupState.ORDERED):
        raise _state_error(g, _("its invoice is already linked."))
    rows = list(g.participations.select_related("activity", "member__user"))
    g.state, g.cancelled_at = GroupState.CANCELLED, timezone.now()
    g.save(update_fields=["state", "cancelled_at"])
    record(actor=actor, action="buying.group_cancelled", obj=g, entity=g.entity, params={"title": g.title},
           message=gettext_noop("Group purchase %(title)s cancelled"))
    from django.urls import reverse

    from compagnon.notifications.services import Message, notify_many

    notify_many([Message(user=p.member.user, url=reverse("buying-group", args=[g.pk]), key=f"buying-cancelled-{g.pk}",
                         title=lambda: _("Group purchase cancelled: %(title)s") % {"title": g.title})
                 for p in rows if p.member.user_id and p.member.user_id != actor.pk])
    return g
