"""Pages of messages: the inbox, writing a new message, a conversation (reply, read, archive,
report), attachments, blocking, and the email preference.

A conversation is reached only through the reader's own participant row: anybody else gets 404.
A form sent by the page's script or the phone's offline queue (``X-Compagnon-Queued: 1``) gets a
short JSON answer instead of a page; what it carries was kept on the phone until then
(``static/messaging/compose.js``).
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from compagnon.accounts.models import User
from compagnon.core.params import (
    BadParameter,
    bool_param,
    id_param,
    paginate,
    raw_param,
    text_param,
)
from compagnon.core.redirects import redirect_next
from compagnon.core.views_helpers import apply_errors, get_or_404, run_action

from . import people, selectors, services
from .forms import ComposeForm, PreferenceForm, ReplyForm, ReportForm
from .models import Participant

INBOX_PAGE = 25


def _queued(request) -> bool:
    return request.headers.get("X-Compagnon-Queued") == "1"


def _queued_errors(form) -> JsonResponse:
    problems = [f"{form.fields[name].label}: {msg}" if name in form.fields and form.fields[name].label else str(msg)
                for name, msgs in form.errors.items() for msg in msgs]
    return JsonResponse({"errors": problems}, status=400)


def _sent(request, message, text) -> JsonResponse | None:
    url = reverse("messaging-conversation", args=[message.conversation_id])
    if _queued(request):
        return JsonResponse({"message": text, "url": url, "replayed": hasattr(message, "replayed")})
    if getattr(message, "replayed", False):
        messages.info(request, _("This message had already been sent: it was not sent twice."))
    key = f"?sent={message.client_key}" if message.client_key else ""
    return redirect(f"{url}{key}#latest")


def _posted(request, files: bool = False):
    """The form's data on a POST (even an empty one: it is then refused), None otherwise."""
    if request.method != "POST":
        return None
    return request.FILES if files else request.POST


# --- the inbox -------------------------------------------------------------------------------------


@login_required
@require_GET
def inbox(request):
    archived = bool_param(request, "archived")
    page = paginate(request, selectors.inbox(request.user, archived=archived), INBOX_PAGE)
    rows = list(page.object_list)
    names = selectors.people_of([p.conversation_id for p in rows])
    prefix = reverse("messaging-inbox")  # a conversation is /messages/<id>/: one reverse for the page
    for p in rows:
        p.others = [u for u in names[p.conversation_id] if u.pk != request.user.pk]
        p.url = f"{prefix}{p.conversation_id}/"
    return render(request, "messaging/inbox.html", {
        "page": page, "rows": rows, "archived": archived, "unread": selectors.unread(request.user),
        "may_write": request.user.has_perm("messaging.use"), "moderates": selectors.moderates(request.user),
    })


@login_required
@require_POST
def read_all(request):
    n = services.mark_all_read(actor=request.user)
    if n:
        messages.success(request, _("All your messages are marked as read."))
    return redirect_next(request, "messaging-inbox")


# --- writing a new message ---------------------------------------------------------------------------


def _ids(values) -> list[int]:
    out = []
    for value in values[:50]:
        pk = id_param({"to": value}, "to")
        if pk is not None:
            out.append(pk)
    return out


def _chosen(request, reach, form=None) -> list[User]:
    if form is not None and form.is_bound:
        ids = _ids(request.POST.getlist("to"))
    else:
        ids = _ids(request.GET.getlist("to"))
    if not ids:
        return []
    found = {u.pk: u for u in reach.filter(pk__in=ids)}
    chosen = [found[i] for i in dict.fromkeys(ids) if i in found]
    return chosen


