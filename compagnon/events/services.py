"""Every change to the agenda: create, propose, validate or decline, change, cancel an event;
register, cancel a registration and the waiting list; calendar feed addresses.

Registrations lock the event row (``select_for_update(of=("self",))``): two people taking the last
place, or a cancellation and a registration at the same moment, are served one after the other, so
the counters and the waiting list never disagree with the rows.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from compagnon.accounts.models import Role, RoleAssignment, User
from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.members.models import Member, MemberStatus
from compagnon.organisation.models import Entity, Office
from compagnon.permissions import scope_for

from .models import (
    CalendarFeed,
    Event,
    EventKind,
    EventStatus,
    Level,
    Registration,
    RegistrationStatus,
    TrainingRequest,
    TrainingRequestStatus,
    new_token,
)
from .tell import tell
from .trainings import topic_named

MAX_CAPACITY = 10_000
MAX_DAYS = 31  # selectors.MAX_EVENT_DAYS relies on it
MAX_HOURS = Decimal("1000")


def event_url(event) -> str:
    return reverse("events-event", args=[event.pk])


def when(event) -> str:
    """The start in the reader's language and the local time zone (call under the reader's)."""
    return formats.date_format(timezone.localtime(event.starts_at), "DATETIME_FORMAT")


# --- checking what was typed -------------------------------------------------------------------


def _place_of(where) -> tuple[Entity, Office | None]:
    if isinstance(where, Office):
        return where.entity, where
    if isinstance(where, Entity):
        return where, None
    raise ValidationError({"where": _("Choose an office or the whole cooperative.")})


def trainer_for(entity: Entity, email: str) -> User:
    """The trainer named by email: a staff member of the entity or one of its active members."""
    email = (email or "").strip().lower()
    if not email:
        raise ValidationError({"trainer": _("Give the email address of the trainer.")})
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    ok = user is not None and (
        RoleAssignment.objects.filter(user=user, entity=entity, role__in=[Role.ADMIN, Role.ADVISOR]).exists()
        or Member.objects.filter(user=user, entity=entity).exclude(status=MemberStatus.LEFT).exists()
    )
    if not ok:
        raise ValidationError(
            {"trainer": _("The trainer must be a staff member or a member of this cooperative: check the email.")}
        )
    return user


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({"hours": _("Enter the duration in hours, for example 3.5.")}) from None
    if not hours.is_finite() or hours <= 0 or hours > MAX_HOURS:
        raise ValidationError({"hours": _("Enter a duration between 0.25 and 1000 hours.")})
    return hours.quantize(Decimal("0.01"))


def _clean(*, entity, kind, title, description, starts_at, ends_at, place, online_url, capacity, topic,
           level, trainer, hours, check_future: bool) -> dict:
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("Give the event a title.")
    if kind not in EventKind.values:
        errors["kind"] = _("Choose the kind of event.")
    if not isinstance(starts_at, datetime.datetime) or not isinstance(ends_at, datetime.datetime):
        errors["starts_at"] = _("Give the start and the end, date and time.")
    else:
        if timezone.is_naive(starts_at):
            starts_at = timezone.make_aware(starts_at)
        if timezone.is_naive(ends_at):
            ends_at = timezone.make_aware(ends_at)
        if ends_at <= starts_at:
            errors["ends_at"] = _("The end must come after the start.")
        elif ends_at - starts_at > datetime.timedelta(days=MAX_DAYS):
            errors["ends_at"] = _("An event lasts at most 31 days.")
        if check_future and starts_at <= timezone.now():
            errors["starts_at"] = _("The start must be in the future.")
    place, online_url = (place or "").strip(), (online_url or "").strip()
    if online_url and (urlsplit(online_url).scheme not in ("http", "https") or not urlsplit(online_url).netloc):
        errors["online_url"] = _("The online link must be a web address starting with https://.")
    if not place and not online_url:
        errors["place"] = _("Say where it happens: a place, an online link, or both.")
    if capacity is not None and not (1 <= int(capacity) <= MAX_CAPACITY):
        errors["capacity"] = _("Give between 1 and 10,000 places, or leave it empty for no limit.")
    values = {
        "kind": kind, "title": title[:200], "description": (description or "").strip()[:4000],
        "starts_at": starts_at, "ends_at": ends_at, "place": place[:200], "online_url": online_url[:500],
        "capacity": int(capacity) if capacity is not None else None,
        "topic": None, "level": "", "trainer": None, "hours": None,
    }
    if kind == EventKind.TRAINING:
        if not (topic or "").strip():
            errors["topic"] = _("Give the topic of the training.")
        if level not in Level.values:
            errors["level"] = _("Choose the level of the training.")
        try:
            values["hours"] = _hours(hours)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        try:
            values["trainer"] = trainer if isinstance(trainer, User) else trainer_for(entity, trainer)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        values["level"] = level
    if errors:
        raise ValidationError(errors)
    if kind == EventKind.TRAINING:
        values["topic"] = topic_named(entity, topic)
    return values


def _validators(event: Event) -> list[User]:
    """Who validates a proposal: the entity's administrators, the office's advisors."""
    q = RoleAssignment.objects.filter(entity_id=event.entity_id, role=Role.ADMIN)
    if event.office_id:
        q = q | RoleAssignment.objects.filter(office_id=event.office_id, role=Role.ADVISOR)
    ids = set(q.values_list("user_id", flat=True))
    return list(User.objects.filter(pk__in=ids, is_active=True))


def _audit(actor, event, action, message, **params) -> None:
    record(
        actor=actor, action=action, obj=event, entity=event.entity, message=message,
        params={"title": event.title, **params},
    )


# --- creating ------------------------------------------------------------------------------------


@transaction.atomic
def create_event(*, actor, where, kind=EventKind.WORKSHOP, title, description="", starts_at, ends_at, place="",
                 online_url="", capacity=None, topic="", level="", trainer="", hours=None) -> Event:
    """Staff create a published event for an office (``where`` = the office) or for the whole
    entity (``where`` = the entity)."""
    entity, office = _place_of(where)
    require(actor, "events.create_event", where)
    values = _clean(entity=entity, kind=kind, title=title, description=description, starts_at=starts_at,
                    ends_at=ends_at, place=place, online_url=online_url, capacity=capacity, topic=topic,
                    level=level, trainer=trainer, hours=hours, check_future=True)
    event = Event.objects.create(entity=entity, office=office, status=EventStatus.PUBLISHED, created_by=actor,
                                 **values)
    _audit(actor, event, "events.event_created", gettext_noop("Event “%(title)s” published"))
    _announce_training(event)
    return event


@transaction.atomic
def propose_event(*, actor, where, kind=EventKind.WORKSHOP, title, description="", starts_at, ends_at, place="",
                  online_url="", capacity=None, topic="", level="", trainer="", hours=None) -> Event:
    """A member proposes an event for their office or their whole entity; its staff validate it."""
    require(actor, "events.propose_event")
    s = scope_for(actor)
    entity, office = _place_of(where)
    if entity.pk != s.member_entity_id or (office is not None and office.pk != s.member_office_id):
        raise ValidationError({"where": _("Propose it for your office or for your whole cooperative.")})
    values = _clean(entity=entity, kind=kind, title=title, description=description, starts_at=starts_at,
                    ends_at=ends_at, place=place, online_url=online_url, capacity=capacity, topic=topic,
                    level=level, trainer=trainer, hours=hours, check_future=True)
    event = Event.objects.create(entity=entity, office=office, status=EventStatus.PROPOSED, proposed_by=actor,
                                 created_by=actor, **values)
    _audit(actor, event, "events.event_proposed", gettext_noop("Event “%(title)s” proposed"))
    validators, name, title_ = _validators(event), str(actor), event.title
    url = reverse("events-proposals")
    transaction.on_commit(lambda: tell(
        validators,
        title=lambda: _("%(name)s proposes an event: %(title)s") % {"name": name, "title": title_},
        body=lambda: _("Starts %(when)s. Validate or decline it.") % {"when": when(event)},
        url=url, key=f"events:proposed:{event.pk}",
    ))
    return event


def _locked(pk) -> Event:
    return Event.objects.select_for_update(of=("self",)).select_related("entity", "office", "topic").get(pk=pk)


@transaction.atomic
def validate_event(*, actor, event: Event) -> Event:
    """Publish a proposal. Validating twice changes nothing."""
    ev = _locked(event.pk)
    require(actor, "events.manage_event", ev)
    if ev.status == EventStatus.PUBLISHED:
        return ev
    if ev.status != EventStatus.PROPOSED:
        raise ValidationError({"status": _("Only a proposal waiting for validation can be validated.")})
    if ev.starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("This event has already started: it can no longer be published.")})
    ev.status, ev.decided_by, ev.decided_at = EventStatus.PUBLISHED, actor, timezone.now()
    ev.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    _audit(actor, ev, "events.event_validated", gettext_noop("Event “%(title)s” validated and published"))
    proposer, title = ev.proposed_by, ev.title
    transaction.on_commit(lambda: tell(
        [proposer], title=lambda: _("Your event is published: %(title)s") % {"title": title},
        url=event_url(ev), key=f"events:validated:{ev.pk}",
    ))
    _announce_training(ev)
    return ev


@transaction.atomic
def decline_event(*, actor, event: Event, reason: str) -> Event:
    """Decline a proposal with a reason the proposer reads."""
    ev = _locked(event.pk)
    require(actor, "events.manage_event", ev)
    reason = (reason or "").strip()
    if ev.status == EventStatus.DECLINED:
        return ev
    if ev.status != EventStatus.PROPOSED:
        raise ValidationError({"status": _("Only a proposal waiting for validation can be declined.")})
    if not reason:
        raise ValidationError({"reason": _("Say why, in a few words: the member reads it.")})
    ev.status, ev.decided_by, ev.decided_at, ev.decline_reason = EventStatus.DECLINED, actor, timezone.now(), reason[:500]
    ev.save(update_fields=["status", "decided_by", "decided_at", "decline_reason", "updated_at"])
    _audit(actor, ev, "events.event_declined", gettext_noop("Event “%(title)s” declined: %(reason)s"),
           reason=ev.decline_reason)
    proposer, title = ev.proposed_by, ev.title
    transaction.on_commit(lambda: tell(
        [proposer], title=lambda: _("Your event was declined: %(title)s") % {"title": title},
        body=reason, url=event_url(ev), key=f"events:declined:{ev.pk}",
    ))
    return ev


@transaction.atomic
def update_event(*, actor, event: Event, **changes) -> Event:
    """Staff change an event. Places cannot go below the people registered; more places move the
    first people waiting up. Registered people are told when the time or the place changes."""
    ev = _locked(event.pk)
    require(actor, "events.manage_event", ev)
    if ev.status in (EventStatus.CANCELLED, EventStatus.DECLINED):
        raise ValidationError({"status": _("A cancelled or declined event can no longer be changed.")})
    fields = ["kind", "title", "description", "starts_at", "ends_at", "place", "online_url", "capacity"]
    current = {f: getattr(ev, f) for f in fields}
    current.update(topic=ev.topic.name if ev.topic else "", level=ev.level, trainer=ev.trainer, hours=ev.hours)
    current.update(changes)
    moved = current["starts_at"] != ev.starts_at
    values = _clean(entity=ev.entity, check_future=moved, **current)
    if values["capacity"] is not None and values["capacity"] < ev.registered_count:
        n = ev.registered_count
        raise ValidationError({"capacity": ngettext(
            "%(n)s person is already registered: keep at least %(n)s place.",
            "%(n)s people are already registered: keep at least %(n)s places.", n) % {"n": n}})
    tell_them = any(values[f] != getattr(ev, f) for f in ("starts_at", "ends_at", "place", "online_url"))
    for f, v in values.items():
        setattr(ev, f, v)
    ev.save()
    _audit(actor, ev, "events.event_changed", gettext_noop("Event “%(title)s” changed"))
    promoted = _promote(ev)
    if tell_them:
        people = [r.member.user for r in _live(ev).exclude(pk__in=[r.pk for r in promoted])]
        title, stamp = ev.title, int(ev.updated_at.timestamp())
        transaction.on_commit(lambda: tell(
            people, title=lambda: _("Changed: %(title)s") % {"title": title},
            body=lambda: _("Now %(when)s. Place: %(place)s") % {"when": when(ev), "place": ev.place or ev.online_url},
            url=event_url(ev), key=f"events:changed:{ev.pk}:{stamp}", email=True,
        ))
    return ev


@transaction.atomic
def cancel_event(*, actor, event: Event, reason: str = "") -> Event:
    """Cancel an event; everyone registered or waiting is told (notification and email)."""
    ev = _locked(event.pk)
    require(actor, "events.manage_event", ev)
    if ev.status == EventStatus.CANCELLED:
        return ev
    if ev.status != EventStatus.PUBLISHED:
        raise ValidationError({"status": _("Only a published event can be cancelled.")})
    ev.status, ev.cancelled_at = EventStatus.CANCELLED, timezone.now()
    ev.save(update_fields=["status", "cancelled_at", "updated_at"])
    reason = (reason or "").strip()[:500]
    _audit(actor, ev, "events.event_cancelled", gettext_noop("Event “%(title)s” cancelled"))
    people = [r.member.user for r in _live(ev)]
    title = ev.title
    transaction.on_commit(lambda: tell(
        people, title=lambda: _("Cancelled: %(title)s") % {"title": title},
        body=lambda: (_("The event of %(when)s will not take place.") % {"when": when(ev)}
                      + (f"\n{reason}" if reason else "")),
        url=event_url(ev), key=f"events:cancelled:{ev.pk}", email=True,
    ))
    return ev


def _live(ev):
    return ev.registrations.exclude(status=RegistrationStatus.CANCELLED).select_related("member__user")


def _announce_training(event: Event) -> None:
    """A session is open: tell the members who asked for its topic."""
    if not event.is_training or event.status != EventStatus.PUBLISHED:
        return
    qs = TrainingRequest.objects.filter(topic_id=event.topic_id, status=TrainingRequestStatus.OPEN)
    if event.office_id is not None:
        qs = qs.filter(member__office_id=event.office_id)
    people = [r.member.user for r in qs.select_related("member__user")]
    title, topic = event.title, event.topic.name
    transaction.on_commit(lambda: tell(
        people, title=lambda: _("A training you asked for is open: %(topic)s") % {"topic": topic},
        body=lambda: _("%(title)s, %(when)s. Register while places are left.") % {"title": title, "when": when(event)},
        url=event_url(event), key=f"events:session-open:{event.pk}",
    ))


# --- registering -------------------------------------------------------------------------------------


def _own_member_id(actor) -> int:
    s = scope_for(actor)
    if s.member_id is None:
        raise PermissionDenied(_("Only members register for events."))
    return s.member_id


@transaction.atomic
def register(*, actor, event: Event) -> Registration:
    """Register the actor: a place while there are some, else the waiting list. Registering
    twice registers once (the same registration is returned)."""
    ev = _locked(event.pk)
    require(actor, "events.register", ev)
    member_id = _own_member_id(actor)
    if ev.status != EventStatus.PUBLISHED:
        raise ValidationError({"event": _("This event is not open for registration.")})
    if ev.starts_at <= timezone.now():
        raise ValidationError({"event": _("This event has already started.")})
    reg = Registration.objects.select_for_update(of=("self",)).filter(event=ev, member_id=member_id).first()
    if reg is not None and reg.status != RegistrationStatus.CANCELLED:
        return reg
    status = RegistrationStatus.CONFIRMED if not ev.is_full else RegistrationStatus.WAITING
    now = timezone.now()
    if reg is None:
        reg = Registration.objects.create(event=ev, member_id=member_id, status=status, registered_at=now)
    else:
        reg.status, reg.registered_at, reg.cancelled_at, reg.promoted_at = status, now, None, None
        reg.attendance, reg.attendance_by, reg.attendance_at = "", None, None
        reg.save()
    counter = "registered_count" if status == RegistrationStatus.CONFIRMED else "waiting_count"
    Event.objects.filter(pk=ev.pk).update(**{counter: F(counter) + 1})
    record(
        actor=actor, action="events.registered", obj=reg, entity=ev.entity, member=Member(pk=member_id),
        message=gettext_noop("Registered for “%(title)s”") if status == RegistrationStatus.CONFIRMED
        else gettext_noop("On the waiting list of “%(title)s”"),
        params={"title": ev.title},
    )
    return reg


@transaction.atomic
def cancel_registration(*, actor, event: Event) -> Registration:
    """Cancel the actor's registration; a freed place goes to the first person waiting, who is
    told. Cancelling twice changes nothing."""
    ev = _locked(event.pk)
    member_id = _own_member_id(actor)
    reg = Registration.objects.select_for_update(of=("self",)).filter(event=ev, member_id=member_id).first()
    if reg is None:
        raise ValidationError({"event": _("You are not registered for this event.")})
    if reg.status == RegistrationStatus.CANCELLED:
        return reg
    if ev.starts_at <= timezone.now() and ev.status == EventStatus.PUBLISHED:
        raise ValidationError({"event": _("This event has already started: it is too late to cancel.")})
    counter = "registered_count" if reg.status == RegistrationStatus.CONFIRMED else "waiting_count"
    Event.objects.filter(pk=ev.pk).update(**{counter: F(counter) - 1})
    reg.status, reg.cancelled_at = RegistrationStatus.CANCELLED, timezone.now()
    reg.save(update_fields=["status", "cancelled_at"])
    record(
        actor=actor, action="events.registration_cancelled", obj=reg, entity=ev.entity, member=Member(pk=member_id),
        message=gettext_noop("Registration for “%(title)s” cancelled"), params={"title": ev.title},
    )
    if ev.status == EventStatus.PUBLISHED:
        _promote(ev)
    return reg


def _promote(ev: Event) -> list[Registration]:
    """Move the first people waiting into the places left (the event row is locked); they are
    told after commit, by notification and email."""
    ev.refresh_from_db(fields=["registered_count", "waiting_count", "capacity"])
    free = None if ev.capacity is None else ev.capacity - ev.registered_count
    if ev.waiting_count == 0 or (free is not None and free <= 0):
        return []
    qs = (
        Registration.objects.select_for_update(of=("self",))
        .filter(event=ev, status=RegistrationStatus.WAITING)
        .select_related("member__user")
        .order_by("registered_at", "id")
    )
    promoted = list(qs if free is None else qs[:free])
    if not promoted:
        return []
    now = timezone.now()
    for reg in promoted:
        reg.status, reg.promoted_at = RegistrationStatus.CONFIRMED, now
    Registration.objects.bulk_update(promoted, ["status", "promoted_at"])
    n = len(promoted)
    Event.objects.filter(pk=ev.pk).update(registered_count=F("registered_count") + n, waiting_count=F("waiting_count") - n)
    ev.registered_count += n
    ev.waiting_count -= n
    for reg in promoted:
        record(
            actor=None, action="events.promoted", obj=reg, entity=ev.entity, member=reg.member,
            message=gettext_noop("Moved up from the waiting list of “%(title)s”"), params={"title": ev.title},
        )
    title = ev.title
    for reg in promoted:
        user, key = reg.member.user, f"events:promoted:{reg.pk}:{int(now.timestamp())}"
        transaction.on_commit(lambda user=user, key=key: tell(
            [user], title=lambda: _("A place freed up: you are registered for %(title)s") % {"title": title},
            body=lambda: _("It starts %(when)s. If you cannot come, cancel so the next person gets it.")
            % {"when": when(ev)},
            url=event_url(ev), key=key, email=True,
        ))
    return promoted


# --- calendar feeds ------------------------------------------------------------------------------


def calendar_feed(user) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def rotate_feed(*, actor) -> CalendarFeed:
    """A new secret for the actor's feeds: the old addresses stop working at once."""
    feed = calendar_feed(actor)
    feed = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
    feed.token = new_token()
    feed.save(update_fields=["token", "created_at"])
    record(actor=actor, action="events.feed_renewed", obj=feed, message=gettext_noop("Agenda feed address renewed"))
    return feed
