"""Planning: putting a visit in a member's calendar (``plan_visit``, also called by the planning
app when a sector accepts a proposal), unavailability, the calendar feed's secret, published
slots, booking by clients and the deposit paid online."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.core.services import require
from compagnon.members.models import ActivityMembership, Member, MemberStatus
from compagnon.notifications.services import Message, notify_many

from . import providers
from . import rules as _rules  # noqa: F401 - registers the fieldwork.* permissions
from .common import absolute, audit, email_after_commit
from .models import (
    CalendarFeed,
    Deposit,
    DepositState,
    Request,
    RequestState,
    SectorMembership,
    Slot,
    Unavailability,
    Visit,
    VisitState,
    new_token,
)
from .services_requests import _client_for

DEFAULT_START = datetime.time(9, 0)


def _time(value: datetime.datetime) -> str:
    return formats.time_format(timezone.localtime(value), "TIME_FORMAT")


def conflicts(
    member_id: int, start: datetime.datetime, minutes: int, *, exclude_visit: int | None = None
) -> list[str]:
    """Plain sentences for what stands in the way of ``member`` working from ``start``."""
    end = start + datetime.timedelta(minutes=minutes)
    problems = []
    for u in Unavailability.objects.filter(
        member_id=member_id, starts_at__lt=end, ends_at__gt=start
    )[:3]:
        problems.append(
            _("The member is unavailable from %(start)s to %(end)s%(reason)s.")
            % {
                "start": formats.date_format(
                    timezone.localtime(u.starts_at), "SHORT_DATETIME_FORMAT"
                ),
                "end": formats.date_format(timezone.localtime(u.ends_at), "SHORT_DATETIME_FORMAT"),
                "reason": f" ({u.reason})" if u.reason else "",
            }
        )
    others = (
        Visit.objects.filter(
            member_id=member_id,
            starts_at__lt=end,
            starts_at__gte=start - datetime.timedelta(hours=24),
        )
        .exclude(state=VisitState.CANCELLED)
        .exclude(pk=exclude_visit)
    )
    for v in others:
        if v.ends_at > start:
            problems.append(
                _("It overlaps another visit from %(start)s to %(end)s in %(place)s.")
                % {"start": _time(v.starts_at), "end": _time(v.ends_at), "place": v.place}
            )
    return problems


def _may_work_on(member: Member, visit: Visit) -> bool:
    if member.pk == visit.member_id:
        return True
    if (
        visit.sector_id
        and SectorMembership.objects.filter(sector_id=visit.sector_id, member=member).exists()
    ):
        return True
    return ActivityMembership.objects.filter(activity_id=visit.activity_id, member=member).exists()


def plan_visit(
    *, user, visit: Visit, member: Member, day: datetime.date, starts_at: datetime.datetime | None
) -> Visit:
    """Put ``visit`` in ``member``'s calendar on ``day`` at ``starts_at`` (the visit's previous time,
    else 9:00, when None). Refused with a plain message when the member is unavailable then or
    already at another visit, or outside the client's time window."""
    with transaction.atomic():
        visit = (
            Visit.objects.select_for_update(of=("self",))
            .select_related("activity", "request")
            .get(pk=visit.pk)
        )
        require(user, "fieldwork.plan_visit", visit)
        if visit.state not in (VisitState.TO_PLAN, VisitState.PLANNED):
            raise ValidationError(
                _("This visit is %(state)s: it can no longer be moved.")
                % {"state": visit.get_state_display()}
            )
        if member.status == MemberStatus.LEFT or member.entity_id != visit.activity.entity_id:
            raise ValidationError(
                {"member": _("Choose a member of the cooperative who has not left.")}
            )
        if not _may_work_on(member, visit):
            raise ValidationError(
                {"member": _("Choose a member of the visit's sector or of its activity.")}
            )
        if starts_at is None:
            previous = (
                timezone.localtime(visit.starts_at).time() if visit.starts_at else DEFAULT_START
            )
            starts_at = timezone.make_aware(datetime.datetime.combine(day, previous))
        if timezone.is_naive(starts_at):
            starts_at = timezone.make_aware(starts_at)
        if timezone.localtime(starts_at).date() != day:
            raise ValidationError({"starts_at": _("The start time must be on the chosen day.")})
        local = timezone.localtime(starts_at).time()
        if (visit.window_start and local < visit.window_start) or (
            visit.window_end and local > visit.window_end
        ):
            raise ValidationError(
                {
                    "starts_at": _("The client asked for a visit between %(start)s and %(end)s.")
                    % {
                        "start": formats.time_format(
                            visit.window_start or datetime.time(0), "TIME_FORMAT"
                        ),
                        "end": formats.time_format(
                            visit.window_end or datetime.time(23, 59), "TIME_FORMAT"
                        ),
                    }
                }
            )
        # Two visits planned for the same member at once (two people dragging, or a proposal
        # accepted while someone moves a visit) wait for each other here, so the second one sees
        # the first in its conflict check. Lock order: the visit, then the member.
        list(Member.objects.select_for_update(of=("self",)).filter(pk=member.pk).values_list("pk"))
        problems = conflicts(member.pk, starts_at, visit.minutes, exclude_visit=visit.pk)
        if problems:
            raise ValidationError({"starts_at": problems})
        previous_member = visit.member_id
        visit.member, visit.day, visit.starts_at, visit.state = (
            member,
            day,
            starts_at,
            VisitState.PLANNED,
        )
        visit.save(update_fields=["member", "day", "starts_at", "state", "updated_at"])
        if visit.request_id and visit.request.state == RequestState.TAKEN:
            Request.objects.filter(pk=visit.request_id).update(
                state=RequestState.PLANNED, updated_at=timezone.now()
            )
        audit(
            actor=user,
            action="fieldwork.visit_planned",
            obj=visit,
            entity=visit.activity.entity,
            activity=visit.activity,
            member=member,
            message=gettext_noop("Visit planned on %(day)s at %(time)s for %(member)s"),
            params={"day": day, "time": local.strftime("%H:%M"), "member": str(member)},
        )
        if previous_member != member.pk and member.user_id != user.pk:
            target, url = member.user, reverse("fieldwork-visit", args=[visit.pk])
            transaction.on_commit(
                lambda: notify_many(
                    [
                        Message(
                            user=target,
                            key=f"fieldwork-planned-{visit.pk}-{member.pk}-{day}",
                            url=url,
                            title=lambda: _("A visit was put in your calendar"),
                            body=lambda: (
                                f"{formats.date_format(day, 'SHORT_DATE_FORMAT')} — {visit.place}"
                            ),
                        )
                    ]
                )
            )
    return visit


