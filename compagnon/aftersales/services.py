"""Every change of an after-sales case: reported by the client (no account), taken or declined by
the member, given to a colleague by the desk, answered, resolved, rejected, closed; and the
warranty rules. Keyword-only, one transaction, the case locked, the rule checked again
(``core.services.require``), the audit log written, emails and notifications after commit."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from compagnon.accounts.models import Role, RoleAssignment, User
from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.core.tasks import send_email
from compagnon.fieldwork import photos as photo_rules
from compagnon.members.models import ActivityMembership, Member, MemberStatus
from compagnon.notifications.services import Message as Notice
from compagnon.notifications.services import notify_many
from compagnon.sales.models import Kind as DocumentKind
from compagnon.sales.models import State as DocumentState
from compagnon.support.selectors import policy as support_policy

from .models import (
    DECIDED_STATES,
    OPEN_STATES,
    Author,
    Case,
    Message,
    Origin,
    Photo,
    Starts,
    State,
    WarrantyRule,
)
from .rules import DESK_SERVICE
from .tokens import make_token

MAX_PHOTOS = 6
REPORTABLE_KINDS = (DocumentKind.INVOICE, DocumentKind.DEPOSIT)


# --- helpers --------------------------------------------------------------------------------------


def _lock(case: Case) -> Case:
    return (Case.objects.select_for_update(of=("self",))
            .select_related("entity", "activity", "client", "trade", "assigned_member__user").get(pk=case.pk))


def _audit(actor, case: Case, action: str, message: str, **params):
    record(actor=actor, action=f"aftersales.{action}", obj=case, message=message,
           params={"case": str(case), **params}, entity=case.entity, activity=case.activity,
           member=case.assigned_member)


def _base_url() -> str:
    return (getattr(settings, "PORTAL_BASE_URL", "") or "http://localhost:8000").rstrip("/")


def _reverse(name: str, arg) -> str:
    return reverse(name, args=[arg])


def client_url(case: Case) -> str:
    return _base_url() + _reverse("aftersales-client", make_token(case))


def member_url(case: Case) -> str:
    return _reverse("aftersales-case", case.pk)


def working_seconds(case: Case, start: datetime.datetime, end: datetime.datetime) -> int:
    """Working time (support's office hours of the entity) between two moments."""
    return support_policy(case.entity_id).calendar.working_seconds(start, end)


def _users_of_activity(activity_id: int) -> list[User]:
    return list(User.objects.filter(
        member__activity_memberships__activity_id=activity_id, is_active=True,
    ).exclude(member__status=MemberStatus.LEFT).distinct())


def desk_users(entity_id: int) -> list[User]:
    """The after-sales desk of an entity: its administrators and its client-relations agents."""
    roles = RoleAssignment.objects.filter(entity_id=entity_id).filter(
        Q(role=Role.ADMIN) | Q(role=Role.SUPPORT, service=DESK_SERVICE))
    return list(User.objects.filter(pk__in=roles.values("user_id"), is_active=True))


def _notify(users, case: Case, title, body="", key: str = ""):
    url = member_url(case)
    ref = str(case)
    messages = [Notice(user=u, title=(lambda t=title: str(t) % {"ref": ref}), body=body, url=url,
                       key=f"aftersales:{case.pk}:{key}:{u.pk}" if key else "") for u in users]
    transaction.on_commit(lambda: notify_many(messages))


def _tell_client(case: Case, subject, text_key: str):
    """An email to the client with the link to their case (in their language), after commit."""
    if not case.reporter_email:
        return
    with translation.override(case.language):
        context = {"case": case, "url": client_url(case), "what": text_key, "activity": case.activity.name}
        subject_text = str(subject) % {"ref": str(case), "activity": case.activity.name}
        body = render_to_string("aftersales/email/client.txt", context)
    to = [case.reporter_email]
    transaction.on_commit(lambda: send_email.enqueue(to=to, subject=subject_text, body=body))


def _touch(case: Case, now, fields: list[str]) -> None:
    case.last_activity_at = now
    case.save(update_fields=[*fields, "last_activity_at", "updated_at"])


def _first_answer(case: Case, now) -> list[str]:
    if case.first_answer_at is not None:
        return []
    case.first_answer_at = now
    case.first_answer_seconds = working_seconds(case, case.created_at, now)
    return ["first_answer_at", "first_answer_seconds"]


def _author_kind(actor, case: Case) -> str:
    from .rules import member_id, my_activity_ids

    mine = member_id(actor)
    if mine is not None and (case.assigned_member_id == mine or case.activity_id in my_activity_ids(actor)):
        return Author.MEMBER
    return Author.STAFF


def _text(value: str, field: str, *, required: bool = True, limit: int = 4000) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("Write a few words: this field is required.")})
    if len(value) > limit:
        raise ValidationError({field: _("At most %(n)s characters.") % {"n": limit}})
    return value


