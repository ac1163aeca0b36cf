"""Pages of quotes, invoices and credit notes: the list, a new document, the draft editor (autosave),
the document page, the PDF and the activity's catalogue.

Views parse the request, read through ``selectors`` and change things only through ``services``;
a service's ValidationError is shown next to what it names and nothing typed is lost.
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from compagnon.core.csp import nonce_styles
from compagnon.core.params import choice_param, id_param, paginate, text_param
from compagnon.core.views_helpers import apply_errors, get_or_404

from . import selectors, services
from .forms import (
    UNIT_CHOICES,
    CatalogueItemForm,
    DepositForm,
    DocumentForm,
    NewDocumentForm,
    PartialForm,
    line_row,
    parse_decimal,
    parse_lines,
    show_decimal,
    vat_choices,
    vat_value,
)
from .freeze import snapshot
from .models import QUOTE_TRANSITIONS, Kind, LineKind, State
from .pdf import inline_stored_images, render_html
from .templatetags.sales_tags import Options
from .views_pdf import rendered_pdf_response

PAGE_SIZE = 25

TABS = {
    "all": (gettext_lazy("All"), {}),
    "quotes": (gettext_lazy("Quotes"), {"kind": [Kind.QUOTE]}),
    "invoices": (gettext_lazy("Invoices"), {"kind": [Kind.INVOICE, Kind.DEPOSIT]}),
    "credit_notes": (gettext_lazy("Credit notes"), {"kind": [Kind.CREDIT_NOTE]}),
    "drafts": (gettext_lazy("Drafts"), {"state": State.DRAFT}),
}

# What the button moving a quote to a state says.
TRANSITION_LABELS = {
    State.SENT: gettext_lazy("Mark as sent again"),
    State.ACCEPTED: gettext_lazy("Mark accepted"),
    State.REFUSED: gettext_lazy("Mark refused"),
    State.EXPIRED: gettext_lazy("Mark expired"),
    State.IN_PRODUCTION: gettext_lazy("Start production"),
}
INVOICEABLE_QUOTE_STATES = (State.ACCEPTED, State.IN_PRODUCTION, State.PARTIALLY_INVOICED)
EXEMPT_CATEGORIES = ("E", "AE", "K", "G", "O")


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _url(name: str, *args, query: dict | None = None) -> str | None:
    """The URL of a page another context may not have built yet (clients): None when it is missing."""
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(query)}" if query else url


def _client_links(client) -> dict:
    return {
        "client_url": _url("client-detail", client.pk),
        "client_edit_url": _url("client-edit", client.pk) or _url("client-detail", client.pk),
    }


def _require_change(user, document):
    if not user.has_perm("sales.change_document", document):
        raise PermissionDenied(_("Only the people working in this activity can change its documents."))


def _messages_of(exc: ValidationError) -> list[str]:
    return [m for msgs in exc.message_dict.values() for m in msgs] if hasattr(exc, "error_dict") else exc.messages


def _kind_label(document) -> str:
    return capfirst(document.get_kind_display())


# --- list -------------------------------------------------------------------------------------


@login_required
def document_list(request):
    tab = choice_param(request, "tab", TABS, default="all")
    q = text_param(request, "q")
    activity_id = id_param(request, "activity")
    client_id = id_param(request, "client")
    filters = TABS[tab][1]
    qs = selectors.document_list(
        request.user, kind=filters.get("kind", ""), state=filters.get("state", ""),
        activity_id=activity_id, client_id=client_id, search=q,
    )
    page = paginate(request, qs, PAGE_SIZE)
    mine = selectors.workable_activities(request.user)
    keep = {"tab": tab if tab != "all" else "", "q": q, "activity": activity_id or "", "client": client_id or ""}
    querystring = urlencode({k: v for k, v in keep.items() if v})
    context = {
        "page": page, "q": q, "tab": tab, "activity_id": activity_id, "client_id": client_id,
        "tabs": [(key, label, urlencode({k: v for k, v in {**keep, "tab": key if key != "all" else ""}.items() if v}))
                 for key, label in ((k, v[0]) for k, v in TABS.items())],
        "activities": mine, "can_create": bool(mine), "querystring": querystring,
        "show_activity": len(mine) != 1,
        "today": timezone.localdate(),
    }
    if request.htmx and request.htmx.target == "document-rows":
        return render(request, "sales/_document_rows.html", context)
    return render(request, "sales/document_list.html", context)


# --- new document -----------------------------------------------------------------------------


def _default_activity(user, activities):
    """Where a new document goes unless asked: the activity of the member's last document, else their
    own activity rather than a collective one, else the first."""
    by_pk = {a.pk: a for a in activities}
    if len(activities) == 1:
        return activities[0]
    last = (selectors.document_list(user).filter(created_by=user, activity_id__in=list(by_pk))
            .values_list("activity_id", flat=True).first())
    if last in by_pk:
        return by_pk[last]
    return next((a for a in activities if not a.is_collective), activities[0])


def _parse_key(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


@login_required
def document_create(request):
    """Choose the kind, activity and client of a new document. When the client is already known and
    the link carries a ``key`` ("New quote" on a client's page, back from creating a client), the
    draft is made at once and the editor opens; the key makes a reload open that same draft."""
    user = request.user
    activities = selectors.workable_activities(user)
    if not activities:
        return render(request, "sales/document_create.html", {"no_activity": True})
    by_pk = {a.pk: a for a in activities}
    data = request.POST if request.method == "POST" else None
    kind = choice_param(request, "kind", (Kind.QUOTE, Kind.INVOICE), default=Kind.QUOTE)
    chosen_client = None
    requested_client = id_param(request, "client")
    requested_activity = _int(data.get("activity")) if data is not None else id_param(request, "activity")
    activity = by_pk.get(requested_activity) or _default_activity(user, activities)
    if requested_client and data is None:
        # "new quote for this client": its activity (the one asked for first)
        for a in sorted(activities, key=lambda a: a.pk != activity.pk):
            try:
                chosen_client = selectors.client(user, a, requested_client)
            except ObjectDoesNotExist:
                continue
            activity = a
            break
    key = _parse_key(request.GET.get("key")) if data is None else None
    if chosen_client is not None and key is not None and not request.htmx:
        try:
            document, _existed = services.create_document_once(actor=user, activity=activity, client=chosen_client,
                                                               kind=kind, client_key=key)
        except ValidationError as exc:
            messages.error(request, " ".join(_messages_of(exc)))
        else:
            return redirect("document-detail", pk=document.pk)
    q = text_param(request, "q")
    form = NewDocumentForm(data, activities=activities,
                           initial={"kind": kind, "activity": activity.pk,
                                    "client": chosen_client.pk if chosen_client else None})
    if request.htmx and request.htmx.target == "client-choices":
        return render(request, "sales/_client_choices.html", {
            "clients": selectors.clients_for(user, activity, search=q), "q": q, "activity": activity,
            "chosen": chosen_client, "client_create_url": _client_create_url(activity, kind),
        })
    if data is not None and form.is_valid():
        activity = by_pk[form.cleaned_data["activity"]]
        try:
            client = selectors.client(user, activity, form.cleaned_data["client"])
        except ObjectDoesNotExist:
            form.add_error("client", _("Choose one of this activity's clients."))
        else:
            chosen_client = client
            try:
                document = services.create_document(actor=user, activity=activity, client=client,
                                                    kind=form.cleaned_data["kind"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return redirect("document-detail", pk=document.pk)
    if data is not None and chosen_client is None:
        chosen_client = next((c for c in selectors.clients_for(user, activity)
                              if c.pk == _int(data.get("client"))), None)
    return render(request, "sales/document_create.html", {
        "form": form, "activities": activities, "activity": activity, "q": q, "chosen": chosen_client,
        "clients": selectors.clients_for(user, activity, search=q),
        "client_create_url": _client_create_url(activity, kind),
    }, status=400 if data is not None else 200)


def _client_create_url(activity, kind) -> str | None:
    """"New client" from a new document: once created, back here with that client, straight into the
    editor (the key: one draft however often the page is reloaded)."""
    back = f"{reverse('document-create')}?{urlencode({'kind': kind, 'activity': activity.pk, 'key': uuid.uuid4()})}"
    return _url("client-create", query={"activity": activity.pk, "next": back})


# --- the draft editor -------------------------------------------------------------------------


def _safe_key(key: str, index: int) -> str:
    key = re.sub(r"[^A-Za-z0-9_-]", "", key or "")[:24]
    return key or f"r{index}"


def _rows_from_document(document) -> list[dict]:
    rows = [line_row(line, key=f"s{i}", entity=document.entity) for i, line in enumerate(document.lines.all(), start=1)]
    for n, row in enumerate(rows, start=1):
        row["number"] = n
    return rows


def _blank_row(document, kind: str = LineKind.ITEM, key: str | None = None, **values) -> dict:
    row = line_row(key=key or f"n{uuid.uuid4().hex[:10]}", entity=document.entity, kind=kind, **values)
    row["blank"] = not (row["description"] or "").strip()
    return row


def _header_errors(form) -> list[str]:
    out = list(form.non_field_errors())
    for name, errors in form.errors.items():
        if name in form.fields:
            out += [f"{form.fields[name].label}: {e}" for e in errors]
    return out


def _save_posted(request, document, *, reread: bool = True) -> dict:
    """Save what the editor posted through ``services.save_draft``.

    Returns what the editor needs to show the outcome: ``saved``, the (fresh) ``document``, the bound
    ``form``, the ``rows`` as typed, ``line_errors`` and ``error`` (a message not tied to a field).
    ``reread=False`` (the autosave): the fresh document is the one the service saved, with its lines
    and VAT breakdown only (2 queries instead of ``document_detail``'s 4 and its join).
    """
    form = DocumentForm(request.POST, document=document)
    rows, lines, line_errors = parse_lines(request.POST)
    for i, row in enumerate(rows):
        row["key"] = _safe_key(row["key"], i)
    result = {"saved": False, "document": document, "form": form, "rows": rows, "line_errors": line_errors,
              "error": None}
    if not form.is_valid() or line_errors:
        return result
    try:
        saved = services.save_draft(actor=request.user, document=document, lines=lines, **form.service_fields())
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            errors = exc.message_dict
            result["line_errors"] = errors.pop("lines", [])
            for field, msgs in errors.items():
                form.add_error(field if field in form.fields else None, msgs)
        else:
            result["error"] = " ".join(exc.messages)
        return result
    result["saved"] = True
    result["document"] = (selectors.document_detail(request.user, document.pk) if reread
                          else selectors.with_lines_and_vat(saved))
    saved_lines = list(result["document"].lines.all())
    for row, line in zip((r for r in rows if not r["blank"]), saved_lines, strict=False):
        row["net"] = line.net_amount
    return result


def _vat_choices_for(document, kept: tuple[str, ...]) -> list[tuple[str, str]]:
    """The VAT choices of an editor row; a credit note offers only its invoice's rates (what it may
    credit, see services.credit_ceiling_problems), plus a rate a row already has."""
    vats = vat_choices(document.entity, kept)
    if document.kind == Kind.CREDIT_NOTE and document.credited_id:
        invoiced = {vat_value(b.category, b.rate) for b in document.credited.vat_breakdown.all()}
        vats = [(v, label) for v, label in vats if v in invoiced or v in kept] or vats
    return vats


def _editor_context(request, document, *, form=None, rows=None, line_errors=(), error=None,
                    saved: bool | None = None) -> dict:
    if rows is None:
        rows = _rows_from_document(document)
        add = choice_param(request, "add", LineKind.values)
        if add or not rows:  # an empty draft opens with a line ready to type in
            rows.append(_blank_row(document, add or LineKind.ITEM))
    form = form or DocumentForm(document=document)
    vats = _vat_choices_for(document, tuple(r["vat"] for r in rows))
    exempt = bool(document.exemption_code) or any(r["vat"].split(":")[0] in EXEMPT_CATEGORIES for r in rows)
    client = document.client
    return {
        "document": document, "form": form, "rows": rows, "line_errors": list(line_errors), "error": error,
        "header_errors": _header_errors(form) if form.is_bound else [],
        "saved": saved if saved is not None else not (line_errors or error or (form.is_bound and form.errors)),
        "vat_choices": Options(vats), "units": Options(UNIT_CHOICES), "show_exemption": exempt,
        "more_open": bool(document.closing or document.terms or document.discount_percent
                          or document.discount_amount or document.charge_amount
                          or (form.is_bound and form.errors)),
        "templates": [_blank_row(document, kind, key="__KEY__") for kind in LineKind.values],
        "catalogue": list(selectors.catalogue(request.user, document.activity)),
        "catalogue_url": reverse("catalogue", args=[document.activity_id]),
        "address_missing": document.is_legal and not (client.street and client.postcode and client.city),
        **_client_links(client),
    }


def _render_editor(request, document, status=200, **kwargs):
    return render(request, "sales/editor.html", _editor_context(request, document, **kwargs), status=status)


@login_required
def document_detail(request, pk):
    """A draft opens in the editor for the people who may change it; anything else is the document page."""
    document = get_or_404(selectors.document_detail, request.user, pk)
    can_change = request.user.has_perm("sales.change_document", document)
    if document.is_draft and can_change:
        return _render_editor(request, document)
    return _render_document_page(request, document, can_change)


@login_required
@require_POST
def document_autosave(request, pk):
    """The editor posts itself here on every change (htmx, debounced); without JavaScript, on Save.

    Reads the document without its lines (the service locks and rereads it), then only the saved
    lines and VAT breakdown for the answer: 7 queries fewer than with ``document_detail`` twice."""
    document = get_or_404(selectors.document_for_edit, request.user, pk)
    _require_change(request.user, document)
    base = request.POST.get("base", "")  # the version the editor started from (offline edits)
    if base.isdigit() and int(document.updated_at.timestamp()) > int(base):
        return HttpResponse(status=409)  # changed elsewhere meanwhile: the phone shows both
    result = _save_posted(request, document, reread=False)
    if not request.htmx:
        if result["saved"]:
            messages.success(request, _("Saved."))
            add = request.POST.get("add")
            url = reverse("document-detail", args=[pk])
            return redirect(f"{url}?add={add}" if add in LineKind.values else url)
        if not document.is_draft:
            messages.error(request, result["error"] or _("This document can no longer be changed."))
            return redirect("document-detail", pk=pk)
        return _render_editor(request, document, status=400, form=result["form"], rows=result["rows"],
                              line_errors=result["line_errors"], error=result["error"])
    form = result["form"]
    context = {
        **result,
        "header_errors": _header_errors(form),
        "nets": [(row["key"], row.get("net")) for row in result["rows"] if row["kind"] == LineKind.ITEM],
    }
    return render(request, "sales/_autosave.html", context, status=200 if result["saved"] else 400)


@login_required
@require_GET
def document_line(request, pk):
    """One new editor row, for htmx: blank (``?kind=``) or filled from the catalogue (``?item=``)."""
    document = get_or_404(selectors.document_detail, request.user, pk)
    _require_change(request.user, document)
    if not document.is_draft:
        raise PermissionDenied(_("This document can no longer be changed."))
    item_id = id_param(request, "item") or id_param(request, "catalogue_item")
    if item_id:
        item = get_or_404(selectors.catalogue_item, request.user, document.activity, item_id)
        description = item.name + (f"\n{item.description}" if item.description else "")
        row = _blank_row(document, LineKind.ITEM, description=description, unit=item.unit,
                         unit_price=show_decimal(item.unit_price, 2),
                         vat=vat_value(item.vat_category, item.vat_rate))
    else:
        kind = choice_param(request, "kind", LineKind.values, default=LineKind.ITEM)
        row = _blank_row(document, kind)
    row["blank"] = False
    row["number"] = ""
    return render(request, "sales/_line.html", {
        "row": row, "vat_choices": _vat_choices_for(document, (row["vat"],)), "units": UNIT_CHOICES,
    })


# --- preview and PDF --------------------------------------------------------------------------


def _snapshot(document) -> dict:
    """What the document prints: frozen once issued or sent, computed on the fly for a draft."""
    if document.frozen and not document.is_draft:
        return document.frozen
    return snapshot(document, freeze_logo=False)


PDF_REFRESH_SECONDS = 2


def _preview_page(request, document, *, snap: dict | None = None, pdf_pending: bool = False) -> HttpResponse:
    """The document as HTML (what the PDF prints), with a bar back to the editor. ``pdf_pending``:
    shown by the PDF's URL while the task worker renders it; the page reloads itself and becomes
    the PDF as soon as it is ready."""
    html = render_html(snap if snap is not None else _snapshot(document), preview=True)
    # Frozen logos live in storage (a private bucket has no URL a browser may open): inlined.
    html = inline_stored_images(html)
    bar = render(request, "sales/_preview_bar.html", {"document": document, "pdf_pending": pdf_pending}).content.decode()
    head = '<head>\n<meta name="viewport" content="width=device-width, initial-scale=1">'
    if pdf_pending:
        head += f'\n<meta http-equiv="refresh" content="{PDF_REFRESH_SECONDS}">'
    html = html.replace("<head>", head, 1)
    html = re.sub(r"<body([^>]*)>", lambda m: f"<body{m.group(1)}>\n{bar}", html, count=1)
    response = HttpResponse(nonce_styles(request, html))
    if pdf_pending:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def document_preview(request, pk):
    return _preview_page(request, get_or_404(selectors.document_detail, request.user, pk))


@login_required
@require_GET
def document_pdf(request, pk):
    """The archived PDF of an issued (or sent) document. A draft's is rendered once per content by
    the task worker and kept a day in the preview cache; until it is there the member sees the
    HTML preview, which reloads itself into the PDF (``views_pdf.rendered_pdf_response``,
    docs/decisions/0016-draft-pdf-cache.md). Never archived."""
    document = get_or_404(selectors.document_detail, request.user, pk)
    if document.is_draft:
        name = slugify(f"{document.get_kind_display()} {_('draft')} {document.pk}") or f"draft-{document.pk}"
        snap = snapshot(document, freeze_logo=False)
        return rendered_pdf_response(request, document, snap, filename=f"{name}.pdf",
                                     pending=lambda: _preview_page(request, document, snap=snap, pdf_pending=True))
    if not document.pdf:
        messages.info(request, _("The PDF is being prepared. It will be ready in a moment."))
        return redirect("document-detail", pk=pk)
    filename = f"{document.number or document.pk}.pdf".replace("/", "-")
    return FileResponse(document.pdf.open("rb"), content_type="application/pdf", filename=filename)


@login_required
@require_GET
def document_pdf_status(request, pk):
    """Polled every 3 seconds by the document page until the archived PDF exists."""
    document = get_or_404(selectors.document_detail, request.user, pk)
    return render(request, "sales/_pdf_status.html", {"document": document})


# --- issue and send ---------------------------------------------------------------------------


def _problems(exc: ValidationError, document) -> list[dict]:
    """A service's refusal in plain words, each with the page where it is fixed."""
    links = _client_links(document.client)
    editor = reverse("document-detail", args=[document.pk])
    out = []
    if hasattr(exc, "error_dict"):
        for field, msgs in exc.message_dict.items():
            for m in msgs:
                if field == "client":
                    out.append({"text": m, "url": links["client_edit_url"],
                                "link": _("Edit the client %(name)s") % {"name": document.client.name}})
                elif field in ("lines", "credited") and document.is_draft:
                    out.append({"text": m, "url": editor, "link": _("Back to the draft")})
                else:
                    out.append({"text": m})
    else:
        out += [{"text": m} for m in exc.messages]
    return out


def _confirm(request, pk, *, action: str):
    """Issue an invoice / send a quote. The editor posts its content here (saved first, so what is
    issued is what is on screen), then the member goes on to the send page of the portal ("Issue and
    send", "Send": one step, ``portal.delivery``), reached by URL name: sales never imports it.

    Without that page (portal not installed) this one confirms; ``confirm=1`` issues only (an
    invoice) or marks the quote as sent without emailing it."""
    document = get_or_404(selectors.document_detail, request.user, pk)
    _require_change(request.user, document)
    if not document.is_draft:
        return redirect("document-detail", pk=pk)
    if (action == "issue") != document.is_legal:
        return redirect("document-send" if document.is_quote else "document-issue", pk=pk)
    send_url = _url("portal-send", pk)
    problems = []
    if request.method == "POST" and request.POST.get("confirm") != "1":
        result = _save_posted(request, document)
        if not result["saved"]:
            return _render_editor(request, document, status=400, form=result["form"], rows=result["rows"],
                                  line_errors=result["line_errors"], error=result["error"])
        if send_url:
            return redirect(send_url)
        document = result["document"]
    elif request.method == "POST":
        try:
            if action == "issue":
                document = services.issue_document(actor=request.user, document=document)
                messages.success(request, _("%(document)s issued. Its PDF is being prepared.") % {
                    "document": f"{_kind_label(document)} {document.number}"})
            else:
                document = services.change_quote_state(actor=request.user, document=document, to_state=State.SENT)
                messages.success(request, _("Quote %(number)s is marked as sent: nothing was emailed. "
                                            "Download its PDF below.") % {"number": document.number})
        except ValidationError as exc:
            problems = _problems(exc, document)
            document = selectors.document_detail(request.user, pk)
        else:
            return redirect("document-detail", pk=pk)
    elif send_url:
        return redirect(send_url)
    return render(request, "sales/confirm.html", {
        "document": document, "action": action, "problems": problems, **_client_links(document.client),
    }, status=400 if problems else 200)


@login_required
def document_issue(request, pk):
    return _confirm(request, pk, action="issue")


@login_required
def document_send(request, pk):
    return _confirm(request, pk, action="send")


# --- the document page (issued, sent, or a draft someone may only read) -------------------------


def _next_action(request, document, can_change) -> dict | None:
    """The one most useful step after this document, shown first on its page: send what is issued
    and unsent, then follow the money of what is sent. Pages of other contexts are reached by URL name."""
    if not can_change or document.is_draft:
        return None
    if document.is_legal and document.state == State.ISSUED:
        if not document.sent_at:
            url = _url("portal-send", document.pk)
            return {"label": _("Send"), "url": url, "hint": _("Issued, not sent to the client yet.")} if url else None
        if document.kind == Kind.CREDIT_NOTE:
            return None
        if request.user.has_perm("payments.match_payment", document.entity):
            url = _url("payments-queue", document.entity_id)
            if url:
                return {"label": _("Record a payment"), "url": url,
                        "hint": _("Match the client's bank transfer to this invoice.")}
        return {"label": _("See the payment"), "url": "#h-payment",
                "hint": _("Sent. The payment shows here as soon as the bank statement arrives.")}
    return None


def _render_document_page(request, document, can_change, status=200, **forms):
    deposits = [d for d in document.invoices.all() if d.kind == Kind.DEPOSIT and d.state == State.ISSUED]
    transitions = []
    if document.is_quote and can_change and not document.is_draft:
        transitions = [(s, TRANSITION_LABELS[s]) for s in QUOTE_TRANSITIONS.get(State(document.state), [])]
    context = {
        "document": document, "can_change": can_change,
        "events": selectors.document_history(request.user, document),
        "transitions": transitions,
        "next_action": _next_action(request, document, can_change),
        "can_invoice": can_change and document.is_quote and document.state in INVOICEABLE_QUOTE_STATES,
        "can_credit": can_change and document.kind in (Kind.INVOICE, Kind.DEPOSIT) and document.state == State.ISSUED,
        "can_duplicate": request.user.has_perm("members.work_in_activity", document.activity),
        "deposits_total": sum((d.tax_inclusive for d in deposits), Decimal("0")),
        "deposit_form": forms.get("deposit_form") or DepositForm(prefix="deposit"),
        "partial_form": forms.get("partial_form") or PartialForm(prefix="partial"),
        "lines": list(document.lines.all()),
        **_client_links(document.client),
    }
    return render(request, "sales/document_detail.html", context, status=status)


@login_required
@require_POST
def document_quote_state(request, pk):
    document = get_or_404(selectors.document_detail, request.user, pk)
    _require_change(request.user, document)
    to_state = request.POST.get("to_state", "")
    try:
        document = services.change_quote_state(actor=request.user, document=document, to_state=to_state)
    except ValidationError as exc:
        for m in _messages_of(exc):
            messages.error(request, m)
    else:
        messages.success(request, _("The quote is now %(state)s.") % {"state": document.get_state_display()})
    return redirect("document-detail", pk=pk)


@login_required
@require_POST
def document_invoice_from_quote(request, pk):
    """Deposit, partial or final invoice from an accepted quote: a new draft opens in the editor."""
    quote = get_or_404(selectors.document_detail, request.user, pk)
    _require_change(request.user, quote)
    mode = request.POST.get("mode")
    kwargs, forms = {}, {}
    if mode == "deposit":
        form = forms["deposit_form"] = DepositForm(request.POST, prefix="deposit")
        if form.is_valid():
            kwargs = {"percent": form.cleaned_data["percent"], "amount": form.cleaned_data["amount"]}
    elif mode == "partial":
        form = forms["partial_form"] = PartialForm(request.POST, prefix="partial")
        if form.is_valid():
            kwargs = {"percent": form.cleaned_data["percent"]}
    elif mode == "final":
        form = None
    else:
        raise Http404
    if form is None or form.is_valid():
        try:
            invoice = services.invoice_from_quote(actor=request.user, quote=quote, mode=mode, **kwargs)
        except ValidationError as exc:
            if form is None:
                for m in _messages_of(exc):
                    messages.error(request, m)
                return redirect("document-detail", pk=pk)
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(kind)s draft created from quote %(number)s: check it, then issue it.") % {
                "kind": _kind_label(invoice), "number": quote.number})
            send_url = mode == "final" and request.POST.get("then") == "send" and _url("portal-send", invoice.pk)
            return redirect(send_url or reverse("document-detail", args=[invoice.pk]))
    return _render_document_page(request, quote, True, status=400, **forms)