# --- unavailability and the calendar feed ---------------------------------------------------------


def add_unavailability(
    *,
    actor,
    member: Member,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    reason: str = "",
) -> Unavailability:
    require(actor, "fieldwork.manage_availability", member)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must come after the start.")})
    if ends_at - starts_at > datetime.timedelta(days=366):
        raise ValidationError({"ends_at": _("An unavailability lasts at most a year.")})
    with transaction.atomic():
        row = Unavailability.objects.create(
            member=member, starts_at=starts_at, ends_at=ends_at, reason=reason.strip()[:200]
        )
        audit(
            actor=actor,
            action="fieldwork.unavailability_added",
            obj=row,
            entity=member.entity,
            member=member,
            message=gettext_noop("Unavailable from %(start)s to %(end)s"),
            params={"start": starts_at, "end": ends_at},
        )
    return row


def delete_unavailability(*, actor, unavailability: Unavailability) -> None:
    require(actor, "fieldwork.manage_availability", unavailability.member)
    with transaction.atomic():
        audit(
            actor=actor,
            action="fieldwork.unavailability_removed",
            obj=unavailability,
            entity=unavailability.member.entity,
            member=unavailability.member,
            message=gettext_noop("Unavailability from %(start)s removed"),
            params={"start": unavailability.starts_at},
        )
        unavailability.delete()


def calendar_feed(member: Member) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(member=member)
    return feed


