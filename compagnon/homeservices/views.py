"""The member's pages: invoices prepared from sheets ("Invoices to send"), tax certificates, URSSAF
registration and requests, the survey results about their own work. 404 outside one's scope."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from compagnon import permissions
from compagnon.clients.models import Client
from compagnon.core.params import bool_param, int_param, paginate
from compagnon.core.views_helpers import apply_errors, error_messages, run_action
from compagnon.sales.models import Document

from . import certificates, immediate, invoicing, rules, surveys
from .forms import RegisterForm, SettingsForm
from .models import FieldInvoiceState, InvoicingPreference, UrssafClient


def _invoices(user):
    return (
        rules.field_invoices(user)
        .select_related("contract", "document__client", "activity")
        .order_by("period_end", "id")
    )


@login_required
def index(request):
    """Invoices to send: those ready (one tap for all, or one by one), those held, those still
    collecting the period's sheets, and the activities' automatic-sending choice."""
    qs = _invoices(request.user)
    ready = list(qs.filter(state__in=[FieldInvoiceState.READY, FieldInvoiceState.HELD]))
    collecting = list(qs.filter(state=FieldInvoiceState.COLLECTING))
    activities = list(
        permissions.activities(request.user)
        .filter(field_contracts__isnull=False)
        .distinct()
        .prefetch_related(Prefetch("field_invoicing"))
        .order_by("name", "id")
    )
    prefs = {p.activity_id: p for p in InvoicingPreference.objects.filter(activity__in=activities)}
    requests = (
        rules.urssaf_requests(request.user).select_related("document").order_by("-created_at")[:20]
    )
    return render(
        request,
        "homeservices/index.html",
        {
            "ready": ready,
            "collecting": collecting,
            "sendable": [f for f in ready if f.state == FieldInvoiceState.READY],
            "activities": [(a, prefs.get(a.pk)) for a in activities],
            "urssaf_requests": requests,
            "page_key": uuid.uuid4().hex,
        },
    )


def _field_invoice(request, pk):
    return get_object_or_404(_invoices(request.user), pk=pk)


@login_required
@require_POST
def send_one(request, pk):
    fi = _field_invoice(request, pk)
    try:
        result = invoicing.issue_and_send(
            actor=request.user, field_invoice=fi, key=request.POST.get("key") or None
        )
    except ValidationError as exc:
        error_messages(request, exc)
        return redirect("homeservices-index")
    if result.sent:
        messages.success(
            request,
            _("Invoice %(number)s issued and sent.")
            % {"number": result.field_invoice.document.number},
        )
    else:
        messages.warning(
            request,
            _("Invoice %(number)s issued, not sent: %(reason)s")
            % {"number": result.field_invoice.document.number, "reason": result.message},
        )
    return redirect("homeservices-index")


@login_required
@require_POST
def send_all(request):
    ready = [
        f
        for f in _invoices(request.user).filter(state=FieldInvoiceState.READY)
        if request.user.has_perm("sales.change_document", f.document)
    ]
    results = invoicing.send_all(actor=request.user, field_invoices=ready)
    sent = sum(1 for r in results if r.sent)
    if sent:
        messages.success(
            request,
            ngettext("%(n)s invoice issued and sent.", "%(n)s invoices issued and sent.", sent)
            % {"n": sent},
        )
    for r in results:
        if not r.sent:
            messages.warning(
                request,
                _("%(client)s: %(reason)s")
                % {"client": r.field_invoice.document.client.name, "reason": r.message},
            )
    return redirect("homeservices-index")


@login_required
@require_POST
def hold(request, pk):
    fi = _field_invoice(request, pk)
    held = bool_param(request.POST, "held", default=True)
    return run_action(
        request,
        invoicing.hold,
        field_invoice=fi,
        held=held,
        success=_("Held: it will not be sent without you.")
        if held
        else _("Released: it can be sent."),
        redirect_to=reverse("homeservices-index"),
    )


@login_required
@require_POST
def preference(request, activity_id):
    activity = get_object_or_404(permissions.activities(request.user), pk=activity_id)
    on = bool_param(request.POST, "send_automatically", default=False)
    return run_action(
        request,
        invoicing.set_preference,
        activity=activity,
        send_automatically=on,
        success=_("Your choice is saved."),
        redirect_to=reverse("homeservices-index"),
    )


# --- tax certificates ----------------------------------------------------------------------------


@login_required
def certificate_list(request):
    year = int_param(request, "year", min_value=2000, max_value=2100)
    qs = (
        rules.certificates(request.user)
        .select_related("client", "activity")
        .order_by("-year", "client__name", "-version")
    )
    if year:
        qs = qs.filter(year=year)
    return render(
        request,
        "homeservices/certificates.html",
        {"page": paginate(request, qs, 50), "year": year, "declarations": certificates.declarations(request.user)},
    )



@login_required
def entity_settings(request, entity_id):
    """An administrator sets the declaration number and signatory printed on certificates."""
    from compagnon.organisation.models import Entity

    if entity_id not in permissions.scope_for(request.user).admin_entities:
        raise Http404
    entity = get_object_or_404(Entity, pk=entity_id)
    current = certificates.settings_for(entity)
    form = SettingsForm(
        request.POST or None,
        initial={"sap_number": current.sap_number, "signatory": current.signatory},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                certificates.save_settings(actor=request.user, entity=entity, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Saved: the next certificates print it."))
                return redirect("homeservices-certificates")
        status = 400
    return render(
        request,
        "homeservices/settings.html",
        {"entity": entity, "form": form},
        status=status,
    )


@login_required
def certificate_pdf(request, pk):
    cert = get_object_or_404(rules.certificates(request.user), pk=pk)
    return _pdf_response(cert)


def _pdf_response(cert):
    if not cert.pdf:
        raise Http404(_("The PDF is being prepared: try again in a minute."))
    return FileResponse(
        cert.pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=False,
        filename=f"attestation-{cert.year}-v{cert.version}.pdf",
    )


# --- immediate advance -----------------------------------------------------------------------------


@login_required
def urssaf_register(request, client_id):
    client = get_object_or_404(
        permissions.scoped_by_activity(request.user, Client.objects.all()), pk=client_id
    )
    if not request.user.has_perm("clients.change_client", client):
        raise PermissionDenied
    registered = UrssafClient.objects.filter(client=client).first()
    form = RegisterForm(
        request.POST or None,
        initial={
            "email": client.email,
            "street": client.street,
            "postcode": client.postcode,
            "city": client.city,
            "holder": client.name,
        },
    )
    status = 200
    if request.method == "POST" and registered is None:
        if form.is_valid():
            try:
                immediate.register_client(actor=request.user, client=client, person=form.person())
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request, _("%(client)s is registered with URSSAF.") % {"client": client.name}
                )
                return redirect("homeservices-urssaf-register", client_id=client.pk)
        status = 400
    return render(
        request,
        "homeservices/urssaf_register.html",
        {"client": client, "form": form, "registered": registered},
        status=status,
    )


@login_required
@require_POST
def urssaf_request(request, document_id):
    document = get_object_or_404(
        permissions.scoped_by_activity(request.user, Document.objects.all()).select_related(
            "activity", "entity", "client"
        ),
        pk=document_id,
    )
    return run_action(
        request,
        immediate.request_payment,
        document=document,
        success=_("Sent to URSSAF: the client validates it in their URSSAF space."),
        redirect_to=reverse("homeservices-index"),
    )


# --- surveys ------------------------------------------------------------------------------------


@login_required
def survey_results(request):
    mine = rules.my_surveys(request.user)
    answered = (
        mine.filter(answered_at__isnull=False).select_related("client").order_by("-answered_at")
    )
    return render(
        request,
        "homeservices/surveys.html",
        {
            "summary": surveys.summary(mine),
            "page": paginate(request, answered, 30),
            "sectors": surveys.sector_summaries(rules.sector_ids(request.user)),
            "minimum": surveys.MIN_ANSWERS,
        },
    )