@login_required
def document_credit_note(request, pk):
    """Correct an issued invoice: all of it, or chosen lines and quantities. Opens the credit-note draft."""
    invoice = get_or_404(selectors.document_detail, request.user, pk)
    _require_change(request.user, invoice)
    if invoice.kind not in (Kind.INVOICE, Kind.DEPOSIT) or invoice.state != State.ISSUED:
        messages.error(request, _("Only an issued invoice can be credited."))
        return redirect("document-detail", pk=pk)
    lines = list(invoice.lines.all())
    errors, chosen = [], {}
    if request.method == "POST":
        credit_lines = None
        if request.POST.get("mode") == "partial":
            credit_lines = []
            for i, line in enumerate(lines):
                if line.kind != LineKind.ITEM or str(i) not in request.POST.getlist("line"):
                    continue
                raw = request.POST.get(f"qty_{i}", "")
                chosen[i] = raw
                try:
                    quantity = parse_decimal(raw)
                except ValueError:
                    quantity = None
                if quantity is None or quantity <= 0 or quantity > line.quantity:
                    errors.append(_("“%(line)s”: the quantity to credit must be more than 0 and at most %(max)s.") % {
                        "line": line.description[:60], "max": format(line.quantity.normalize(), "f")})
                    continue
                credit_lines.append({f: getattr(line, f) for f in services.LINE_FIELDS} | {"quantity": quantity})
            if not credit_lines and not errors:
                errors.append(_("Choose at least one line to credit."))
        if not errors:
            try:
                note = services.credit_note_for(actor=request.user, invoice=invoice, lines=credit_lines)
            except ValidationError as exc:
                errors += _messages_of(exc)
            else:
                messages.success(request, _("Credit note draft created: check it, then issue it."))
                return redirect("document-detail", pk=note.pk)
    rows = [{"index": i, "line": line, "checked": i in chosen,
             "quantity": chosen.get(i, format(line.quantity.normalize(), "f"))} for i, line in enumerate(lines)]
    return render(request, "sales/credit_note.html", {"invoice": invoice, "rows": rows, "errors": errors},
                  status=400 if errors else 200)