def _checked_photos(photos) -> list[bytes]:
    photos = [p for p in (photos or []) if p is not None]
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("At most %(n)s photos.") % {"n": MAX_PHOTOS}})
    for data in photos:
        photo_rules.check(data, field="photos")
    return photos


def _store_photos(case: Case, message: Message | None, photos: list[bytes]) -> None:
    for data in photos:
        content = photo_rules.downscaled(data)
        item = Photo(case=case, message=message, size=content.size)
        item.file.save("photo.jpg", content, save=False)
        item.save()


# --- warranty ------------------------------------------------------------------------------------


def warranty_rule(*, entity_id: int, trade_id, service_id) -> WarrantyRule | None:
    """The rule of the service (the most precise), else of the trade, else none."""
    q = Q(pk__in=[])
    if service_id:
        q |= Q(service_id=service_id)
    if trade_id:
        q |= Q(service__isnull=True, trade_id=trade_id)
    rules = sorted(WarrantyRule.objects.filter(q, entity_id=entity_id), key=lambda r: r.service_id is None)
    return rules[0] if rules else None


def warranty(*, entity_id: int, trade_id, service_id, invoice_date, visit_date,
             on: datetime.date) -> tuple[bool, datetime.date | None]:
    """(under warranty on ``on``, until when) for a job done (visit) or invoiced on those dates."""
    rule = warranty_rule(entity_id=entity_id, trade_id=trade_id, service_id=service_id)
    if rule is None:
        return False, None
    first, second = (invoice_date, visit_date) if rule.starts_from == Starts.INVOICE else (visit_date, invoice_date)
    start = first or second
    if start is None:
        return False, None
    until = start + datetime.timedelta(days=rule.days)
    return on <= until, until


def _visit_date(visit):
    if visit is None:
        return None
    if visit.starts_at:
        return timezone.localtime(visit.starts_at).date()
    return visit.day


def _visit_service(visit):
    if visit is None:
        return None
    task = visit.tasks.filter(service__isnull=False).select_related("service").first()
    if task is not None:
        return task.service
    if visit.request_id:
        return visit.request.services.first()
    return None


# --- the client ----------------------------------------------------------------------------------


def reportable_document(document) -> bool:
    return document.kind in REPORTABLE_KINDS and document.state == DocumentState.ISSUED


