"""Pages of the member's side: ask for help, "My requests", one request (shared with the staff
side, which adds its tools: views_staff.py), writing again, closing, reopening, files.

Requests come from the selectors (404 outside the user's reach); actions check the rules (403 for
a visible request the user may not change). A form sent from the phone's offline queue
(``X-Compagnon-Queued: 1``, core/static/core/offline.js) gets a short JSON answer instead of a page.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from compagnon.accounts.models import SupportService
from compagnon.core.params import choice_param, id_param, paginate
from compagnon.core.views_helpers import apply_errors, get_or_404, run_action

from . import clock, desk, selectors, services
from .forms import AnswerForm, AssignForm, PriorityForm, ReplyForm, RequestForm
from .models import State


def queued(request) -> bool:
    return request.headers.get("X-Compagnon-Queued") == "1"


def queued_errors(form) -> JsonResponse:
    problems = [f"{form.fields[name].label}: {msg}" if name in form.fields and form.fields[name].label else str(msg)
                for name, msgs in form.errors.items() for msg in msgs]
    return JsonResponse({"errors": problems}, status=400)


def _new_form(request, data=None, files=None):
    document_id = id_param(request, "document")
    initial = {}
    service = request.GET.get("service", "")
    if service in SupportService.values:
        initial["service"] = service
    if document_id:
        initial["document"] = str(document_id)
    activity_id = id_param(request, "activity")
    if activity_id:
        initial["activity"] = activity_id
    return RequestForm(data, files, initial=initial, activities=selectors.my_activities(request.user),
                       documents=selectors.my_documents(request.user, include=document_id))


@login_required
def new_request(request):
    """Ask a service for help (``?service=<code>`` chooses it, ``?document=`` / ``?activity=`` say
    what it is about)."""
    if not request.user.has_perm("support.ask"):
        raise PermissionDenied(_("Only members send requests to the cooperative's services."))
    if request.method != "POST":
        return render(request, "support/new.html", {"form": _new_form(request)})
    form = _new_form(request, request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        try:
            made = services.create_request(
                actor=request.user, service=d["service"], subject=d["subject"], body=d["body"],
                activity=d["activity"], document=d["document"], attachments=d["attachments"],
                client_key=d["client_key"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            text = (_("Your request %(ref)s was already sent.") if getattr(made, "already_sent", False)
                    else _("Request %(ref)s sent: the service answers here and by email.")) % {"ref": made}
            url = reverse("support-request", args=[made.pk])
            if queued(request):
                return JsonResponse({"message": text, "url": url, "replayed": hasattr(made, "already_sent")})
            messages.success(request, text)
            return redirect(url)
    if queued(request):
        return queued_errors(form)
    return render(request, "support/new.html", {"form": form}, status=400)


@login_required
def my_requests(request):
    state = choice_param(request, "state", State.values)
    page = paginate(request, selectors.my_list(request.user, state=state), 25)
    return render(request, "support/mine.html", {
        "page": page, "state": state, "states": State.choices, "query": f"state={state}" if state else "",
        "may_ask": request.user.has_perm("support.ask"),
        "queue": bool(selectors.staff_services(request.user)),
    })


def reopen_until(r, policy) -> datetime.datetime | None:
    if not r.is_closed or r.closed_at is None:
        return None
    return r.closed_at + datetime.timedelta(days=policy.reopen_days)


def page_context(request, r, as_agent: bool, *, reply_form=None, answer_form=None, status_hint=None) -> dict:
    user = request.user
    now = timezone.now()
    policy = selectors.policy(r.entity_id)
    context = {
        "r": r, "as_agent": as_agent, "thread": selectors.thread(r, as_agent=as_agent),
        "case_files": selectors.case_files(r, as_agent=as_agent), "reading": clock.read(r, now),
        "may_reply": not as_agent and user.has_perm("support.reply", r),
        "may_close": not r.is_closed and user.has_perm("support.close_request", r),
        "may_reopen": r.is_closed and user.has_perm("support.reopen_request", r),
        "client_keys": " ".join(selectors.my_client_keys(r, user)),
    }
    until = reopen_until(r, policy)
    if context["may_reopen"] and not as_agent and until is not None and until < now:
        context["may_reopen"], context["reopen_expired"] = False, True
    context["reopen_until"] = until
    if context["may_reply"]:
        context["reply_form"] = reply_form or ReplyForm()
    if as_agent:
        people = selectors.colleagues(r.entity_id, r.service)
        canned = selectors.canned_for(r)
        context.update(
            answer_form=answer_form or AnswerForm(initial=_answer_initial(request, r, canned)),
            assign_form=AssignForm(people=people, initial={"assigned_to": r.assigned_to_id}),
            priority_form=PriorityForm(initial={"priority": r.priority}),
            canned=[(c, desk.fill(c, request=r, agent=user)) for c in canned],
            target_hours=policy.hours(r.service, r.priority),
        )
    return context


def _answer_initial(request, r, canned) -> dict:
    """Without JavaScript, ``?canned=<id>`` puts a canned answer in the answer box."""
    chosen = id_param(request, "canned")
    for c in canned:
        if c.pk == chosen:
            return {"body": desk.fill(c, request=r, agent=request.user)}
    return {}


@login_required
@require_GET
def request_page(request, pk):
    r, as_agent = get_or_404(selectors.request_for, request.user, pk)
    return render(request, "support/request.html", page_context(request, r, as_agent))


@login_required
@require_POST
def reply(request, pk):
    r, as_agent = get_or_404(selectors.request_for, request.user, pk)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.reply(actor=request.user, request=r, body=form.cleaned_data["body"],
                           attachments=form.cleaned_data["attachments"], client_key=form.cleaned_data["client_key"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            text = _("Message sent.")
            url = reverse("support-request", args=[r.pk]) + "#thread-end"
            if queued(request):
                return JsonResponse({"message": _("Message on %(ref)s sent.") % {"ref": r}, "url": url})
            messages.success(request, text)
            return redirect(url)
    if queued(request):
        return queued_errors(form)
    r, as_agent = selectors.request_for(request.user, pk)
    return render(request, "support/request.html", page_context(request, r, as_agent, reply_form=form), status=400)


@login_required
@require_POST
def close(request, pk):
    r, _as_agent = get_or_404(selectors.request_for, request.user, pk)
    return run_action(request, lambda actor: services.close(actor=actor, request=r), success=_("Request closed."),
                      redirect_to=reverse("support-request", args=[r.pk]))


@login_required
@require_POST
def reopen(request, pk):
    r, _as_agent = get_or_404(selectors.request_for, request.user, pk)
    return run_action(request, lambda actor: services.reopen(actor=actor, request=r), success=_("Request reopened."),
                      redirect_to=reverse("support-request", args=[r.pk]))


@login_required
@require_GET
def attachment(request, pk):
    item = get_or_404(selectors.attachment_for, request.user, pk)
    response = FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name,
                            content_type=item.content_type)
    response["Cache-Control"] = "private, no-store"
    return response

