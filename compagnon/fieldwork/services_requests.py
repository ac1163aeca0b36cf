"""Clients' requests: made on the public page, routed to a sector, offered to its members (never
pushed), taken by one of them or proposed by the sector's lead, cancelled by the client, flagged
when nobody takes them in time."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon import permissions
from compagnon.clients.models import Client, ClientKind
from compagnon.clients.services import create_client
from compagnon.core.services import require
from compagnon.members.models import Activity, Member, MemberStatus
from compagnon.notifications.services import Message, notify_many

from . import photos as photo_rules
from . import rules as _rules  # noqa: F401 - registers the fieldwork.* permissions
from .common import absolute, audit, email_after_commit, locate
from .models import (
    Request,
    RequestPhoto,
    RequestState,
    Sector,
    Service,
    Visit,
    VisitState,
    VisitTask,
)

# --- routing ----------------------------------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join((text or "").replace("-", " ").split()).casefold()


def route(*, entity, postcode: str, city: str, trade=None, office=None) -> Sector | None:
    """The sector of ``entity`` whose zone holds the postcode (or the commune) and which works in
    ``trade``; a sector of the request's office first, then the oldest."""
    candidates = Sector.objects.filter(entity=entity).prefetch_related("trades").order_by("id")
    postcode, city = (postcode or "").strip(), _norm(city)
    found = []
    for sector in candidates:
        in_zone = postcode in [str(p).strip() for p in sector.postcodes] or (
            city and city in [_norm(c) for c in sector.communes]
        )
        if not in_zone:
            continue
        if (
            trade is not None
            and sector.trades.all()
            and trade.pk not in [t.pk for t in sector.trades.all()]
        ):
            continue
        found.append(sector)
    if office is not None:
        found.sort(key=lambda s: s.office_id != office.pk)
    return found[0] if found else None


def _sector_users(sector: Sector, *, exclude_member_id=None) -> list:
    members = (
        Member.objects.filter(Q(sector_memberships__sector=sector) | Q(pk=sector.lead_id))
        .exclude(status=MemberStatus.LEFT)
        .select_related("user")
        .distinct()
    )
    return [m.user for m in members if m.pk != exclude_member_id]


def _request_url(request: Request) -> str:
    return reverse("fieldwork-request", args=[request.pk])


def _offer(request: Request) -> None:
    """Tell the sector (after commit): a notification and an email per member."""
    sector = request.sector
    users = _sector_users(sector)
    work = request.description[:120]
    place = request.place
    url = _request_url(request)
    notify_many(
        [
            Message(
                user=u,
                key=f"fieldwork-offer-{request.pk}",
                title=lambda: _("New request in %(sector)s") % {"sector": sector.name},
                body=lambda: f"{work} — {place}",
                url=url,
            )
            for u in users
        ]
    )
    for user in users:
        email_after_commit(
            to=user.email,
            language=user.language,
            subject=lambda: _("New request in %(sector)s") % {"sector": sector.name},
            template="fieldwork/email/offer.txt",
            context={
                "request": request,
                "sector": sector,
                "link": absolute("fieldwork-request", request.pk),
            },
        )


# --- the client's side (no account) ------------------------------------------------------------


def _check_request(
    *, entity, name, email, description, postcode, city, wished_from, wished_until, services
) -> None:
    errors = {}
    if not (name or "").strip():
        errors["name"] = _("Give your name.")
    if not (email or "").strip():
        errors["email"] = _(
            "Give an email address: the acknowledgement and the tracking link are sent there."
        )
    if not (description or "").strip():
        errors["description"] = _("Describe the work in a few words.")
    if not (postcode or "").strip():
        errors["postcode"] = _("Give the postcode of the place where the work is to be done.")
    if not (city or "").strip():
        errors["city"] = _("Give the commune of the place where the work is to be done.")
    if wished_from and wished_until and wished_until < wished_from:
        errors["wished_until"] = _("The end of the wished period must come after its start.")
    if any(s.entity_id != entity.pk or not s.active for s in services):
        errors["services"] = _("Choose services of this cooperative's catalogue.")
    if errors:
        raise ValidationError(errors)


