"""Every change to a support request: sending it, the member writing again, the service answering
or asking, internal notes, assignment, priority, closing and reopening.

Each function takes ``actor=``, checks the rule (rules.py) inside its transaction, locks the
request, moves its clock (clock.py), records the audit event and tells people after commit
(tell.py). A collections case's request goes through dunning's own services for what belongs to
the case (notes, files, assignment, status: ``cases.py``), so the case keeps one thread.

``client_key`` (the form's own key, made when the form is shown): the same request or message sent
twice — a double tap, a resend after a lost network — is stored once; the second call returns the
first with ``already_sent`` set.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.accounts.models import SupportService
from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.members.models import ActivityMembership, Member
from compagnon.permissions import scope_for

from . import attachments as files
from . import clock, selectors, tell
from .models import Message as Post
from .models import MessageKind, Priority, State, SupportRequest

MAX_BODY = 10_000


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _lock(request: SupportRequest) -> SupportRequest:
    return (SupportRequest.objects.select_for_update(of=("self",))
            .select_related("entity", "member__user", "author", "assigned_to", "case__client", "activity")
            .get(pk=request.pk))


def _body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write your message first.")})
    if len(body) > MAX_BODY:
        raise ValidationError({"body": _("Keep it under %(n)s characters (attach a file for longer texts).")
                               % {"n": f"{MAX_BODY:,}".replace(",", "\u202f")}})
    return body


def _audit(actor, request: SupportRequest, action: str, message: str, *, private: bool = False, **params):
    """``private``: staff-side events (internal notes, assignment) are kept out of the member's
    history (entity only)."""
    record(actor=actor, action=f"support.{action}", obj=request, message=message,
           params={"ref": str(request), **params}, entity=request.entity,
           member=None if private else request.member, activity=None if private else request.activity)


def _save(request: SupportRequest, *fields: str) -> None:
    request.sync_queue_at()
    request.save(update_fields=[*fields, "queue_at", "updated_at"])


CLOCK_FIELDS = ("clock_started_at", "paused_at", "paused_for", "paused_remaining", "due_at")


# --- the member --------------------------------------------------------------------------------


def _subject(subject: str, body: str) -> str:
    subject = " ".join((subject or "").split())
    if not subject:
        first = " ".join(body.split())
        subject = first if len(first) <= 80 else first[:79].rsplit(" ", 1)[0] + "…"
    return subject[:200]


def _already(qs, client_key):
    if client_key is None:
        return None
    found = qs.filter(client_key=client_key).first()
    if found is not None:
        found.already_sent = True
    return found


def create_request(*, actor, service: str, body: str, subject: str = "", activity=None, document=None,
                   attachments=(), client_key=None, now: datetime.datetime | None = None) -> SupportRequest:
    """A member asks a service of their entity for help, optionally about one of their activities
    or documents, with files."""
    require(actor, "support.ask")
    done = _already(SupportRequest.objects.filter(author=actor), client_key)
    if done is not None:
        return done
    try:
        with transaction.atomic():
            return _create(actor=actor, service=service, body=body, subject=subject, activity=activity,
                           document=document, attachments=attachments, client_key=client_key, now=_now(now))
    except IntegrityError:  # the same key sent twice at once: the second finds the first
        done = _already(SupportRequest.objects.filter(author=actor), client_key)
        if done is None:
            raise
        return done


def _create(*, actor, service, body, subject, activity, document, attachments, client_key, now) -> SupportRequest:
    member = Member.objects.select_related("entity").get(pk=scope_for(actor).member_id)
    errors = {}
    if service not in SupportService.values:
        errors["service"] = _("Choose the service that can help you.")
    mine = set(ActivityMembership.objects.filter(member=member).values_list("activity_id", flat=True))
    if activity is not None and activity.pk not in mine:
        errors["activity"] = _("Choose one of your activities.")
    if document is not None:
        if document.activity_id not in mine:
            errors["document"] = _("Choose one of your documents.")
        elif activity is not None and document.activity_id != activity.pk:
            errors["document"] = _("This document belongs to another activity.")
    try:
        body = _body(body)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        checked = files.check(attachments)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    if document is not None and activity is None:
        activity = document.activity
    request = SupportRequest(entity=member.entity, service=service, member=member, author=actor, activity=activity,
                             document=document, subject=_subject(subject, body), state=State.NEW,
                             priority=Priority.NORMAL, created_at=now, last_activity_at=now, client_key=client_key)
    clock.start(request, selectors.policy(member.entity_id), now)
    request.sync_queue_at()
    request.save()
    post = Post.objects.create(request=request, kind=MessageKind.MEMBER, author=actor, body=body, created_at=now)
    files.store(request=request, message=post, files=checked, actor=actor, internal=False)
    _audit(actor, request, "sent", gettext_noop("Request %(ref)s sent to %(service)s: %(subject)s"),
           service=SupportService(service).label, subject=request.subject)
    tell.desk_told_new(request, selectors.desk_people(request.entity_id, service))
    return request


def reply(*, actor, request: SupportRequest, body: str, attachments=(), client_key=None,
          now: datetime.datetime | None = None) -> Post:
    """The member writes again. Waiting for them: the clock resumes; answered: a new clock starts."""
    now = _now(now)
    with transaction.atomic():
        request = _lock(request)
        require(actor, "support.follow_request", request)
        if not actor.has_perm("support.reply", request):
            if request.is_closed:
                raise ValidationError({"body": _("This request is closed: reopen it to write again.")})
            require(actor, "support.reply", request)
        done = _already(Post.objects.filter(author=actor), client_key)
        if done is not None:
            return done
        body = _body(body)
        checked = files.check(attachments)
        post = Post.objects.create(request=request, kind=MessageKind.MEMBER, author=actor, body=body,
                                   created_at=now, client_key=client_key)
        files.store(request=request, message=post, files=checked, actor=actor, internal=False)
        policy = selectors.policy(request.entity_id)
        if request.state == State.WAITING:
            request.state = State.OPEN
            clock.resume(request, policy, now)
        elif request.state == State.ANSWERED:
            request.state = State.OPEN
            clock.start(request, policy, now)
        request.last_activity_at = now
        _save(request, "state", "last_activity_at", *CLOCK_FIELDS)
        _audit(actor, request, "member_wrote", gettext_noop("New message from the member on %(ref)s"))
        people = [request.assigned_to] if request.assigned_to_id else selectors.desk_people(
            request.entity_id, request.service)
        tell.staff_told_reply(request, [p for p in people if p.pk != actor.pk], post.pk, body)
    return post


def close(*, actor, request: SupportRequest, now: datetime.datetime | None = None) -> SupportRequest:
    now = _now(now)
    with transaction.atomic():
        request = _lock(request)
        require(actor, "support.follow_request", request)
        require(actor, "support.close_request", request)
        if request.is_closed:
            return request
        if request.case_id is not None:
            from . import cases

            return cases.close_case(actor=actor, request=request)
        request.state, request.closed_at, request.last_activity_at = State.CLOSED, now, now
        clock.stop(request)
        _save(request, "state", "closed_at", "last_activity_at", *CLOCK_FIELDS)
        _audit(actor, request, "closed", gettext_noop("Request %(ref)s closed"))
    return request


def reopen(*, actor, request: SupportRequest, now: datetime.datetime | None = None) -> SupportRequest:
    """A closed request opens again: by its member within the entity's ``reopen_days``, by the
    desk's staff at any time. A new clock starts."""
    now = _now(now)
    with transaction.atomic():
        request = _lock(request)
        require(actor, "support.follow_request", request)
        require(actor, "support.reopen_request", request)
        if not request.is_closed:
            return request
        policy = selectors.policy(request.entity_id)
        staff = actor.has_perm("support.work_request", request)
        if not staff and request.closed_at and request.closed_at + datetime.timedelta(days=policy.reopen_days) < now:
            raise ValidationError({"state": _(
                "This request was closed more than %(n)s days ago: send a new request instead.")
                % {"n": policy.reopen_days}})
        if request.case_id is not None:
            from . import cases

            return cases.reopen_case(actor=actor, request=request)
        request.state, request.closed_at, request.last_activity_at = State.OPEN, None, now
        clock.start(request, policy, now)
        _save(request, "state", "closed_at", "last_activity_at", *CLOCK_FIELDS)
        _audit(actor, request, "reopened", gettext_noop("Request %(ref)s reopened"))
    return request


