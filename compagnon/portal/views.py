"""Member pages (send a document, its link) and the client portal (no account, one signed link)."""

from __future__ import annotations

import base64
import mimetypes
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from compagnon.core.client_ip import client_ip
from compagnon.core.csp import nonce_styles
from compagnon.core.views_helpers import apply_errors, get_or_404
from compagnon.notifications import events
from compagnon.sales.models import State
from compagnon.sales.pdf import render_html

from . import hooks, selectors, services
from .forms import AcceptForm, CodeForm, RefuseForm
from .models import ClientRefusal, PortalAccess, SignatureEvidence, SignatureRequest
from .tokens import LinkError, read_token

# --- member side -----------------------------------------------------------------------------


def panel_context(request, document) -> dict:
    """What the member sees about sending a document: its link, its emails, the client's answer."""
    access = services.current_access(document)
    return {
        "document": document,
        "can_send": request.user.has_perm("sales.change_document", document),
        "access": access,
        "portal_url": services.portal_url(access, request.build_absolute_uri("/")) if access else "",
        "emails": list(selectors.email_log(document)),  # read once: the panel tests it and shows the last
        # only a quote is accepted or refused online (services._check_decidable): no query for the rest
        "evidence": SignatureEvidence.objects.filter(document=document).first() if document.is_quote else None,
        "refusal": ClientRefusal.objects.filter(document=document).first() if document.is_quote else None,
        "shareable": not document.is_draft and bool(document.frozen),
    }


@login_required
@require_POST
def portal_link(request, pk):
    document = get_or_404(selectors.document_for, request.user, pk)
    action = request.POST.get("action")
    try:
        if action == "revoke":
            services.revoke_portal_links(actor=request.user, document=document)
            messages.success(request, _("The link is withdrawn: it no longer opens the document."))
        elif action == "create":
            services.create_portal_link(actor=request.user, document=document)
        else:
            return HttpResponse(status=400)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    if request.htmx:
        return render(request, "portal/_portal_link.html", panel_context(request, document))
    return redirect("portal-send", pk=document.pk)


@login_required
@require_GET
def member_signed_pdf(request, pk):
    try:
        evidence = selectors.evidence_for(request.user, pk)
    except ObjectDoesNotExist:
        raise Http404 from None
    if not evidence.signed_pdf:
        raise Http404
    return FileResponse(evidence.signed_pdf.open("rb"), content_type="application/pdf", as_attachment=True,
                        filename=evidence.signed_pdf.name.rsplit("/", 1)[-1])


# --- client portal ---------------------------------------------------------------------------


SCREEN_CSS = """<style>
@media screen {
  html { background: #fff; }
  body { margin: 0 auto; padding: 16px; max-width: 820px; }
  .brand, .parties { flex-wrap: wrap; gap: 12px; }
  .buyer, .totals { min-width: 0 !important; }
  table.lines { display: block; overflow-x: auto; }
  table.lines td.desc { min-width: 10em; }
  .pagefoot { margin-top: 16px; }
}
</style>"""


def _document_html(document) -> str:
    """The document exactly as its PDF prints it (same template, same frozen data), for a browser:
    the frozen logo inlined, the layout allowed to wrap on a phone."""
    html = render_html(document.frozen)
    logo = (document.frozen.get("activity") or {}).get("logo") or ""
    if logo:
        try:
            with default_storage.open(logo, "rb") as f:
                data = base64.b64encode(f.read()).decode()
            mime = mimetypes.guess_type(logo)[0] or "image/png"
            html = html.replace(f'src="storage:{escape(logo)}"', f'src="data:{mime};base64,{data}"')
        except OSError:
            pass
    return html.replace("</head>", SCREEN_CSS + "</head>", 1)


def _client_meta(request) -> dict:
    return {"ip": client_ip(request), "user_agent": request.META.get("HTTP_USER_AGENT", "")}


def _private(response):
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    # same-origin, not no-referrer: with no-referrer browsers post forms with "Origin: null", which
    # Django's CSRF check refuses; same-origin still never leaks the token-bearing URL to others.
    response["Referrer-Policy"] = "same-origin"
    return response


def _link_error(request, exc: LinkError):
    access = exc.access
    document = access.document if access is not None else None
    language = document.language if document is not None else translation.get_language()
    with translation.override(language):
        snapshot = document.frozen if document is not None else None
        context = {"reason": exc.reason, "d": snapshot, "brand_color": services.brand_color(snapshot)}
        response = render(request, "portal/link_invalid.html", context, status=404 if exc.reason == "invalid" else 410)
    response["Content-Language"] = language
    return _private(response)