def rotate_feed(*, actor, member: Member) -> CalendarFeed:
    """A new secret for the member's iCal feed: the old address stops working at once."""
    if member.user_id != actor.pk:
        raise PermissionDenied(_("You are not allowed to do this."))
    with transaction.atomic():
        feed = calendar_feed(member)
        feed = CalendarFeed.objects.select_for_update(of=("self",)).get(pk=feed.pk)
        feed.token = new_token()
        feed.save(update_fields=["token", "created_at"])
        audit(
            actor=actor,
            action="fieldwork.feed_rotated",
            obj=feed,
            entity=member.entity,
            member=member,
            message=gettext_noop("Calendar feed address renewed"),
        )
    return feed


# --- slots and booking ----------------------------------------------------------------------------


def publish_slot(
    *,
    actor,
    member: Member,
    sector,
    activity,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    deposit=0,
) -> Slot:
    """A time ``member`` offers clients to book, for ``activity``, in ``sector``; ``deposit`` (incl.
    VAT) is paid online when booking (needs a payment provider)."""
    require(actor, "fieldwork.manage_availability", member)
    errors = {}
    if (
        not SectorMembership.objects.filter(sector=sector, member=member).exists()
        and sector.lead_id != member.pk
    ):
        errors["sector"] = _("Choose one of the member's sectors.")
    if not ActivityMembership.objects.filter(activity=activity, member=member).exists():
        errors["activity"] = _("Choose an activity the member works in.")
    if ends_at <= starts_at:
        errors["ends_at"] = _("The end must come after the start.")
    elif not 15 <= (ends_at - starts_at).total_seconds() / 60 <= 12 * 60:
        errors["ends_at"] = _("A slot lasts 15 minutes to 12 hours.")
    if starts_at <= timezone.now():
        errors["starts_at"] = _("A slot starts in the future.")
    if deposit and deposit < 0:
        errors["deposit"] = _("The deposit is zero or more.")
    if deposit and providers.get_provider() is None:
        errors["deposit"] = _(
            "Online payment is not set up for the cooperative: publish the slot without a deposit."
        )
    if errors:
        raise ValidationError(errors)
    if Slot.objects.filter(member=member, starts_at__lt=ends_at, ends_at__gt=starts_at).exists():
        raise ValidationError({"starts_at": _("It overlaps another slot of the member.")})
    problems = conflicts(member.pk, starts_at, int((ends_at - starts_at).total_seconds() // 60))
    if problems:
        raise ValidationError({"starts_at": problems})
    with transaction.atomic():
        slot = Slot.objects.create(
            member=member,
            sector=sector,
            activity=activity,
            starts_at=starts_at,
            ends_at=ends_at,
            deposit=deposit or 0,
        )
        audit(
            actor=actor,
            action="fieldwork.slot_published",
            obj=slot,
            entity=member.entity,
            member=member,
            message=gettext_noop("Slot published on %(start)s"),
            params={"start": starts_at},
        )
    return slot


def delete_slot(*, actor, slot: Slot) -> None:
    require(actor, "fieldwork.manage_availability", slot.member)
    if slot.visit_id is not None:
        raise ValidationError(_("This slot is booked: move or cancel the visit instead."))
    with transaction.atomic():
        audit(
            actor=actor,
            action="fieldwork.slot_removed",
            obj=slot,
            entity=slot.member.entity,
            member=slot.member,
            message=gettext_noop("Slot of %(start)s removed"),
            params={"start": slot.starts_at},
        )
        slot.delete()


def book_slot(
    *,
    slot: Slot,
    request: Request | None = None,
    name: str = "",
    email: str = "",
    phone: str = "",
    street: str = "",
    postcode: str = "",
    city: str = "",
    description: str = "",
) -> tuple[Visit, Deposit | None]:
    """A client books ``slot``: from their request's tracking page (``request``) or a sector's
    public page (their details). The visit is planned at once; with a deposit, it waits for the
    payment (``start_payment``) and is cancelled if the payment fails."""
    with transaction.atomic():
        slot = (
            Slot.objects.select_for_update(of=("self",))
            .select_related("member__user", "activity__entity", "sector")
            .get(pk=slot.pk)
        )
        if slot.visit_id is not None or slot.starts_at <= timezone.now():
            raise ValidationError({"slot": _("This slot is no longer free: choose another one.")})
        member, activity, actor = slot.member, slot.activity, slot.member.user
        if request is None:
            errors = {}
            for field, value, message in (
                ("name", name, _("Give your name.")),
                ("email", email, _("Give an email address: the confirmation is sent there.")),
                (
                    "postcode",
                    postcode,
                    _("Give the postcode of the place where the work is to be done."),
                ),
                ("city", city, _("Give the commune of the place where the work is to be done.")),
                ("description", description, _("Describe the work in a few words.")),
            ):
                if not (value or "").strip():
                    errors[field] = message
            if errors:
                raise ValidationError(errors)
            request = Request(
                entity=activity.entity,
                sector=slot.sector,
                name=name.strip(),
                email=email.strip(),
                phone=phone.strip(),
                description=description.strip(),
                street=street.strip(),
                postcode=postcode.strip(),
                city=city.strip(),
                country=activity.entity.country,
                state=RequestState.TAKEN,
                offered_at=timezone.now(),
            )
            from .common import locate

            locate(request)
            request.save()
        else:
            request = Request.objects.select_for_update(of=("self",)).get(pk=request.pk)
            if request.entity_id != activity.entity_id or request.state in (
                RequestState.CANCELLED,
                RequestState.DONE,
                RequestState.DECLINED,
            ):
                raise ValidationError({"slot": _("This slot cannot be booked for this request.")})
            if request.taken_by_id not in (None, member.pk):
                raise ValidationError(
                    {"slot": _("Book a slot of the member who took your request.")}
                )
        client = (
            request.client
            if request.client_id and request.client.activity_id == activity.pk
            else _client_for(actor, request, activity, None)
        )
        request.taken_by, request.activity, request.client = member, activity, client
        request.state = RequestState.PLANNED
        request.save()
        visit = Visit.objects.create(
            activity=activity,
            client=client,
            request=request,
            sector=slot.sector,
            member=member,
            state=VisitState.PLANNED,
            day=timezone.localtime(slot.starts_at).date(),
            starts_at=slot.starts_at,
            minutes=slot.minutes,
            notes=request.description[:2000],
            street=request.street,
            postcode=request.postcode,
            city=request.city,
            country=request.country,
            latitude=request.latitude,
            longitude=request.longitude,
        )
        slot.visit = visit
        slot.save(update_fields=["visit"])
        deposit = None
        if slot.deposit and slot.deposit > 0:
            provider = providers.get_provider()
            if provider is None:
                raise ValidationError(
                    {
                        "slot": _(
                            "Online payment is not available at the moment: choose a slot without a deposit."
                        )
                    }
                )
            deposit = Deposit.objects.create(
                visit=visit, request=request, amount=slot.deposit, provider=provider.name
            )
        audit(
            actor=None,
            action="fieldwork.slot_booked",
            obj=visit,
            entity=activity.entity,
            activity=activity,
            member=member,
            message=gettext_noop("Slot of %(start)s booked by the client"),
            params={"start": slot.starts_at},
        )
        url = reverse("fieldwork-visit", args=[visit.pk])
        transaction.on_commit(
            lambda: notify_many(
                [
                    Message(
                        user=actor,
                        key=f"fieldwork-booked-{visit.pk}",
                        url=url,
                        title=lambda: _("A client booked one of your slots"),
                        body=lambda: formats.date_format(
                            timezone.localtime(visit.starts_at), "SHORT_DATETIME_FORMAT"
                        ),
                    )
                ]
            )
        )
        email_after_commit(
            to=request.email,
            language=request.language,
            subject=lambda: _("Your visit is booked"),
            template="fieldwork/email/booked.txt",
            context={
                "request": request,
                "visit": visit,
                "member": member,
                "deposit": deposit,
                "link": absolute("fieldwork-track", request.token),
            },
        )
    return visit, deposit


def start_payment(deposit: Deposit) -> str:
    """Create the payment at the provider (outside any transaction: a network call) and answer the
    page to send the client to."""
    provider = providers.get_provider()
    if provider is None or provider.name != deposit.provider:
        raise ValidationError(_("Online payment is not available at the moment."))
    if deposit.checkout_url and deposit.state == DepositState.PENDING:
        return deposit.checkout_url
    token = deposit.request.token
    try:
        payment = provider.create_payment(
            amount=deposit.amount,
            currency=deposit.currency,
            reference=f"deposit-{deposit.pk}",
            description=_("Deposit for the visit of %(day)s") % {"day": deposit.visit.day},
            return_url=absolute("fieldwork-payment-return", token, deposit.pk),
            webhook_url=absolute("fieldwork-payment-webhook", deposit.provider),
        )
    except providers.ProviderError:
        raise ValidationError(
            _("The payment service cannot be reached; try again in a few minutes.")
        ) from None
    Deposit.objects.filter(pk=deposit.pk).update(
        provider_ref=payment.ref, checkout_url=payment.checkout_url
    )
    return payment.checkout_url


def refresh_deposit(deposit: Deposit) -> Deposit:
    """Ask the provider for the payment's state and record it (paid: kept for the final invoice;
    failed: the visit is cancelled and the slot freed). Idempotent; called by the return page and
    the webhook."""
    provider = providers.get_provider()
    if provider is None or not deposit.provider_ref or deposit.state != DepositState.PENDING:
        return deposit
    try:
        status = provider.status(deposit.provider_ref)
    except providers.ProviderError:
        return deposit
    if status == "open":
        return deposit
    with transaction.atomic():
        deposit = (
            Deposit.objects.select_for_update(of=("self",))
            .select_related("visit__activity")
            .get(pk=deposit.pk)
        )
        if deposit.state != DepositState.PENDING:
            return deposit
        if status == "paid":
            deposit.state, deposit.paid_at = DepositState.PAID, timezone.now()
            deposit.save(update_fields=["state", "paid_at"])
            audit(
                actor=None,
                action="fieldwork.deposit_paid",
                obj=deposit,
                entity=deposit.visit.activity.entity,
                activity=deposit.visit.activity,
                message=gettext_noop("Deposit of %(amount)s paid online"),
                params={"amount": deposit.amount},
            )
        else:
            deposit.state = DepositState.FAILED
            deposit.save(update_fields=["state"])
            Visit.objects.filter(pk=deposit.visit_id).update(
                state=VisitState.CANCELLED, updated_at=timezone.now()
            )
            Slot.objects.filter(visit_id=deposit.visit_id).update(visit=None)
            audit(
                actor=None,
                action="fieldwork.deposit_failed",
                obj=deposit,
                entity=deposit.visit.activity.entity,
                activity=deposit.visit.activity,
                message=gettext_noop("Deposit not paid: the booking is cancelled"),
            )
    return deposit


def refund_deposit(*, actor, deposit: Deposit) -> Deposit:
    """Give a paid deposit back (the visit will not take place). The provider is called with the
    deposit's row locked, so two taps never refund twice."""
    require(actor, "fieldwork.plan_visit", deposit.visit)
    provider = providers.get_provider()
    if provider is None or provider.name != deposit.provider:
        raise ValidationError(_("Online payment is not available at the moment."))
    with transaction.atomic():
        deposit = (
            Deposit.objects.select_for_update(of=("self",))
            .select_related("visit__activity")
            .get(pk=deposit.pk)
        )
        if deposit.state != DepositState.PAID:
            raise ValidationError(_("Only a paid deposit can be refunded."))
        try:
            provider.refund(deposit.provider_ref, amount=deposit.amount, currency=deposit.currency)
        except providers.ProviderError:
            raise ValidationError(
                _("The payment service cannot be reached; try again in a few minutes.")
            ) from None
        deposit.state, deposit.refunded_at = DepositState.REFUNDED, timezone.now()
        deposit.save(update_fields=["state", "refunded_at"])
        audit(
            actor=actor,
            action="fieldwork.deposit_refunded",
            obj=deposit,
            entity=deposit.visit.activity.entity,
            activity=deposit.visit.activity,
            message=gettext_noop("Deposit of %(amount)s refunded"),
            params={"amount": deposit.amount},
        )
    return deposit