# --- the service -------------------------------------------------------------------------------------


def answer(*, actor, request: SupportRequest, body: str, ask: bool = False, attachments=(), client_key=None,
           now: datetime.datetime | None = None):
    """The service answers (the clock stops) or asks the member something (``ask``: the request
    waits for them, the clock pauses). An unassigned request becomes the author's."""
    now = _now(now)
    with transaction.atomic():
        request = _lock(request)
        require(actor, "support.work_request", request)
        done = _already(Post.objects.filter(author=actor), client_key)
        if done is not None:
            return done
        if request.is_closed:
            raise ValidationError({"body": _("This request is closed: reopen it to answer.")})
        body = _body(body)
        checked = files.check(attachments)
        if request.assigned_to_id is None:
            request.assigned_to = actor
        if request.case_id is not None:
            from . import cases

            post = cases.answer_case(actor=actor, request=request, body=body, files=checked)
        else:
            post = Post.objects.create(request=request, kind=MessageKind.QUESTION if ask else MessageKind.ANSWER,
                                       author=actor, body=body, created_at=now, client_key=client_key)
            files.store(request=request, message=post, files=checked, actor=actor, internal=False)
        after_answer(request, actor=actor, asked=ask, body=body, key=f"support:answer:{request.pk}:{post.pk}",
                     now=now, in_app=request.case_id is None)
        _audit(actor, request, "asked" if ask else "answered",
               gettext_noop("The service asked the member about %(ref)s") if ask
               else gettext_noop("The service answered %(ref)s"))
    return post


