import csv
import io
import uuid
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon.core.params import choice_param, id_param, paginate, text_param
from compagnon.core.redirects import next_url
from compagnon.core.services import snapshot
from compagnon.core.views_helpers import apply_errors, get_or_404
from compagnon.jurisdictions.parties import country_name, format_company_number

from . import imports, selectors, services
from .forms import ClientForm, ContactForm, ImportForm, RelationshipEntryForm
from .models import ClientKind, ImportStatus

ARCHIVED_FILTERS = {"": False, "yes": True, "all": None}
ARCHIVED_LABELS = [
    ("", gettext_lazy("current clients")),
    ("yes", gettext_lazy("archived clients")),
    ("all", gettext_lazy("all clients")),
]
# What each CSV column takes, shown on the import page.
CSV_HELP = [
    ("kind", gettext_lazy("company or individual (empty: company)")),
    ("name", gettext_lazy("required: legal name, or first and last name")),
    ("email", gettext_lazy("where documents are sent")),
    ("phone", ""),
    (
        "language",
        gettext_lazy("language of the documents: fr, nl, en or de (empty: the activity's)"),
    ),
    ("street", gettext_lazy("street and number")),
    ("postcode", ""),
    ("city", ""),
    ("country", gettext_lazy("two-letter code: FR, BE, DE… (empty: the cooperative's)")),
    ("company_number", gettext_lazy("SIREN or SIRET in France, enterprise number in Belgium")),
    ("vat_number", gettext_lazy("with its country prefix, e.g. BE0403019261")),
    ("payment_terms_days", gettext_lazy("a number of days (empty: the activity's terms)")),
    ("notes", gettext_lazy("for you only")),
]


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _activity_choices(request, requested_id=None) -> list:
    """Activities the user may add clients to: those they work in, plus one asked for by id
    (``?activity=``) when they may add clients there (an entity administrator)."""
    mine = selectors.activities_for_new_client(request.user)
    requested = selectors.visible_activity(request.user, requested_id)
    if (
        requested is not None
        and requested not in mine
        and services.may_create_client(request.user, requested)
    ):
        mine = [requested, *mine]
    elif requested is not None and requested in mine:
        mine = [requested, *(a for a in mine if a != requested)]
    return mine


# --- list, create, edit ---------------------------------------------------------------------


@login_required
def client_list(request):
    user = request.user
    q = text_param(request, "q")
    kind = choice_param(request, "kind", ClientKind.values)
    archived = choice_param(request, "archived", ARCHIVED_FILTERS)
    activity_id = id_param(request, "activity")
    qs = selectors.client_list(
        user,
        search=q,
        kind=kind,
        archived=ARCHIVED_FILTERS[archived],
        activity_id=activity_id,
    )
    page = paginate(request, qs, 25)
    mine = selectors.activities_for_new_client(user)
    activity = next((a for a in mine if a.pk == activity_id), None)
    if activity_id and activity is None:
        activity = selectors.visible_activity(user, activity_id)
    can_create = bool(mine) or (activity is not None and services.may_create_client(user, activity))
    context = {
        "page": page,
        "q": q,
        "kind": kind,
        "archived": archived,
        "activity_id": activity_id,
        "activity": activity,
        "kinds": ClientKind.choices,
        "archived_choices": ARCHIVED_LABELS,
        "my_activities": mine,
        "can_create": can_create,
    }
    if request.htmx and request.htmx.target == "client-rows":
        return render(request, "clients/_client_rows.html", context)
    return render(request, "clients/client_list.html", context)