def submit_request(
    *,
    entity,
    office=None,
    name: str,
    email: str,
    phone: str = "",
    language: str = "fr",
    description: str,
    street: str = "",
    postcode: str,
    city: str,
    country: str = "",
    trade=None,
    services: Iterable[Service] = (),
    wished_from: datetime.date | None = None,
    wished_until: datetime.date | None = None,
    photos: Iterable[bytes] = (),
) -> Request:
    """Record a request from the public page, route it to its sector and offer it there; the
    client gets an acknowledgement with the tracking link."""
    services, photos = list(services), list(photos)
    _check_request(
        entity=entity,
        name=name,
        email=email,
        description=description,
        postcode=postcode,
        city=city,
        wished_from=wished_from,
        wished_until=wished_until,
        services=services,
    )
    if len(photos) > photo_rules.MAX_PHOTOS:
        raise ValidationError(
            {"photos": _("Send at most %(n)s photos.") % {"n": photo_rules.MAX_PHOTOS}}
        )
    for data in photos:
        photo_rules.check(data)
    if trade is None and services:
        trade = services[0].trade
    with transaction.atomic():
        request = Request(
            entity=entity,
            office=office,
            name=name.strip(),
            email=email.strip(),
            phone=phone.strip(),
            language=(language or "fr")[:2],
            description=description.strip(),
            street=street.strip(),
            postcode=postcode.strip(),
            city=city.strip(),
            country=(country or entity.country or "FR").upper()[:2],
            trade=trade,
            wished_from=wished_from,
            wished_until=wished_until,
        )
        locate(request)
        request.sector = route(
            entity=entity, postcode=request.postcode, city=request.city, trade=trade, office=office
        )
        if request.sector is not None:
            request.state, request.offered_at = RequestState.OFFERED, timezone.now()
        request.save()
        request.services.set(services)
        for i, data in enumerate(photos, start=1):
            RequestPhoto.objects.create(
                request=request, file=photo_rules.downscaled(data, f"request-{request.pk}-{i}")
            )
        audit(
            actor=None,
            action="fieldwork.request_received",
            obj=request,
            entity=entity,
            message=gettext_noop("Request received from %(place)s"),
            params={"place": request.place},
        )
        if request.sector is not None:
            _offer(request)
        email_after_commit(
            to=request.email,
            language=request.language,
            subject=lambda: _("Your request was received"),
            template="fieldwork/email/acknowledgement.txt",
            context={"request": request, "link": absolute("fieldwork-track", request.token)},
        )
    return request


def add_request_photo(*, request: Request, data: bytes) -> RequestPhoto:
    """The client adds a photo from the tracking page."""
    with transaction.atomic():
        request = Request.objects.select_for_update(of=("self",)).get(pk=request.pk)
        if request.state in (RequestState.CANCELLED, RequestState.DONE, RequestState.DECLINED):
            raise ValidationError(
                {"photo": _("This request is closed: photos can no longer be added.")}
            )
        if request.photos.count() >= photo_rules.MAX_PHOTOS:
            raise ValidationError(
                {"photo": _("Send at most %(n)s photos.") % {"n": photo_rules.MAX_PHOTOS}}
            )
        photo_rules.check(data, field="photo")
        photo = RequestPhoto.objects.create(
            request=request,
            file=photo_rules.downscaled(data, f"request-{request.pk}-{request.photos.count() + 1}"),
        )
        audit(
            actor=None,
            action="fieldwork.request_photo_added",
            obj=request,
            entity=request.entity,
            message=gettext_noop("The client added a photo"),
        )
    return photo


def cancel_request(*, request: Request) -> Request:
    """The client cancels from the tracking page: the visits not done yet are cancelled too and
    the member who took it is told."""
    with transaction.atomic():
        request = Request.objects.select_for_update(of=("self",)).get(pk=request.pk)
        if request.state in (RequestState.CANCELLED, RequestState.DONE, RequestState.DECLINED):
            raise ValidationError(_("This request is already closed."))
        request.state = RequestState.CANCELLED
        request.save(update_fields=["state", "updated_at"])
        Visit.objects.filter(
            request=request, state__in=(VisitState.TO_PLAN, VisitState.PLANNED)
        ).update(state=VisitState.CANCELLED, updated_at=timezone.now())
        audit(
            actor=None,
            action="fieldwork.request_cancelled",
            obj=request,
            entity=request.entity,
            message=gettext_noop("The client cancelled the request"),
        )
        if request.taken_by_id:
            user = request.taken_by.user
            url = _request_url(request)
            transaction.on_commit(
                lambda: notify_many(
                    [
                        Message(
                            user=user,
                            key=f"fieldwork-cancel-{request.pk}",
                            url=url,
                            title=lambda: _("A client cancelled a request"),
                            body=lambda: request.place,
                        )
                    ]
                )
            )
    return request