@login_required
@require_POST
def document_duplicate(request, pk):
    document = get_or_404(selectors.document_detail, request.user, pk)
    if not request.user.has_perm("members.work_in_activity", document.activity):
        raise PermissionDenied(_("Only the people working in this activity can make its documents."))
    try:
        copy = services.duplicate_document(actor=request.user, document=document)
    except ValidationError as exc:
        for m in _messages_of(exc):
            messages.error(request, m)
        return redirect("document-detail", pk=pk)
    messages.success(request, _("This is a copy of %(document)s: change what you need.") % {"document": document})
    return redirect("document-detail", pk=copy.pk)


@login_required
@require_POST
def document_delete(request, pk):
    document = get_or_404(selectors.document_detail, request.user, pk)
    _require_change(request.user, document)
    try:
        services.delete_draft(actor=request.user, document=document)
    except ValidationError as exc:
        for m in _messages_of(exc):
            messages.error(request, m)
        return redirect("document-detail", pk=pk)
    messages.success(request, _("Draft deleted."))
    return redirect("document-list")


# --- catalogue --------------------------------------------------------------------------------


def _catalogue_page(request, activity, form=None, status=200):
    can_change = request.user.has_perm("members.work_in_activity", activity)
    items = list(selectors.catalogue(request.user, activity, active=None))
    return render(request, "sales/catalogue.html", {
        "activity": activity, "can_change": can_change,
        "items": [i for i in items if i.active], "inactive": [i for i in items if not i.active],
        "form": form or (CatalogueItemForm(activity=activity) if can_change else None),
    }, status=status)


