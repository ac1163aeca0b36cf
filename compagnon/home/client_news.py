"""Members hear what their clients do: an in-app notification for each document a client opened,
accepted, refused or paid, and an email with the direct link to the document.

Connected to ``notifications.events.client_event`` by ``HomeConfig.ready``: the portal and payments
announce, this top-floor module (which may read members and documents) tells. The work runs in a
task after commit. Each notification has a key (event and document; for a partial payment, the
amount paid so far), so running it twice notifies and emails nobody twice.

Who hears: the document's author and the holders of its activity who have not left. For an
acceptance or a refusal the portal already emails them (with the signed PDF, the reason and the
link); this adds the in-app notification only.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from compagnon.members.models import ActivityMembership, ActivityRole, MemberStatus
from compagnon.notifications import events
from compagnon.notifications.models import Notification
from compagnon.notifications.services import Message, notify_many
from compagnon.sales.models import Document, Kind, PaymentState
from compagnon.sales.templatetags.sales_tags import amount

EMAILED = (events.OPENED, events.PAID)  # the portal emails acceptances and refusals itself


def on_client_event(sender, *, event: str, document_ids: list[int], **kwargs) -> None:
    from .tasks import tell_members

    tell_members.enqueue(event=event, document_ids=list(document_ids))


def base_url() -> str:
    return (getattr(settings, "PORTAL_BASE_URL", "") or "http://localhost:8000").rstrip("/")


def _recipients(documents: list[Document]) -> dict[int, list]:
    """Per document: the users to tell (author and holders who have not left, active, once)."""
    holders = defaultdict(list)
    for m in (ActivityMembership.objects.filter(activity_id__in={d.activity_id for d in documents},
                                                role=ActivityRole.HOLDER)
              .exclude(member__status=MemberStatus.LEFT).select_related("member__user")):
        holders[m.activity_id].append(m.member.user)
    out = {}
    for d in documents:
        users = {}
        if d.created_by_id and d.created_by.is_active:
            users[d.created_by_id] = d.created_by
        for user in holders[d.activity_id]:
            if user.is_active:
                users.setdefault(user.pk, user)
        out[d.pk] = list(users.values())
    return out


def _key(event: str, d: Document) -> str:
    if event == events.PAID and d.payment_state != PaymentState.PAID:
        return f"client:paid:{d.pk}:{d.paid_amount}"
    return f"client:{event}:{d.pk}"


def _title(event: str, d: Document) -> str:
    """The notification's title, under the reader's language."""
    params = {"document": d.number or d.get_kind_display(), "client": d.client.name,
              "amount": f"{amount(d.paid_amount)}\u00a0€"}
    if event == events.OPENED:
        if d.kind == Kind.QUOTE:
            return _("%(client)s opened the quote %(document)s") % params
        return _("%(client)s opened %(document)s") % params
    if event == events.ACCEPTED:
        return _("%(client)s accepted %(document)s") % params
    if event == events.REFUSED:
        return _("%(client)s refused %(document)s") % params
    if d.payment_state == PaymentState.PAID:
        return _("%(client)s paid %(document)s in full") % params
    return _("%(client)s paid part of %(document)s: %(amount)s so far") % params


def _body(event: str, d: Document) -> str:
    if event == events.ACCEPTED and d.kind == Kind.QUOTE:
        return _("Next step: invoice it, as a deposit or in full.")
    if event == events.PAID and d.payment_state == PaymentState.PAID:
        return _("%(amount)s received. Nothing more to collect on it.") % {"amount": f"{amount(d.paid_amount)}\u00a0€"}
    return ""


def tell(event: str, document_ids: list[int]) -> int:
    """Write the notifications and send the emails of ``event``; returns how many people were
    newly told (a person told before about the same thing is skipped)."""
    documents = list(Document.objects.filter(pk__in=document_ids)
                     .select_related("client", "activity", "created_by").defer("frozen"))
    if not documents:
        return 0
    recipients = _recipients(documents)
    wanted = [(user, d, _key(event, d)) for d in documents for user in recipients[d.pk]]
    if not wanted:
        return 0
    known = set(Notification.objects.filter(user_id__in={u.pk for u, _d, _k in wanted},
                                            key__in={k for _u, _d, k in wanted}).values_list("user_id", "key"))
    fresh = [(u, d, k) for u, d, k in wanted if (u.pk, k) not in known]
    notify_many([
        Message(user=u, title=lambda e=event, d=d: _title(e, d), body=lambda e=event, d=d: _body(e, d),
                url=reverse("document-detail", args=[d.pk]), key=k)
        for u, d, k in fresh
    ])
    if event in EMAILED:
        by_user = defaultdict(list)
        for u, d, _k in fresh:
            if u.email:
                by_user[u.pk].append((u, d))
        for pairs in by_user.values():
            _email(event, pairs[0][0], [d for _u, d in pairs])
    return len(fresh)


def _email(event: str, user, documents: list[Document]) -> None:
    base = base_url()
    with translation.override(user.language or settings.LANGUAGE_CODE):
        lines = [f"{_title(event, d)}\n{base}{reverse('document-detail', args=[d.pk])}" for d in documents]
        if len(documents) == 1:
            subject = _title(event, documents[0])
        elif event == events.PAID:
            subject = ngettext("Payment received on %(n)s document", "Payments received on %(n)s documents",
                               len(documents)) % {"n": len(documents)}
        else:
            subject = ngettext("Clients opened %(n)s document", "Clients opened %(n)s documents",
                               len(documents)) % {"n": len(documents)}
        body = "\n\n".join([_("Hello,"), *lines, _("Open a link to see the document and what to do next.")])
    send_mail(subject, body, None, [user.email])
