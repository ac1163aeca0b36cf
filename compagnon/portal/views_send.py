"""The send page: "Issue and send" for an invoice, "Send" for a quote or statement, on one page.

The editor's buttons (sales) save the draft and come here; the document page links here. What
happens is ``delivery.deliver``: issued when needed, then emailed, handed to Peppol, or marked as
sent without emailing. A failure after issuing keeps the issue and says so, with the form to send
again.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from compagnon.core.views_helpers import get_or_404

from . import delivery, selectors, services
from .forms import SendForm
from .views import panel_context

FORM_FIELDS = ("to", "subject", "message", "channel")


def _label(document) -> str:
    return f"{capfirst(document.get_kind_display())} {document.number}".strip()


def _client_edit_url(document) -> str | None:
    try:
        return reverse("client-edit", args=[document.client_id])
    except NoReverseMatch:
        return None


def _problems(exc: ValidationError, document) -> list[dict]:
    """Why it cannot be issued or sent, each with the page where it is fixed."""
    out = []
    if not hasattr(exc, "error_dict"):
        return [{"text": m} for m in exc.messages]
    for name, msgs in exc.message_dict.items():
        for m in msgs:
            if name == "client" and _client_edit_url(document):
                out.append({"text": m, "url": _client_edit_url(document),
                            "link": _("Edit the client %(name)s") % {"name": document.client.name}})
            elif name in ("lines", "credited") and document.is_draft:
                out.append({"text": m, "url": reverse("document-detail", args=[document.pk]),
                            "link": _("Back to the draft")})
            else:
                out.append({"text": m})
    return out


def _field_errors(form, exc: ValidationError) -> bool:
    """Put the errors naming a form field on it; True when every error found its field."""
    if not hasattr(exc, "error_dict") or not set(exc.error_dict) <= set(FORM_FIELDS):
        return False
    for name, errors in exc.error_dict.items():
        form.add_error(name, errors)
    return True


def _bound_again(form) -> SendForm:
    """The same form (what was typed kept, the same key: nothing was sent with it) with its errors."""
    again = SendForm(form.data.copy())
    again.is_valid()
    for name, errors in form.errors.items():
        if name in again.fields:
            again.add_error(name, errors)
    return again


def _initial(document, user) -> dict:
    return {**services.send_defaults(document, user), "channel": delivery.default_channel(document),
            "key": delivery.new_key()}


@login_required
@require_http_methods(["GET", "POST"])
def send(request, pk):
    document = get_or_404(selectors.document_for, request.user, pk)
    status, problems, failed = 200, [], None
    if request.method == "POST":
        if not request.user.has_perm("sales.change_document", document):
            raise PermissionDenied
        form = SendForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            channel = delivery.NONE if request.POST.get("action") == "none" else (data["channel"] or delivery.EMAIL)
            try:
                result = delivery.deliver(actor=request.user, document=document, channel=channel, to=data["to"],
                                          subject=data["subject"], message=data["message"],
                                          base_url=request.build_absolute_uri("/"), key=data["key"] or None)
            except ValidationError as exc:
                if not _field_errors(form, exc):
                    problems = _problems(exc, document)
                document = selectors.document_for(request.user, pk)
            else:
                document = result.document
                if result.error is None:
                    messages.success(request, _success(result))
                    return redirect("document-detail", pk=document.pk)
                failed = {"label": _label(document), "reasons": [p["text"] for p in _problems(result.error, document)]}
                _field_errors(form, result.error)
                form = _bound_again(form)
        status = 400
    else:
        form = SendForm(initial=_initial(document, request.user))
    context = panel_context(request, document)
    context.update({
        "form": form, "problems": problems, "failed": failed,
        "issue_first": document.is_legal and document.is_draft,
        "peppol": delivery.peppol_possible(document) if context["can_send"] else False,
        "message_open": bool(form.is_bound and (form["subject"].errors or form["message"].errors)),
        "client_edit_url": _client_edit_url(document),
    })
    return render(request, "portal/send.html", context, status=status)


def _success(result) -> str:
    document, label = result.document, _label(result.document)
    if result.repeat:
        return _("%(document)s was already sent: nothing was sent again.") % {"document": label}
    if result.channel == delivery.EMAIL:
        text = _("%(document)s sent to %(to)s.") % {"document": label, "to": result.email.to}
    elif result.channel == delivery.PEPPOL:
        text = _("%(document)s handed to the Peppol network, to %(to)s.") % {
            "document": label, "to": result.transmission.recipient}
    else:
        text = _("%(document)s marked as sent. Nothing was emailed: hand it to your client yourself.") % {
            "document": label}
    if result.issued:
        text = _("Issued.") + " " + text
    if document.is_legal and not document.pdf:
        text += " " + _("Its PDF is being prepared.")
    return text