def _require_catalogue_change(user, activity):
    if not user.has_perm("members.work_in_activity", activity):
        raise PermissionDenied(_("Only the people working in this activity can change its catalogue."))


@login_required
def catalogue(request, pk):
    activity = get_or_404(selectors.activity, request.user, pk)
    if request.method != "POST":
        return _catalogue_page(request, activity)
    _require_catalogue_change(request.user, activity)
    form = CatalogueItemForm(request.POST, activity=activity)
    if form.is_valid():
        try:
            item = services.save_catalogue_item(actor=request.user, activity=activity, **form.service_fields())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s added to the catalogue.") % {"name": item.name})
            return redirect("catalogue", pk=pk)
    return _catalogue_page(request, activity, form=form, status=400)


@login_required
def catalogue_item_edit(request, pk, item_pk):
    activity = get_or_404(selectors.activity, request.user, pk)
    item = get_or_404(selectors.catalogue_item, request.user, activity, item_pk)
    _require_catalogue_change(request.user, activity)
    form = CatalogueItemForm(request.POST or None, activity=activity, item=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_catalogue_item(actor=request.user, activity=activity, item=item, **form.service_fields())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": form.cleaned_data["name"]})
            return redirect("catalogue", pk=pk)
    return render(request, "sales/catalogue_item.html", {"activity": activity, "item": item, "form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def catalogue_item_active(request, pk, item_pk):
    activity = get_or_404(selectors.activity, request.user, pk)
    item = get_or_404(selectors.catalogue_item, request.user, activity, item_pk)
    _require_catalogue_change(request.user, activity)
    active = request.POST.get("active") == "1"
    services.set_catalogue_item_active(actor=request.user, item=item, active=active)
    if active:
        messages.success(request, _("%(name)s is back in the catalogue.") % {"name": item.name})
    else:
        messages.success(request, _("%(name)s no longer appears when you add lines.") % {"name": item.name})
    return redirect("catalogue", pk=pk)