def with_query(url: str, **params) -> str:
    """``url`` (already checked safe by core.redirects) with ``params`` set in its query string."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    query += [(k, str(v)) for k, v in params.items()]
    return urlunsplit(parts._replace(query=urlencode(query)))


@login_required
def client_create(request):
    requested = _int(request.POST.get("activity")) or id_param(request, "activity")
    choices = _activity_choices(request, requested)
    if not choices:
        raise PermissionDenied(_("You can add clients to the activities you work in."))
    first = choices[0]
    form = ClientForm(
        request.POST or None,
        activities=choices,
        initial={
            "activity": first.pk,
            "country": first.entity.country,
            "language": services.default_language(first),
        },
    )
    if len(choices) == 1:
        form.fields["activity"].widget = forms.HiddenInput()
        form.fields["activity"].required = False
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        activity = data.pop("activity") or first
        try:
            client = services.create_client(actor=request.user, activity=activity, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Client %(name)s added.") % {"name": client.name})
            back = next_url(request, "")
            if back:  # created from inside a new document: back there with this client chosen
                return redirect(with_query(back, client=client.pk))
            return redirect("client-detail", pk=client.pk)
    back = next_url(request, "")
    return render(
        request,
        "clients/client_form.html",
        {"form": form, "client": None, "activity": first if len(choices) == 1 else None, "next": back},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def client_edit(request, pk):
    client = get_or_404(selectors.client_detail, request.user, pk)
    if not request.user.has_perm("clients.change_client", client):
        raise PermissionDenied(
            _("Only the people working in this activity can change its clients.")
        )
    form = ClientForm(request.POST or None, initial=snapshot(client, services.CLIENT_FIELDS))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_client(actor=request.user, client=client, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Client saved."))
            return redirect("client-detail", pk=client.pk)
    return render(
        request,
        "clients/client_form.html",
        {"form": form, "client": client, "activity": client.activity},
        status=400 if request.method == "POST" else 200,
    )


# --- detail, contacts, relationship log -----------------------------------------------------


def _detail_context(request, client, **forms_) -> dict:
    user = request.user
    can_change = user.has_perm("clients.change_client", client)
    context = {
        "client": client,
        "country_name": country_name(client.country, get_language()),
        "company_number": format_company_number(client.country, client.company_number),
        "contacts": list(selectors.contacts(user, client)),
        "can_change": can_change,
        "events": selectors.client_history(user, client),
        **_relationship_context(request, client, can_change),
    }
    if can_change:
        context["contact_form"] = forms_.get("contact_form") or ContactForm(prefix="contact")
        context["entry_form"] = forms_.get("entry_form") or RelationshipEntryForm(prefix="entry")
        # "New quote" opens the editor at once; the key makes a reload open that same draft
        context["new_quote_key"], context["new_invoice_key"] = uuid.uuid4(), uuid.uuid4()
    return context


def _relationship_context(request, client, can_change, **extra) -> dict:
    return {
        "client": client,
        "can_change": can_change,
        "timeline": selectors.timeline(request.user, client),
        "commitments": selectors.open_commitments(request.user, client),
        **extra,
    }


@login_required
def client_detail(request, pk):
    client = get_or_404(selectors.client_detail, request.user, pk)
    return render(request, "clients/client_detail.html", _detail_context(request, client))


def _changeable(request, pk):
    client = get_or_404(selectors.client_detail, request.user, pk)
    if not request.user.has_perm("clients.change_client", client):
        raise PermissionDenied(
            _("Only the people working in this activity can change its clients.")
        )
    return client


@login_required
@require_POST
def client_archive(request, pk):
    client = _changeable(request, pk)
    services.archive_client(actor=request.user, client=client)
    messages.success(
        request,
        _("%(name)s is archived: it no longer appears in your lists.") % {"name": client.name},
    )
    return redirect("client-detail", pk=client.pk)


@login_required
@require_POST
def client_unarchive(request, pk):
    client = _changeable(request, pk)
    services.unarchive_client(actor=request.user, client=client)
    messages.success(request, _("%(name)s is back in your clients.") % {"name": client.name})
    return redirect("client-detail", pk=client.pk)


@login_required
@require_POST
def contact_add(request, pk):
    client = _changeable(request, pk)
    form = ContactForm(request.POST, prefix="contact")
    if form.is_valid():
        try:
            contact = services.add_contact(actor=request.user, client=client, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Contact %(name)s added.") % {"name": contact.name})
            return redirect(reverse("client-detail", args=[client.pk]) + "#contacts")
    return render(
        request,
        "clients/client_detail.html",
        _detail_context(request, client, contact_form=form),
        status=400,
    )


def _contact(request, client, contact_pk):
    return get_or_404(selectors.contacts(request.user, client).get, pk=contact_pk)


@login_required
def contact_edit(request, pk, contact_pk):
    client = _changeable(request, pk)
    contact = _contact(request, client, contact_pk)
    form = ContactForm(request.POST or None, initial=snapshot(contact, services.CONTACT_FIELDS))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_contact(actor=request.user, contact=contact, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Contact saved."))
            return redirect(reverse("client-detail", args=[client.pk]) + "#contacts")
    return render(
        request,
        "clients/contact_form.html",
        {"form": form, "client": client, "contact": contact},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def contact_delete(request, pk, contact_pk):
    client = _changeable(request, pk)
    contact = _contact(request, client, contact_pk)
    services.delete_contact(actor=request.user, contact=contact)
    messages.success(request, _("Contact %(name)s removed.") % {"name": contact.name})
    return redirect(reverse("client-detail", args=[client.pk]) + "#contacts")


def _relationship_response(request, client, *, form=None, saved: str = "", error: str = ""):
    """The relationship log partial, with the open commitments swapped out of band."""
    context = _relationship_context(
        request,
        client,
        True,
        entry_form=form or RelationshipEntryForm(prefix="entry"),
        saved=saved,
        error=error,
        oob=True,
    )
    return render(request, "clients/_relationship_response.html", context)


@login_required
@require_POST
def entry_add(request, pk):
    client = _changeable(request, pk)
    form = RelationshipEntryForm(request.POST, prefix="entry")
    if form.is_valid():
        try:
            services.add_relationship_entry(actor=request.user, client=client, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if request.htmx:
                return _relationship_response(request, client, saved=_("Added to the log."))
            messages.success(request, _("Added to the log."))
            return redirect(reverse("client-detail", args=[client.pk]) + "#relationship")
    if request.htmx:
        # htmx swaps 2xx answers only: the form comes back with its errors and what was typed.
        return _relationship_response(request, client, form=form)
    return render(
        request,
        "clients/client_detail.html",
        _detail_context(request, client, entry_form=form),
        status=400,
    )


@login_required
@require_POST
def entry_done(request, pk, entry_pk):
    client = _changeable(request, pk)
    entry = get_or_404(selectors.entry_detail, request.user, client, entry_pk)
    done = request.POST.get("done", "1") != "0"
    saved = error = ""
    try:
        services.mark_commitment_done(actor=request.user, entry=entry, done=done)
    except ValidationError as exc:
        error = " ".join(m for msgs in exc.message_dict.values() for m in msgs)
    else:
        saved = _("Commitment marked as kept.") if done else _("Commitment reopened.")
    if request.htmx:
        return _relationship_response(request, client, saved=saved, error=error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, saved)
    return redirect(reverse("client-detail", args=[client.pk]) + "#relationship")


# --- CSV import -----------------------------------------------------------------------------


@login_required
def client_import(request):
    requested = _int(request.POST.get("activity")) or id_param(request, "activity")
    choices = _activity_choices(request, requested)
    form = ImportForm(request.POST or None, request.FILES or None, activities=choices)
    if len(choices) == 1:
        form.fields["activity"].widget = forms.HiddenInput()
        form.fields["activity"].required = False
    if request.method == "POST":
        if not choices:
            raise PermissionDenied(_("You can import clients into the activities you work in."))
        if form.is_valid():
            try:
                client_import = imports.import_clients_csv(
                    actor=request.user,
                    activity=form.cleaned_data["activity"] or choices[0],
                    uploaded_file=form.cleaned_data["file"],
                    dry_run=True,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return redirect("client-import-detail", pk=client_import.pk)
    return render(
        request,
        "clients/import.html",
        {
            "form": form,
            "can_import": bool(choices),
            "activity": choices[0] if len(choices) == 1 else None,
            "imports": selectors.client_imports(request.user),
            "columns": CSV_HELP,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def client_import_detail(request, pk):
    client_import = get_or_404(selectors.client_import_detail, request.user, pk)
    can_confirm = client_import.status == ImportStatus.DRY_RUN_OK and services.may_create_client(
        request.user, client_import.activity
    )
    return render(
        request,
        "clients/import_detail.html",
        {"imp": client_import, "report": client_import.report, "can_confirm": can_confirm},
    )


@login_required
@require_POST
def client_import_confirm(request, pk):
    client_import = get_or_404(selectors.client_import_detail, request.user, pk)
    if not services.may_create_client(request.user, client_import.activity):
        raise PermissionDenied(_("You can import clients into the activities you work in."))
    try:
        client_import = imports.confirm_client_import(
            actor=request.user, client_import=client_import
        )
    except ValidationError as exc:
        for msgs in exc.message_dict.values():
            for m in msgs:
                messages.error(request, m)
        return redirect("client-import-detail", pk=client_import.pk)
    if client_import.status == ImportStatus.IMPORTED:
        messages.success(
            request,
            _("Clients imported: %(count)s.") % {"count": client_import.report.get("created", 0)},
        )
        return redirect(f"{reverse('client-list')}?activity={client_import.activity_id}")
    messages.error(
        request, _("The file no longer passes the check: nothing was imported. See why below.")
    )
    return redirect("client-import-detail", pk=client_import.pk)


@login_required
def client_import_file(request, pk):
    client_import = get_or_404(selectors.client_import_detail, request.user, pk)
    return FileResponse(
        client_import.file.open("rb"),
        as_attachment=True,
        filename=client_import.original_name or "clients.csv",
        content_type="text/csv",
    )


TEMPLATE_ROWS = [
    # kind, name, email, phone, language, street, postcode, city, country, company_number,
    # vat_number, payment_terms_days, notes
    [
        "company",
        "Syndic Les Hortensias",
        "compta@hortensias.example",
        "+33 2 40 00 00 00",
        "fr",
        "4 rue des Lilas",
        "44000",
        "Nantes",
        "FR",
        "123456782",
        "FR11123456782",
        "30",
        "",
    ],
    [
        "company",
        "Groene Vingers BV",
        "factuur@groenevingers.example",
        "+32 9 000 00 00",
        "nl",
        "Kouter 1",
        "9000",
        "Gent",
        "BE",
        "0123456749",
        "BE0123456749",
        "",
        "",
    ],
    [
        "individual",
        "Jeanne Martin",
        "jeanne.martin@example.org",
        "+33 6 00 00 00 00",
        "fr",
        "8 allée des Tilleuls",
        "44300",
        "Nantes",
        "FR",
        "",
        "",
        "",
        "Garden behind the house",
    ],
]


@login_required
def client_import_template(request):
    """A CSV to fill in: the columns and three examples. Semicolons for French and Dutch
    readers (what their spreadsheet expects), commas otherwise; a BOM so accents survive Excel."""
    delimiter = ";" if (get_language() or "")[:2] in ("fr", "nl") else ","
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(imports.CSV_COLUMNS)
    writer.writerows(TEMPLATE_ROWS)
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="clients-template.csv"'
    return response