@transaction.atomic
def report_case(*, origin: str, description: str, name: str, email: str = "", language: str = "fr",
                document=None, visit=None, photos=None) -> Case:
    """A client reports a problem about an issued invoice (``document``) or a visit done (``visit``),
    reached through their signed link (the caller checked it). The case goes to the members of the
    activity that did the job; without any, straight to the after-sales queue."""
    if origin == Origin.INVOICE:
        if document is None or not reportable_document(document):
            raise ValidationError(_("A problem can be reported about an issued invoice only."))
        activity, client = document.activity, document.client
    elif origin == Origin.VISIT:
        if visit is None or visit.state != "done":
            raise ValidationError(_("A problem can be reported about a visit once it is done."))
        activity, client = visit.activity, visit.client
    else:
        raise ValidationError(_("Unknown origin."))
    description = _text(description, "description")
    name = _text(name, "name", limit=120)
    photos = _checked_photos(photos)
    now = timezone.now()
    service = _visit_service(visit)
    trade_id = (service.trade_id if service else None) or activity.trade_id
    under, until = warranty(entity_id=activity.entity_id, trade_id=trade_id, service_id=service.pk if service else None,
                            invoice_date=document.issue_date if document else None, visit_date=_visit_date(visit),
                            on=timezone.localdate(now))
    workers = _users_of_activity(activity.pk)
    case = Case.objects.create(
        entity_id=activity.entity_id, trade_id=trade_id, activity=activity, client=client, origin=origin,
        document=document, visit=visit, service=service, description=description, reporter_name=name,
        reporter_email=(email or client.email or "").strip()[:254], language=(language or "fr")[:8],
        state=State.WITH_MEMBER if workers else State.REPORTED, in_queue=not workers,
        under_warranty=under, warranty_until=until, created_at=now, last_activity_at=now)
    message = Message.objects.create(case=case, author_kind=Author.CLIENT, body=description, created_at=now)
    _store_photos(case, message, photos)
    _audit(None, case, "reported", gettext_noop("After-sales case %(case)s reported by the client about %(about)s"),
           about=document.number if document else str(visit.day or ""))
    if workers:
        _notify(workers, case, gettext_lazy("%(ref)s: a client reports a problem"), case.description[:200], "new")
    else:
        _notify(desk_users(case.entity_id), case, gettext_lazy("%(ref)s: a case waits for a colleague"),
                case.description[:200], "queue")
    _tell_client(case, gettext_lazy("Your report %(ref)s is received"), "received")
    return case


@transaction.atomic
def client_write(*, case: Case, body: str, photos=None) -> Message:
    case = _lock(case)
    if case.state == State.CLOSED:
        raise ValidationError(_("This case is closed: report a new problem if needed."))
    body = _text(body, "body")
    photos = _checked_photos(photos)
    now = timezone.now()
    message = Message.objects.create(case=case, author_kind=Author.CLIENT, body=body, created_at=now)
    _store_photos(case, message, photos)
    _touch(case, now, [])
    _audit(None, case, "client_wrote", gettext_noop("The client wrote on %(case)s"))
    users = [case.assigned_member.user] if case.assigned_member_id else _users_of_activity(case.activity_id)
    _notify(users, case, gettext_lazy("%(ref)s: the client wrote"), body[:200])
    return message


@transaction.atomic
def client_close(*, case: Case) -> Case:
    case = _lock(case)
    if case.state == State.CLOSED:
        return case
    now = timezone.now()
    fields = ["state", "closed_at", "in_queue"]
    if case.resolved_at is None:
        case.resolved_at, case.resolution_seconds = now, working_seconds(case, case.created_at, now)
        fields += ["resolved_at", "resolution_seconds"]
    case.state, case.closed_at, case.in_queue = State.CLOSED, now, False
    _touch(case, now, fields)
    _audit(None, case, "closed_by_client", gettext_noop("%(case)s closed by the client"))
    users = [case.assigned_member.user] if case.assigned_member_id else _users_of_activity(case.activity_id)
    _notify(users, case, gettext_lazy("%(ref)s: the client closed the case"), "", "closed")
    return case


# --- members and the desk ------------------------------------------------------------------------


@transaction.atomic
def accept(*, actor, case: Case) -> Case:
    case = _lock(case)
    require(actor, "aftersales.take_case", case)
    if case.state != State.WITH_MEMBER:
        raise ValidationError(_("Only a case waiting for its member can be accepted."))
    member = ensure_member(actor)
    now = timezone.now()
    case.state, case.assigned_member, case.in_queue = State.IN_PROGRESS, member, False
    _touch(case, now, ["state", "assigned_member", "in_queue"])
    _audit(actor, case, "accepted", gettext_noop("%(case)s taken in hand by %(member)s"), member=str(member))
    _tell_client(case, gettext_lazy("%(ref)s: your report is taken in hand"), "accepted")
    return case


