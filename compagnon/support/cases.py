"""Collections cases as support requests, without changing dunning.

Every ``dunning.CollectionCase`` has one ``SupportRequest`` of kind *collections case* (one-to-one
``case``), made by the ``post_save`` receiver below when the case is opened (and for the cases
that existed before: the migration's ``backfill`` and ``manage.py support_link_cases``). The
request lives in the collections queue (service "collections" of the case's entity) and in "My
requests" of the members working in the case's activity.

**One thread.** What belongs to the case stays in dunning and goes through its services: the
service's answers are case notes the member sees (``add_case_note(for_member=True)``), internal
notes are case notes they do not see, the service's files are case files, the assignment is the
case's (``assign_case``), closing and reopening change the case's status (``change_case_status``).
The request page shows the case's timeline (``dunning.selectors.case_timeline``) with the
member's own messages (``support.Message``: dunning has no service for a member to write into a
case). The case's own page stays the place of its documents, amounts and letters; the request
links to it.

**State follows the case.** Receivers keep the request in step whatever page the agent used:
status settled or closed → request closed; back in progress → open with a new clock; the case's
agent → the request's; a note for the member written on the case's page → answered (and the
member gets the email).
"""

from __future__ import annotations

import contextvars

from django.db import transaction
from django.utils import timezone

from . import clock, selectors
from .models import Kind, Priority, State, SupportRequest

# set while a support service writes into a case itself: the receivers leave it alone
_writing = contextvars.ContextVar("support_writing_case", default=False)

CASE_FIELDS = {"status", "assigned_to", "closed_at"}


def _state_for(status: str) -> str:
    return {"new": State.NEW, "in_progress": State.OPEN}.get(status, State.CLOSED)


def request_for_case(case, *, policy=None, now=None) -> SupportRequest:
    """The request of ``case``, made if it has none yet (idempotent)."""
    found = SupportRequest.objects.filter(case_id=case.pk).first()
    if found is not None:
        return found
    now = now or timezone.now()
    request = SupportRequest(
        entity_id=case.entity_id, service="collections", kind=Kind.COLLECTIONS_CASE, case=case,
        activity_id=case.activity_id, subject=_client_name(case)[:200], state=_state_for(case.status),
        priority=Priority.NORMAL, assigned_to_id=case.assigned_to_id, created_at=case.opened_at or now,
        last_activity_at=case.updated_at or now)
    if request.state == State.CLOSED:
        request.closed_at = case.closed_at or now
    else:
        clock.start(request, policy or selectors.policy(case.entity_id), case.opened_at or now)
    request.sync_queue_at()
    with transaction.atomic():
        request.save()
    return request


def _client_name(case) -> str:
    client = getattr(case, "client", None)
    if client is not None:
        return client.name
    from compagnon.clients.models import Client

    return Client.objects.filter(pk=case.client_id).values_list("name", flat=True).first() or str(case)


# --- receivers (registered in apps.py) ------------------------------------------------------------


def case_saved(sender, instance, created=False, update_fields=None, raw=False, **kwargs) -> None:
    if raw:  # loaddata: the request is in the fixture too
        return
    if created:
        request_for_case(instance)
        return
    if update_fields is not None and not CASE_FIELDS & set(update_fields):
        return  # e.g. a note touched updated_at
    sync(instance)


def sync(case) -> None:
    """The request follows the case's status and agent."""
    request = SupportRequest.objects.select_for_update().filter(case_id=case.pk).first()
    if request is None:
        request_for_case(case)
        return
    now = timezone.now()
    fields = []
    if request.assigned_to_id != case.assigned_to_id:
        request.assigned_to_id = case.assigned_to_id
        fields.append("assigned_to")
    target = _state_for(case.status)
    if target == State.CLOSED and request.state != State.CLOSED:
        request.state, request.closed_at = State.CLOSED, case.closed_at or now
        clock.stop(request)
        fields += ["state", "closed_at", *_CLOCK]
    elif target != State.CLOSED and request.state == State.CLOSED:
        request.state, request.closed_at = State.OPEN, None
        clock.start(request, selectors.policy(request.entity_id), now)
        fields += ["state", "closed_at", *_CLOCK]
    elif target == State.OPEN and request.state == State.NEW:
        request.state = State.OPEN
        fields.append("state")
    if fields:
        request.last_activity_at = now
        request.sync_queue_at()
        request.save(update_fields=[*fields, "last_activity_at", "queue_at", "updated_at"])