# --- the members' side --------------------------------------------------------------------------


def _locked(request: Request) -> Request:
    return (
        Request.objects.select_for_update(of=("self",))
        .select_related("sector", "entity")
        .get(pk=request.pk)
    )


def _client_for(actor, request: Request, activity: Activity, client: Client | None) -> Client:
    if client is not None:
        if client.activity_id != activity.pk:
            raise ValidationError(
                {"client": _("Choose a client of the activity the work is done for.")}
            )
        return client
    same = (
        Client.objects.filter(activity=activity, email__iexact=request.email, archived=False)
        .order_by("id")
        .first()
    )
    if same is not None:
        return same
    return create_client(
        actor=actor,
        activity=activity,
        kind=ClientKind.INDIVIDUAL,
        name=request.name,
        email=request.email,
        phone=request.phone,
        street=request.street,
        postcode=request.postcode,
        city=request.city,
        country=request.country,
        language=request.language if request.language in ("fr", "nl", "en") else "fr",
    )


def _take(
    actor, request: Request, member: Member, activity: Activity, client: Client | None
) -> Visit:
    if not permissions.is_activity_worker.test(actor, activity):
        raise ValidationError({"activity": _("Choose one of the activities you work in.")})
    if activity.entity_id != request.entity_id:
        raise ValidationError(
            {"activity": _("Choose an activity of the cooperative the request was made to.")}
        )
    client = _client_for(actor, request, activity, client)
    request.state, request.taken_by, request.activity, request.client = (
        RequestState.TAKEN,
        member,
        activity,
        client,
    )
    request.proposed_member = None
    request.save(
        update_fields=["state", "taken_by", "activity", "client", "proposed_member", "updated_at"]
    )
    services = list(request.services.all())
    minutes = sum(s.minutes for s in services) or 60
    visit = Visit(
        activity=activity,
        client=client,
        request=request,
        sector=request.sector,
        member=member,
        state=VisitState.TO_PLAN,
        day=request.wished_from,
        minutes=minutes,
        notes=request.description[:2000],
        street=request.street,
        postcode=request.postcode,
        city=request.city,
        country=request.country,
        latitude=request.latitude,
        longitude=request.longitude,
    )
    visit.save()
    VisitTask.objects.bulk_create(
        [VisitTask(visit=visit, service=s, name=s.name, position=i) for i, s in enumerate(services)]
    )
    audit(
        actor=actor,
        action="fieldwork.request_taken",
        obj=request,
        entity=request.entity,
        activity=activity,
        member=member,
        message=gettext_noop("Request taken by %(member)s"),
        params={"member": str(member)},
    )
    email_after_commit(
        to=request.email,
        language=request.language,
        subject=lambda: _("Your request was taken"),
        template="fieldwork/email/taken.txt",
        context={
            "request": request,
            "member": member,
            "activity": activity,
            "link": absolute("fieldwork-track", request.token),
        },
    )
    if request.sector_id and request.sector.lead_id and request.sector.lead_id != member.pk:
        lead_user = request.sector.lead.user
        url = _request_url(request)
        transaction.on_commit(
            lambda: notify_many(
                [
                    Message(
                        user=lead_user,
                        key=f"fieldwork-taken-{request.pk}",
                        url=url,
                        title=lambda: _("%(member)s took a request") % {"member": str(member)},
                        body=lambda: request.place,
                    )
                ]
            )
        )
    return visit


def _actor_member(actor) -> Member:
    member = Member.objects.filter(user_id=actor.pk).first()
    if member is None:
        raise ValidationError(_("Only members take requests."))
    return member


def take_request(
    *, actor, request: Request, activity: Activity, client: Client | None = None
) -> Visit:
    """A member of the sector takes an open request for one of their activities: the client is
    reused (same email in that activity) or created, and a first visit waits to be planned."""
    with transaction.atomic():
        request = _locked(request)
        if (
            request.proposed_member_id
            and request.proposed_member_id == permissions.scope_for(actor).member_id
        ):
            require(actor, "fieldwork.answer_proposal", request)
        else:
            require(actor, "fieldwork.take_request", request)
        return _take(actor, request, _actor_member(actor), activity, client)