@transaction.atomic
def decline(*, actor, case: Case, reason: str) -> Case:
    """The member cannot take it: back to the after-sales queue of the trade, for a colleague."""
    case = _lock(case)
    require(actor, "aftersales.take_case", case)
    if case.state != State.WITH_MEMBER:
        raise ValidationError(_("Only a case waiting for its member can be declined."))
    reason = _text(reason, "reason", limit=2000)
    now = timezone.now()
    who = str(case.assigned_member) if case.assigned_member_id else str(actor)
    case.state, case.assigned_member, case.in_queue, case.decline_reason = State.REPORTED, None, True, reason
    _touch(case, now, ["state", "assigned_member", "in_queue", "decline_reason"])
    _audit(actor, case, "declined", gettext_noop("%(case)s declined by %(member)s: %(reason)s"), member=who,
           reason=reason)
    _notify(desk_users(case.entity_id), case, gettext_lazy("%(ref)s: a case waits for a colleague"), reason[:200],
            f"queue-{now.timestamp():.0f}")
    return case


def qualified(case: Case, member: Member) -> bool:
    if member.entity_id != case.entity_id or member.status == MemberStatus.LEFT:
        return False
    if case.trade_id is None:
        return True
    return (member.trades.filter(pk=case.trade_id).exists()
            or ActivityMembership.objects.filter(member=member, activity__trade_id=case.trade_id).exists())


@transaction.atomic
def assign(*, actor, case: Case, member: Member) -> Case:
    """The desk gives the case to a qualified colleague (same entity and trade), who is told."""
    case = _lock(case)
    require(actor, "aftersales.assign_case", case)
    if case.state not in (State.REPORTED, State.WITH_MEMBER, State.IN_PROGRESS):
        raise ValidationError(_("A decided or closed case is not given to anybody."))
    if member is None or not qualified(case, member):
        raise ValidationError({"member": _("Choose a member of the cooperative who works in this trade.")})
    now = timezone.now()
    case.state, case.assigned_member, case.in_queue = State.WITH_MEMBER, member, False
    _touch(case, now, ["state", "assigned_member", "in_queue"])
    _audit(actor, case, "assigned", gettext_noop("%(case)s given to %(member)s"), member=str(member))
    _notify([member.user], case, gettext_lazy("%(ref)s: an after-sales case is given to you"),
            case.description[:200], f"assigned-{member.pk}")
    return case


@transaction.atomic
def answer(*, actor, case: Case, body: str) -> Message:
    """A message to the client (by email with the link to the case)."""
    case = _lock(case)
    require(actor, "aftersales.work_case", case)
    if case.state == State.CLOSED:
        raise ValidationError(_("This case is closed."))
    body = _text(body, "body")
    now = timezone.now()
    message = Message.objects.create(case=case, author_kind=_author_kind(actor, case), author=actor, body=body,
                                     created_at=now)
    fields = _first_answer(case, now)
    _touch(case, now, fields)
    _audit(actor, case, "answered", gettext_noop("Answer to the client on %(case)s"))
    _tell_client(case, gettext_lazy("%(ref)s: an answer from %(activity)s"), "answer")
    return message


def _decide(actor, case: Case, state: str, field: str, text: str, now) -> list[str]:
    if case.state not in OPEN_STATES:
        raise ValidationError(_("This case is already decided."))
    kind = _author_kind(actor, case)
    Message.objects.create(case=case, author_kind=kind, author=actor, body=text, created_at=now)
    fields = _first_answer(case, now)
    setattr(case, field, text)
    case.state, case.in_queue = state, False
    case.resolved_at, case.resolution_seconds = now, working_seconds(case, case.created_at, now)
    return [*fields, field, "state", "in_queue", "resolved_at", "resolution_seconds"]


