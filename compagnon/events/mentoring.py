"""Mentoring: members offer to mentor in a trade, new members ask for a mentor, a mentor (or the
staff) accepts and a pair is made; mentor and mentee log their meetings, the mentee's advisor
follows the pair. A mentor takes at most the number of people their offer says at a time."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.members.models import Member, MemberStatus, Trade
from compagnon.permissions import scope_for

from .models import MentorMeeting, MentorOffer, MentorPair, MentorRequest, MentorRequestStatus
from .tell import tell

MAX_MENTEES = 10


def _me(actor) -> Member:
    s = scope_for(actor)
    if s.member_id is None:
        raise PermissionDenied(_("Mentoring is for the members of the cooperative."))
    return Member.objects.select_related("entity", "user", "advisor").get(pk=s.member_id)


def _trade(trade) -> Trade:
    if not isinstance(trade, Trade):
        raise ValidationError({"trade": _("Choose a trade.")})
    return trade


@transaction.atomic
def offer_mentoring(*, actor, trade: Trade, note: str = "", capacity: int = 1) -> MentorOffer:
    """Offer to mentor in ``trade`` (offering again in the same trade updates the offer)."""
    require(actor, "events.offer_mentoring")
    me, trade = _me(actor), _trade(trade)
    if not isinstance(capacity, int) or not 1 <= capacity <= MAX_MENTEES:
        raise ValidationError({"capacity": _("Mentor between 1 and 10 people at a time.")})
    offer, created = MentorOffer.objects.select_for_update().get_or_create(
        member=me, trade=trade, defaults={"entity": me.entity, "note": (note or "").strip()[:300], "capacity": capacity}
    )
    if not created:
        offer.note, offer.capacity, offer.active = (note or "").strip()[:300], capacity, True
        offer.save(update_fields=["note", "capacity", "active"])
    record(
        actor=actor, action="events.mentor_offer", obj=offer, entity=me.entity, member=me,
        message=gettext_noop("Offers to mentor in %(trade)s"), params={"trade": trade.code},
    )
    return offer


@transaction.atomic
def withdraw_offer(*, actor, offer: MentorOffer) -> MentorOffer:
    offer = MentorOffer.objects.select_for_update().get(pk=offer.pk)
    if offer.member_id != scope_for(actor).member_id:
        raise PermissionDenied(_("Only the mentor withdraws their offer."))
    if offer.active:
        offer.active = False
        offer.save(update_fields=["active"])
    return offer


@transaction.atomic
def ask_mentor(*, actor, trade: Trade, note: str = "") -> MentorRequest:
    """Ask for a mentor in ``trade``; the members who offer to mentor in it are told. Asking twice
    keeps one request."""
    require(actor, "events.ask_mentor")
    me, trade = _me(actor), _trade(trade)
    found = MentorRequest.objects.filter(mentee=me, trade=trade, status=MentorRequestStatus.OPEN).first()
    if found is not None:
        return found
    req = MentorRequest.objects.create(entity=me.entity, mentee=me, trade=trade, note=(note or "").strip()[:500])
    record(
        actor=actor, action="events.mentor_asked", obj=req, entity=me.entity, member=me,
        message=gettext_noop("Asks for a mentor in %(trade)s"), params={"trade": trade.code},
    )
    mentors = [
        o.member.user
        for o in MentorOffer.objects.filter(entity=me.entity, trade=trade, active=True)
        .exclude(member=me)
        .exclude(member__status=MemberStatus.LEFT)
        .select_related("member__user")
    ]
    name, url = str(me), reverse("events-mentoring")
    advisor = me.advisor if me.advisor_id and me.advisor.is_active else None
    transaction.on_commit(lambda: tell(
        [advisor], title=lambda: _("%(name)s is looking for a mentor in %(trade)s") % {"name": name, "trade": trade.name},
        body=req.note, url=reverse("events-mentor-request", args=[req.pk]), key=f"events:mentor-asked:{req.pk}",
    ))
    transaction.on_commit(lambda: tell(
        mentors, title=lambda: _("%(name)s is looking for a mentor in %(trade)s") % {"name": name, "trade": trade.name},
        body=req.note, url=url, key=f"events:mentor-asked:{req.pk}",
    ))
    return req


@transaction.atomic
def withdraw_request(*, actor, request: MentorRequest) -> MentorRequest:
    req = MentorRequest.objects.select_for_update().get(pk=request.pk)
    if req.mentee_id != scope_for(actor).member_id:
        raise PermissionDenied(_("Only the member who asked withdraws the request."))
    if req.status == MentorRequestStatus.OPEN:
        req.status, req.decided_at = MentorRequestStatus.WITHDRAWN, timezone.now()
        req.save(update_fields=["status", "decided_at"])
    return req


def _active_pairs(mentor_id, trade_id) -> int:
    return MentorPair.objects.filter(mentor_id=mentor_id, trade_id=trade_id, ended_on__isnull=True).count()


@transaction.atomic
def accept_request(*, actor, request: MentorRequest, mentor: Member | None = None, goals: str = "") -> MentorPair:
    """A mentor of the trade takes the request (``mentor`` left empty: themselves), or the staff
    give it to a mentor of the trade. Accepting twice returns the same pair."""
    req = (
        MentorRequest.objects.select_for_update(of=("self",))
        .select_related("mentee__user", "mentee__office", "trade", "entity")
        .get(pk=request.pk)
    )
    require(actor, "events.accept_mentor_request", req)
    if req.status == MentorRequestStatus.MATCHED:
        return req.pair
    if req.status != MentorRequestStatus.OPEN:
        raise ValidationError({"request": _("This request was withdrawn.")})
    s = scope_for(actor)
    if mentor is None:
        if s.member_id is None:
            raise ValidationError({"mentor": _("Choose the mentor.")})
        mentor = Member.objects.select_related("user").get(pk=s.member_id)
    offer = (
        MentorOffer.objects.select_for_update(of=("self",))
        .filter(member=mentor, trade_id=req.trade_id, entity_id=req.entity_id, active=True)
        .exclude(member__status=MemberStatus.LEFT)
        .first()
    )
    if offer is None or mentor.pk == req.mentee_id:
        raise ValidationError({"mentor": _("The mentor must be a member who offers to mentor in this trade.")})
    if mentor.pk != s.member_id and not (req.entity_id in s.admin_entities or req.mentee.office_id in s.advisor_offices):
        raise PermissionDenied(_("Only the staff give a request to another mentor."))
    taken = _active_pairs(mentor.pk, req.trade_id)
    if taken >= offer.capacity:
        raise ValidationError({"mentor": ngettext(
            "This mentor already mentors %(n)s person, as many as they offered.",
            "This mentor already mentors %(n)s people, as many as they offered.", taken) % {"n": taken}})
    pair = MentorPair.objects.create(
        entity_id=req.entity_id, mentor=mentor, mentee=req.mentee, trade_id=req.trade_id, request=req,
        since=timezone.localdate(), goals=(goals or "").strip()[:1000], created_by=actor,
    )
    req.status, req.decided_at = MentorRequestStatus.MATCHED, timezone.now()
    req.save(update_fields=["status", "decided_at"])
    record(
        actor=actor, action="events.pair_made", obj=pair, entity=req.entity, member=req.mentee,
        message=gettext_noop("%(mentor)s mentors %(mentee)s in %(trade)s"),
        params={"mentor": str(mentor), "mentee": str(req.mentee), "trade": req.trade.code},
    )
    mentee_user, mentor_user = req.mentee.user, Member.objects.select_related("user").get(pk=mentor.pk).user
    mentor_name, mentee_name, trade = str(mentor), str(req.mentee), req.trade
    url = reverse("events-pair", args=[pair.pk])
    transaction.on_commit(lambda: tell(
        [mentee_user], title=lambda: _("%(name)s will be your mentor in %(trade)s") % {"name": mentor_name, "trade": trade.name},
        url=url, key=f"events:pair:{pair.pk}:mentee",
    ))
    if mentor_user.pk != actor.pk:
        transaction.on_commit(lambda: tell(
            [mentor_user], title=lambda: _("You mentor %(name)s in %(trade)s") % {"name": mentee_name, "trade": trade.name},
            url=url, key=f"events:pair:{pair.pk}:mentor",
        ))
    return pair


@transaction.atomic
def log_meeting(*, actor, pair: MentorPair, date: datetime.date, note: str = "") -> MentorMeeting:
    """The mentor or the mentee notes a meeting; the other one is told."""
    pair = MentorPair.objects.select_related("mentor__user", "mentee__user").get(pk=pair.pk)
    require(actor, "events.log_meeting", pair)
    if pair.ended_on is not None:
        raise ValidationError({"date": _("This mentoring has ended.")})
    if not isinstance(date, datetime.date) or date > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})
    if date < pair.since:
        raise ValidationError({"date": _("The date cannot be before the mentoring started.")})
    meeting = MentorMeeting.objects.create(pair=pair, date=date, note=(note or "").strip()[:1000], logged_by=actor)
    record(
        actor=actor, action="events.meeting_logged", obj=meeting, entity=pair.entity, member=pair.mentee,
        message=gettext_noop("Mentoring meeting of %(date)s noted"), params={"date": date},
    )
    other = pair.mentee.user if pair.mentor.user_id == actor.pk else pair.mentor.user
    name, url = str(actor), reverse("events-pair", args=[pair.pk])
    transaction.on_commit(lambda: tell(
        [other], title=lambda: _("%(name)s noted your mentoring meeting") % {"name": name},
        body=meeting.note, url=url, key=f"events:meeting:{meeting.pk}",
    ))
    return meeting


@transaction.atomic
def end_pair(*, actor, pair: MentorPair) -> MentorPair:
    """End the mentoring (the mentor, the mentee or the staff). Ending twice changes nothing."""
    pair = MentorPair.objects.select_for_update(of=("self",)).select_related("mentee").get(pk=pair.pk)
    require(actor, "events.end_pair", pair)
    if pair.ended_on is None:
        pair.ended_on = timezone.localdate()
        pair.save(update_fields=["ended_on"])
        record(
            actor=actor, action="events.pair_ended", obj=pair, entity=pair.entity, member=pair.mentee,
            message=gettext_noop("Mentoring of %(mentee)s ended"), params={"mentee": str(pair.mentee)},
        )
    return pair