def propose_member(*, actor, request: Request, member: Member) -> Request:
    """The sector's lead (or an advisor, an administrator) proposes a member, who accepts or
    declines: nothing is imposed."""
    with transaction.atomic():
        request = _locked(request)
        require(actor, "fieldwork.propose_member", request)
        if (
            request.sector_id is None
            or not request.sector.memberships.filter(member=member).exists()
        ):
            raise ValidationError({"member": _("Propose a member of the request's sector.")})
        if member.status == MemberStatus.LEFT:
            raise ValidationError({"member": _("This member has left the cooperative.")})
        request.proposed_member = member
        request.save(update_fields=["proposed_member", "updated_at"])
        audit(
            actor=actor,
            action="fieldwork.request_proposed",
            obj=request,
            entity=request.entity,
            member=member,
            message=gettext_noop("Request proposed to %(member)s"),
            params={"member": str(member)},
        )
        user, url = member.user, _request_url(request)
        transaction.on_commit(
            lambda: notify_many(
                [
                    Message(
                        user=user,
                        key=f"fieldwork-proposed-{request.pk}-{member.pk}",
                        url=url,
                        title=lambda: _("The sector proposes you a request"),
                        body=lambda: request.place,
                    )
                ]
            )
        )
        email_after_commit(
            to=user.email,
            language=user.language,
            subject=lambda: _("The sector proposes you a request"),
            template="fieldwork/email/proposed.txt",
            context={"request": request, "link": absolute("fieldwork-request", request.pk)},
        )
    return request


def decline_proposal(*, actor, request: Request, reason: str = "") -> Request:
    """The proposed member declines; the request stays offered to the sector and its lead is told."""
    with transaction.atomic():
        request = _locked(request)
        require(actor, "fieldwork.answer_proposal", request)
        member = request.proposed_member
        request.proposed_member = None
        request.save(update_fields=["proposed_member", "updated_at"])
        audit(
            actor=actor,
            action="fieldwork.proposal_declined",
            obj=request,
            entity=request.entity,
            member=member,
            message=gettext_noop("%(member)s declined the request"),
            params={"member": str(member), "reason": reason[:200]},
        )
        if request.sector and request.sector.lead_id:
            lead_user, url = request.sector.lead.user, _request_url(request)
            transaction.on_commit(
                lambda: notify_many(
                    [
                        Message(
                            user=lead_user,
                            key=f"fieldwork-declined-{request.pk}-{member.pk}",
                            url=url,
                            title=lambda: (
                                _("%(member)s declined a request") % {"member": str(member)}
                            ),
                            body=lambda: reason[:200] or request.place,
                        )
                    ]
                )
            )
    return request


def flag_untaken_requests(*, now: datetime.datetime | None = None) -> int:
    """Flag the requests nobody took within their sector's ``offer_hours``: the lead and the
    members are told once (``flagged_at``). Idempotent."""
    now = now or timezone.now()
    flagged = 0
    waiting = Request.objects.filter(
        state=RequestState.OFFERED,
        flagged_at__isnull=True,
        offered_at__isnull=False,
        sector__isnull=False,
    ).select_related("sector")
    for request in waiting:
        if request.offered_at > now - datetime.timedelta(hours=request.sector.offer_hours):
            continue
        with transaction.atomic():
            if not Request.objects.filter(
                pk=request.pk, flagged_at__isnull=True, state=RequestState.OFFERED
            ).update(flagged_at=now):
                continue
            audit(
                actor=None,
                action="fieldwork.request_flagged",
                obj=request,
                entity=request.entity,
                message=gettext_noop("Nobody took the request within %(hours)s hours"),
                params={"hours": request.sector.offer_hours},
            )
            url, hours, place = _request_url(request), request.sector.offer_hours, request.place
            notify_many(
                [
                    Message(
                        user=u,
                        key=f"fieldwork-flag-{request.pk}",
                        url=url,
                        title=lambda: _("A request waits for someone"),
                        body=lambda hours=hours, place=place: (
                            _("Nobody took it within %(hours)s hours: %(place)s")
                            % {"hours": hours, "place": place}
                        ),
                    )
                    for u in _sector_users(request.sector)
                ]
            )
            flagged += 1
    return flagged
