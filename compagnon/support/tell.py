"""Who hears about what, after commit: in-app notifications (each in its reader's language) and the
email a member gets when the service answers or asks them something.

* a new request → the desk's agents (its administrators when it has none);
* the member writes again → the agent in charge, else the desk's agents;
* a request is given to someone → that person;
* the service answers or asks → the member (notification and email); for a collections case the
  members holding the case's activity get the email, and dunning's own notification of the note.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from compagnon.notifications.services import Message, notify_many

from .models import SupportRequest


def absolute(path: str) -> str:
    base = (getattr(settings, "PORTAL_BASE_URL", "") or "http://127.0.0.1:8000").rstrip("/")
    return base + path


def url_of(request: SupportRequest) -> str:
    return reverse("support-request", args=[request.pk])


def _title(request: SupportRequest) -> str:
    if request.case_id is not None:
        return _("Collections case: %(client)s") % {"client": request.subject}
    return request.subject


def _after_commit(fn) -> None:
    transaction.on_commit(fn)


def desk_told_new(request: SupportRequest, people) -> None:
    ref, subject, service, url = str(request), request.subject, request.service, url_of(request)

    def send():
        from compagnon.accounts.models import SupportService

        notify_many([Message(
            user=u, url=url, key=f"support:new:{request.pk}",
            title=lambda: _("New request %(ref)s for %(service)s") % {
                "ref": ref, "service": SupportService(service).label},
            body=subject) for u in people])

    _after_commit(send)


def staff_told_reply(request: SupportRequest, people, message_pk: int, excerpt: str) -> None:
    ref, url = str(request), url_of(request)

    def send():
        notify_many([Message(user=u, url=url, key=f"support:reply:{message_pk}",
                             title=lambda: _("The member wrote on %(ref)s") % {"ref": ref},
                             body=excerpt[:300]) for u in people])

    _after_commit(send)


def assignee_told(request: SupportRequest, agent, actor) -> None:
    if agent is None or agent.pk == getattr(actor, "pk", None):
        return
    ref, subject, url, who = str(request), request.subject, url_of(request), str(actor)
    stamp = int(timezone.now().timestamp())

    def send():
        notify_many([Message(user=agent, url=url, key=f"support:assigned:{request.pk}:{agent.pk}:{stamp}",
                             title=lambda: _("%(who)s gave you the request %(ref)s") % {"who": who, "ref": ref},
                             body=subject)])

    _after_commit(send)


def member_told_answer(request: SupportRequest, *, asked: bool, body: str, key: str, readers, in_app: bool) -> None:
    """``readers``: users (or objects with pk, language, email) to tell; ``in_app``: also a
    notification (a collections case's note is notified by dunning itself)."""
    ref, url = str(request), url_of(request)
    service = request.service
    excerpt = body.strip()

    def send():
        from compagnon.accounts.models import SupportService
        from compagnon.core.tasks import send_email

        def title():
            label = SupportService(service).label
            if asked:
                return _("The %(service)s service asks you something about %(ref)s") % {"service": label, "ref": ref}
            return _("The %(service)s service answered your request %(ref)s") % {"service": label, "ref": ref}

        if in_app:
            notify_many([Message(user=u, url=url, key=key, title=title, body=excerpt[:300]) for u in readers])
        for u in readers:
            email = getattr(u, "email", "")
            if not email:
                continue
            with translation.override(getattr(u, "language", None) or "fr"):
                subject = str(title())
                text = render_to_string("support/email/answered.txt", {
                    "asked": asked, "ref": ref, "title": _title(request), "body": excerpt,
                    "link": absolute(url), "service": SupportService(service).label})
            send_email.enqueue(to=[email], subject=subject, body=text)

    _after_commit(send)