@transaction.atomic
def resolve(*, actor, case: Case, resolution: str) -> Case:
    case = _lock(case)
    require(actor, "aftersales.work_case", case)
    resolution = _text(resolution, "resolution")
    now = timezone.now()
    fields = _decide(actor, case, State.RESOLVED, "resolution", resolution, now)
    _touch(case, now, fields)
    _audit(actor, case, "resolved", gettext_noop("%(case)s resolved"))
    _tell_client(case, gettext_lazy("%(ref)s: your problem is resolved"), "resolved")
    return case


@transaction.atomic
def reject(*, actor, case: Case, reason: str) -> Case:
    case = _lock(case)
    require(actor, "aftersales.work_case", case)
    reason = _text(reason, "reason", limit=2000)
    now = timezone.now()
    fields = _decide(actor, case, State.REJECTED, "rejection_reason", reason, now)
    _touch(case, now, fields)
    _audit(actor, case, "rejected", gettext_noop("%(case)s rejected: %(reason)s"), reason=reason)
    _tell_client(case, gettext_lazy("%(ref)s: the answer to your report"), "rejected")
    return case


@transaction.atomic
def close(*, actor, case: Case) -> Case:
    case = _lock(case)
    require(actor, "aftersales.work_case", case)
    if case.state not in DECIDED_STATES:
        raise ValidationError(_("Resolve or reject the case before closing it."))
    now = timezone.now()
    case.state, case.closed_at = State.CLOSED, now
    _touch(case, now, ["state", "closed_at"])
    _audit(actor, case, "closed", gettext_noop("%(case)s closed"))
    return case


# --- warranty rules ------------------------------------------------------------------------------


@transaction.atomic
def save_warranty_rule(*, actor, entity, days: int, starts_from: str = Starts.INVOICE, trade=None,
                       service=None) -> WarrantyRule:
    """Add the rule of a trade or of a service, or change its days (one rule each per entity)."""
    require(actor, "aftersales.manage_warranty", entity)
    if trade is None and service is None:
        raise ValidationError({"trade": _("Choose a trade or a service.")})
    if service is not None and service.entity_id != entity.pk:
        raise ValidationError({"service": _("Choose a service of this entity's catalogue.")})
    if not isinstance(days, int) or not 1 <= days <= 3660:
        raise ValidationError({"days": _("A number of days from 1 to 3660.")})
    if starts_from not in Starts.values:
        raise ValidationError({"starts_from": _("Choose the invoice date or the visit date.")})
    if service is not None:
        trade = None
    existing = (WarrantyRule.objects.select_for_update(of=("self",)).filter(entity=entity, service=service).first()
                if service is not None else
                WarrantyRule.objects.select_for_update(of=("self",)).filter(entity=entity, trade=trade, service__isnull=True).first())
    before = {"days": existing.days, "starts_from": existing.starts_from} if existing else None
    try:
        with transaction.atomic():
            if existing is None:
                rule = WarrantyRule.objects.create(entity=entity, trade=trade, service=service, days=days,
                                                   starts_from=starts_from)
            else:
                existing.days, existing.starts_from = days, starts_from
                existing.save(update_fields=["days", "starts_from"])
                rule = existing
    except IntegrityError:
        raise ValidationError({"trade": _("This rule already exists.")}) from None
    record(actor=actor, action="aftersales.warranty_saved", obj=rule, entity=entity,
           message=gettext_noop("Warranty of %(what)s: %(days)s days"),
           params={"what": str(service or trade), "days": days}, before=before,
           after={"days": days, "starts_from": starts_from})
    return rule


@transaction.atomic
def delete_warranty_rule(*, actor, rule: WarrantyRule) -> None:
    rule = WarrantyRule.objects.select_for_update(of=("self",)).select_related("entity", "trade", "service").get(pk=rule.pk)
    require(actor, "aftersales.manage_warranty", rule.entity)
    record(actor=actor, action="aftersales.warranty_deleted", obj=rule, entity=rule.entity,
           message=gettext_noop("Warranty rule of %(what)s removed"), params={"what": str(rule.service or rule.trade)})
    rule.delete()


def ensure_member(actor) -> Member:
    try:
        return Member.objects.get(user_id=actor.pk)
    except Member.DoesNotExist:
        raise PermissionDenied from None