@login_required
def compose(request):
    if not request.user.has_perm("messaging.use"):
        raise PermissionDenied(_("Messages are for the members and the staff of a cooperative."))
    reach = people.reachable(request.user)
    form = ComposeForm(_posted(request), _posted(request, files=True), people=reach)
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                message = services.start_conversation(
                    actor=request.user, recipients=list(d["to"]), subject=d["subject"], body=d["body"],
                    attachments=d["attachments"], client_key=d["client_key"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return _sent(request, message, _("Message sent."))
        if _queued(request):
            return _queued_errors(form)
    chosen = _chosen(request, reach, form)
    q = text_param(request, "q", max_length=100)
    results = people.search(request.user, q, exclude=[u.pk for u in chosen]) if q else []
    people.label(chosen, people.entities_of(request.user))
    context = {"form": form, "chosen": chosen, "results": results, "q": q}
    if request.htmx and request.htmx.target == "people":
        return render(request, "messaging/_people.html", context)
    if not form.is_bound and chosen:
        blockers = services.blockers_among(request.user, [u.pk for u in chosen])
        context["warning"] = services.blocked_text(blockers) if blockers else ""
        context["existing"] = selectors.existing_pair(request.user, chosen[0]) if len(chosen) == 1 else None
    return render(request, "messaging/compose.html", context, status=400 if form.is_bound else 200)


# --- a conversation ----------------------------------------------------------------------------------


def _sent_key(request) -> str:
    value = raw_param(request, "sent")
    try:
        return str(uuid.UUID(value)) if value else ""
    except ValueError:
        raise BadParameter("sent", _("The parameter “sent” must be the key of a message.")) from None


def _writing_state(user, conversation, others) -> dict:
    mine, theirs = selectors.blocks_between(user, [u.pk for u in others])
    staff = people.staff_of([u.pk for u in others], conversation.entity_id)
    reason = ""
    if theirs:
        reason = services.blocked_text([u for u in others if u.pk in theirs])
    else:
        suspension = services.active_suspension(user, conversation.entity_id)
        if suspension is not None:
            reason = services.suspension_text(suspension)
        elif conversation.entity_id not in people.entities_of(user):
            reason = _("You are no longer part of this cooperative: you can read this conversation but not answer.")
    for u in others:
        u.blocked_by_me = u.pk in mine
        u.may_block = u.pk not in staff
    return {"cannot_write": reason}


@login_required
def conversation_page(request, pk):
    part = get_or_404(selectors.participation, request.user, pk)
    conversation = part.conversation
    form = ReplyForm(_posted(request), _posted(request, files=True))
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                message = services.send_message(actor=request.user, conversation=conversation, body=d["body"],
                                                attachments=d["attachments"], client_key=d["client_key"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return _sent(request, message, _("Message sent."))
        if _queued(request):
            return _queued_errors(form)
    before = id_param(request, "before")
    rows, earlier = selectors.page_of(selectors.messages(conversation.pk, before=before))
    if before is None and (part.unread or part.last_read_id < (conversation.last_message_id or 0)):
        services.mark_read(actor=request.user, conversation=conversation)
    everyone = selectors.people_of([conversation.pk])[conversation.pk]
    others = [u for u in everyone if u.pk != request.user.pk]
    context = {
        "conversation": conversation, "participant": part, "rows": rows, "earlier": earlier, "before": before,
        "others": others, "form": form, "sent": _sent_key(request),
        **_writing_state(request.user, conversation, others),
    }
    return render(request, "messaging/conversation.html", context, status=400 if form.is_bound else 200)


@login_required
@require_POST
def conversation_read(request, pk):
    part = get_or_404(selectors.participation, request.user, pk)
    services.mark_read(actor=request.user, conversation=part.conversation)
    return redirect_next(request, "messaging-inbox")


@login_required
@require_POST
def conversation_archive(request, pk, action):
    part = get_or_404(selectors.participation, request.user, pk)
    archived = action == "archive"
    return run_action(
        request, services.set_archived, conversation=part.conversation, archived=archived,
        success=_("Conversation archived: it comes back to your inbox with the next message.") if archived
        else _("Conversation back in your inbox."),
        redirect_to="messaging-inbox",
    )


@login_required
def conversation_report(request, pk):
    part = get_or_404(selectors.participation, request.user, pk)
    conversation = part.conversation
    others = User.objects.filter(
        pk__in=Participant.objects.filter(conversation_id=conversation.pk).exclude(user_id=request.user.pk)
        .values("user_id")
    ).order_by("last_name", "first_name", "pk")
    form = ReportForm(_posted(request), others=others)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_conversation(actor=request.user, conversation=conversation,
                                         reason=form.cleaned_data["reason"], reported=form.cleaned_data["reported"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Thank you: the cooperative's administrators will read the conversation "
                                        "and decide. You can also block the person."))
            return redirect("messaging-conversation", pk=conversation.pk)
    return render(request, "messaging/report_new.html", {"conversation": conversation, "form": form},
                  status=400 if form.is_bound else 200)


@login_required
@require_GET
def attachment(request, pk):
    item = get_or_404(selectors.attachment, request.user, pk)
    return download(item)


def download(item) -> FileResponse:
    response = FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name,
                            content_type=item.content_type or "application/octet-stream")
    response["Cache-Control"] = "private, no-store"
    return response


# --- blocking ----------------------------------------------------------------------------------------


def _known_person(user, pk) -> User:
    """Someone ``user`` may block or unblock: a person they may write to, share a conversation with,
    or blocked already; anybody else is a 404."""
    mine = selectors.my_participations(user).values("conversation_id")
    q = (
        Q(pk__in=people.reachable(user).values("pk"))
        | Q(pk__in=Participant.objects.filter(conversation_id__in=mine).values("user_id"))
        | Q(pk__in=selectors.blocked_by_me(user).values("blocked_id"))
    )
    return User.objects.exclude(pk=user.pk).filter(q).get(pk=pk)


@login_required
@require_POST
def person_block(request, user_pk, action):
    person = get_or_404(_known_person, request.user, user_pk)
    if action == "block":
        return run_action(
            request, services.block_person, user=person, redirect_to="messaging-blocked",
            success=_("%(name)s can no longer write to you. Your conversations stay readable.") % {"name": person},
        )
    return run_action(request, services.unblock_person, user=person, redirect_to="messaging-blocked",
                      success=_("%(name)s can write to you again.") % {"name": person})


@login_required
@require_GET
def blocked_list(request):
    page = paginate(request, selectors.blocked_by_me(request.user), 50)
    return render(request, "messaging/blocked.html", {"page": page})


# --- email preference --------------------------------------------------------------------------------


@login_required
def preferences(request):
    form = PreferenceForm(_posted(request), initial={"email_frequency": services.email_frequency(request.user)})
    if request.method == "POST" and form.is_valid():
        response = run_action(request, services.set_email_frequency, form=form,
                              frequency=form.cleaned_data["email_frequency"], redirect_to="messaging-inbox",
                              success=_("Saved: this is how you will hear of new messages."))
        if response is not None:
            return response
    return render(request, "messaging/preferences.html", {"form": form}, status=400 if form.is_bound else 200)