_CLOCK = ("clock_started_at", "paused_at", "paused_for", "paused_remaining", "due_at")


def note_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    """A note for the member written on the case's own page is the service's answer."""
    if raw or not created or _writing.get() or not instance.for_member:
        return
    request = SupportRequest.objects.select_for_update().select_related("entity").filter(
        case_id=instance.case_id).first()
    if request is None or request.is_closed:
        return
    from .services import after_answer

    after_answer(request, actor=instance.author, asked=False, body=instance.body,
                 key=f"support:case-note:{instance.pk}", now=instance.created_at or timezone.now(), in_app=False)


# --- what the support services do on a case (called with the request locked) ---------------------


def _case(request):
    from compagnon.dunning.models import CollectionCase

    return CollectionCase.objects.get(pk=request.case_id)


def _files(actor, case, files, *, for_member: bool) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from compagnon.dunning.litigation import add_case_file

    for name, kind, data in files:
        add_case_file(actor=actor, case=case, upload=SimpleUploadedFile(name, data, content_type=kind),
                      for_member=for_member)


def answer_case(*, actor, request, body: str, files):
    """The service's answer on a case: a case note the member sees (and its files)."""
    from compagnon.dunning.litigation import add_case_note

    token = _writing.set(True)
    try:
        case = _case(request)
        if case.assigned_to_id is None:
            assign_case(actor=actor, request=request, agent=actor)
        note = add_case_note(actor=actor, case=case, body=body, for_member=True)
        _files(actor, case, files, for_member=True)
    finally:
        _writing.reset(token)
    return note


def note_case(*, actor, request, body: str, files):
    from compagnon.dunning.litigation import add_case_note

    token = _writing.set(True)
    try:
        case = _case(request)
        note = add_case_note(actor=actor, case=case, body=body, for_member=False)
        _files(actor, case, files, for_member=False)
    finally:
        _writing.reset(token)
    return note


def assign_case(*, actor, request, agent) -> None:
    from compagnon.dunning.litigation import assign_case as assign

    token = _writing.set(True)
    try:
        assign(actor=actor, case=_case(request), agent=agent)
    finally:
        _writing.reset(token)


def close_case(*, actor, request) -> SupportRequest:
    from compagnon.dunning.litigation import change_case_status

    change_case_status(actor=actor, case=_case(request), status="closed")  # the receiver closes the request
    return SupportRequest.objects.get(pk=request.pk)


def reopen_case(*, actor, request) -> SupportRequest:
    from compagnon.dunning.litigation import change_case_status

    change_case_status(actor=actor, case=_case(request), status="in_progress")
    return SupportRequest.objects.get(pk=request.pk)


# --- cases opened before support was installed -------------------------------------------------------


def backfill(CollectionCase, SupportRequest, CaseNote, *, now=None, policy_for=None) -> int:  # noqa: N803
    """Give every case without a request its request. Works with the migration's historical models
    as with the real ones. Open cases start their clock now (not on the day they were opened: the
    service did not have one then); a case whose last note for the member is the service's newest
    word counts as answered. Returns how many requests were made."""
    now = now or timezone.now()
    default = clock.Policy(clock.Calendar(), {})
    made = 0
    linked = SupportRequest.objects.filter(case__isnull=False).values("case_id")
    for case in CollectionCase.objects.exclude(pk__in=linked).select_related("client").order_by("pk").iterator():
        state = _state_for(case.status)
        request = SupportRequest(
            entity_id=case.entity_id, service="collections", kind="collections_case", case_id=case.pk,
            activity_id=case.activity_id, subject=case.client.name[:200], state=state, priority="normal",
            assigned_to_id=case.assigned_to_id, created_at=case.opened_at or now,
            last_activity_at=case.updated_at or now)
        if state == State.CLOSED:
            request.closed_at = case.closed_at or now
        elif CaseNote.objects.filter(case_id=case.pk, for_member=True).exists():
            request.state = State.ANSWERED
            request.answered_at = (CaseNote.objects.filter(case_id=case.pk, for_member=True)
                                   .order_by("-created_at").values_list("created_at", flat=True).first())
        else:
            clock.start(request, (policy_for or (lambda _e: default))(case.entity_id), now)
        request.queue_at = {State.NEW: request.due_at, State.OPEN: request.due_at,
                            State.ANSWERED: request.answered_at, State.CLOSED: request.closed_at}.get(request.state)
        request.save()
        made += 1
    return made