def after_answer(request: SupportRequest, *, actor, asked: bool, body: str, key: str, now, in_app: bool) -> None:
    """State, clock and who is told once the service answered or asked (the request is locked)."""
    policy = selectors.policy(request.entity_id)
    if asked:
        request.state = State.WAITING
        clock.pause(request, policy, now)
    else:
        request.state, request.answered_at = State.ANSWERED, now
        clock.stop(request)
    request.last_activity_at = now
    _save(request, "state", "answered_at", "last_activity_at", "assigned_to", *CLOCK_FIELDS)
    if request.case_id is not None:
        from compagnon.dunning.base import holders_by_activity

        readers = holders_by_activity([request.activity_id]).get(request.activity_id, [])
    else:
        readers = [request.author] if request.author_id else []
    tell.member_told_answer(request, asked=asked, body=body, key=key, readers=readers, in_app=in_app)


def add_note(*, actor, request: SupportRequest, body: str, attachments=(), client_key=None,
             now: datetime.datetime | None = None):
    """An internal note: read by the desk's staff only, never by the member."""
    now = _now(now)
    with transaction.atomic():
        request = _lock(request)
        require(actor, "support.work_request", request)
        done = _already(Post.objects.filter(author=actor), client_key)
        if done is not None:
            return done
        body = _body(body)
        checked = files.check(attachments)
        if request.case_id is not None:
            from . import cases

            note = cases.note_case(actor=actor, request=request, body=body, files=checked)
        else:
            note = Post.objects.create(request=request, kind=MessageKind.NOTE, author=actor, body=body, created_at=now,
                                       client_key=client_key)
            files.store(request=request, message=note, files=checked, actor=actor, internal=True)
        request.save(update_fields=["updated_at"])
        _audit(actor, request, "note", gettext_noop("Internal note on %(ref)s"), private=True)
    return note


def assign(*, actor, request: SupportRequest, agent, now: datetime.datetime | None = None) -> SupportRequest:
    """Give the request to a colleague of the desk (``agent=actor``: take it; None: nobody)."""
    with transaction.atomic():
        request = _lock(request)
        require(actor, "support.work_request", request)
        if agent is not None and agent.pk not in {u.pk for u in selectors.colleagues(request.entity_id, request.service)}:
            raise ValidationError({"assigned_to": _("This person does not work for this service.")})
        if request.case_id is not None:
            from . import cases

            cases.assign_case(actor=actor, request=request, agent=agent)
        request.assigned_to = agent
        fields = ["assigned_to"]
        if agent is not None and request.state == State.NEW:
            request.state = State.OPEN
            fields.append("state")
        _save(request, *fields)
        _audit(actor, request, "assigned", gettext_noop("Request %(ref)s given to %(agent)s") if agent
               else gettext_noop("Request %(ref)s given back to the service"), private=True, agent=str(agent or ""))
        tell.assignee_told(request, agent, actor)
    return request


def set_priority(*, actor, request: SupportRequest, priority: str) -> SupportRequest:
    with transaction.atomic():
        request = _lock(request)
        require(actor, "support.work_request", request)
        if priority not in Priority.values:
            raise ValidationError({"priority": _("Choose a priority.")})
        if priority == request.priority:
            return request
        before = request.get_priority_display()
        request.priority = priority
        clock.reprice(request, selectors.policy(request.entity_id))
        _save(request, "priority", *CLOCK_FIELDS)
        _audit(actor, request, "priority", gettext_noop("Priority of %(ref)s: %(before)s → %(after)s"), private=True,
               before=str(before), after=str(Priority(priority).label))
    return request