def portal_view(view):
    """Resolve the link to its one document (or explain why it no longer works) and answer in the
    client's language. A portal view only ever receives that document."""

    @wraps(view)
    def wrapper(request, token, *args, **kwargs):
        try:
            access = read_token(token)
        except LinkError as exc:
            return _link_error(request, exc)
        document = access.document
        with translation.override(document.language):
            response = view(request, access, document, token, *args, **kwargs)
        response["Content-Language"] = document.language
        return _private(response)

    return wrapper


def _portal_context(access, document, token, **extra) -> dict:
    decidable = document.is_quote and document.state == State.SENT
    context = {
        "access": access, "document": document, "d": document.frozen, "token": token,
        "brand_color": services.brand_color(document.frozen),
        "decidable": decidable, "past_validity": services.is_past_validity(document),
        "evidence": SignatureEvidence.objects.filter(document=document).first(),
        "refusal": ClientRefusal.objects.filter(document=document).first(),
        "client_actions": hooks.document_actions(document, token),
    }
    context.update(extra)
    return context


@require_GET
@portal_view
def portal_document(request, access, document, token):
    PortalAccess.objects.filter(pk=access.pk).update(last_seen_at=timezone.now())
    if access.last_seen_at is None:  # the first time this link is opened: the members hear of it
        events.announce(events.OPENED, [document.pk])
    context = _portal_context(access, document, token, html=nonce_styles(request, _document_html(document)), refuse_form=RefuseForm())
    return render(request, "portal/document.html", context)


@require_GET
@portal_view
def portal_pdf(request, access, document, token):
    data, _digest = services.archived_pdf(document)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{(document.number or str(document.pk)).replace(chr(34), "")}.pdf"'
    return response


@require_GET
@portal_view
def portal_signed_pdf(request, access, document, token):
    evidence = SignatureEvidence.objects.filter(document=document).first()
    if evidence is None or not evidence.signed_pdf:
        raise Http404
    return FileResponse(evidence.signed_pdf.open("rb"), content_type="application/pdf", as_attachment=True,
                        filename=evidence.signed_pdf.name.rsplit("/", 1)[-1])


@require_POST
@portal_view
def portal_refuse(request, access, document, token):
    form = RefuseForm(request.POST)
    if form.is_valid():
        try:
            services.refuse_as_client(access=access, reason=form.cleaned_data["reason"], **_client_meta(request))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Your answer is recorded: you refused this document. The sender has been told."))
            return redirect("portal-document", token=token)
    context = _portal_context(access, document, token, html=nonce_styles(request, _document_html(document)), refuse_form=form)
    return render(request, "portal/document.html", context, status=400)


@require_http_methods(["GET", "POST"])
@portal_view
def portal_accept(request, access, document, token):
    statement = services.statement_for(document)
    status = 200
    if request.method == "POST":
        form = AcceptForm(request.POST, statement=statement)
        if form.is_valid():
            try:
                signature = services.start_signature(access=access, **form.cleaned_data, **_client_meta(request))
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return redirect("portal-confirm", token=token, request_id=signature.pk)
        status = 400
    else:
        form = AcceptForm(statement=statement, initial={"email": document.client.email})
    context = _portal_context(access, document, token, form=form, statement=statement)
    return render(request, "portal/accept.html", context, status=status)


def _pending_request(access, request_id) -> SignatureRequest:
    request = SignatureRequest.objects.filter(pk=request_id, access=access).first()
    if request is None:
        raise Http404
    return request


@require_http_methods(["GET", "POST"])
@portal_view
def portal_confirm(request, access, document, token, request_id):
    signature = _pending_request(access, request_id)
    if signature.verified_at:
        return redirect("portal-document", token=token)
    status = 200
    if request.method == "POST":
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                services.confirm_signature(access=access, request_id=signature.pk, code=form.cleaned_data["code"],
                                           **_client_meta(request))
            except ValidationError as exc:
                apply_errors(form, exc)
                signature.refresh_from_db()
            else:
                messages.success(request, _("Thank you: the document is accepted and signed. A signed copy is on its way to your inbox."))
                return redirect("portal-document", token=token)
        status = 400
    else:
        form = CodeForm()
    context = _portal_context(access, document, token, form=form, signature=signature,
                              masked_email=_mask(signature.email), attempts_left=services.MAX_ATTEMPTS - signature.attempts)
    return render(request, "portal/confirm.html", context, status=status)


@require_POST
@portal_view
def portal_resend(request, access, document, token, request_id):
    signature = _pending_request(access, request_id)
    try:
        services.resend_code(access=access, request_id=signature.pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("A new code is on its way to %(email)s. The previous one no longer works.")
                         % {"email": _mask(signature.email)})
    return redirect(reverse("portal-confirm", kwargs={"token": token, "request_id": signature.pk}))


def _mask(email: str) -> str:
    """j•••@example.org: enough for the signer to recognise their address."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"
