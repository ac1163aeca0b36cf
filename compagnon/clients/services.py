"""Every state change of clients, their contacts, relationship log and CSV imports.

Keyword-only; one transaction each; permission checked again here (``require``) and audited.
"""

from __future__ import annotations

import csv
import io
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon import permissions  # noqa: F401 - registers the rules checked below
from compagnon.audit.services import record
from compagnon.core.services import require, snapshot
from compagnon.jurisdictions.parties import INDIVIDUAL, default_peppol_id, validate_party
from compagnon.members.models import Activity, ActivityStatus

from .models import (
    COMMITMENT_KINDS,
    DOCUMENT_LANGUAGES,
    Client,
    ClientImport,
    ClientKind,
    Contact,
    EntryKind,
    ImportStatus,
    RelationshipEntry,
)

CLIENT_FIELDS = [
    "kind",
    "name",
    "email",
    "phone",
    "language",
    "payment_terms_days",
    "street",
    "postcode",
    "city",
    "country",
    "site_street",
    "site_postcode",
    "site_city",
    "company_number",
    "vat_number",
    "peppol_scheme",
    "peppol_id",
    "notes",
]
CONTACT_FIELDS = ["name", "role", "email", "phone", "is_primary"]
MAX_PAYMENT_TERMS_DAYS = 120


# --- who may add clients ---------------------------------------------------------------------


def may_create_client(user, activity: Activity) -> bool:
    """People working in the activity add its clients; so may the entity's administrators, who
    may already change every client of their entity (``clients.change_client``)."""
    if user is None or not user.is_authenticated:
        return False
    return user.has_perm("members.work_in_activity", activity) or user.has_perm(
        "clients.change_client", Client(activity=activity)
    )


def _require_create(actor, activity: Activity) -> None:
    if not may_create_client(actor, activity):
        raise PermissionDenied(_("You are not allowed to do this."))
    if activity.status == ActivityStatus.CLOSED:
        raise ValidationError(
            {"activity": _("This activity is closed: it takes no new clients.")}, code="closed"
        )


# --- the rules a client obeys, whichever door it comes through ------------------------------


def _merge(errors: dict, exc: ValidationError) -> dict:
    return exc.update_error_dict(errors)


def check_client(client: Client, *, derived_peppol: tuple[str, str] | None = None) -> None:
    """Normalise ``client`` in place and check every rule; raise ``ValidationError`` (a dict).

    The HTML form, the API and the CSV import all end here. ``derived_peppol`` is the Peppol id
    the previous identifiers gave: while the client still carries it, it follows the new ones.
    """
    errors: dict = {}
    for name in CLIENT_FIELDS:
        value = getattr(client, name)
        if isinstance(value, str):
            value = value.replace("\r\n", "\n").strip()
            if name not in ("notes",):
                value = " ".join(value.split())
            setattr(client, name, value)
    try:
        party = validate_party(
            client.country, client.kind, client.company_number, client.vat_number
        )
    except ValidationError as exc:
        errors = _merge(errors, exc)
    else:
        client.country = party["country"]
        client.company_number = party["company_number"]
        client.vat_number = party["vat_number"]
        _check_peppol(client, derived_peppol, errors)
    if client.payment_terms_days is not None and client.payment_terms_days > MAX_PAYMENT_TERMS_DAYS:
        errors = _merge(
            errors,
            ValidationError(
                {
                    "payment_terms_days": _(
                        "Payment terms are at most %(max)s days (the law caps most business terms at 60 days)."
                    )
                    % {"max": MAX_PAYMENT_TERMS_DAYS}
                }
            ),
        )
    try:
        client.full_clean(exclude=["activity", *errors], validate_unique=False)
    except ValidationError as exc:
        errors = _merge(errors, exc)
    if errors:
        raise ValidationError(errors)


def _check_peppol(client: Client, derived: tuple[str, str] | None, errors: dict) -> None:
    if client.kind == INDIVIDUAL:
        client.peppol_scheme = client.peppol_id = ""
        return
    current = (client.peppol_scheme, client.peppol_id)
    if current == ("", "") or (derived and derived != ("", "") and current == derived):
        client.peppol_scheme, client.peppol_id = default_peppol_id(
            client.country, client.company_number, client.vat_number
        )
        return
    if not client.peppol_scheme:
        errors["peppol_scheme"] = [
            ValidationError(_("Enter the scheme of this Peppol identifier, e.g. 0208."))
        ]
    elif not re.fullmatch(r"\d{4}", client.peppol_scheme):
        errors["peppol_scheme"] = [
            ValidationError(_("A Peppol scheme is a 4-digit code, e.g. 0208 or 0009."))
        ]
    if not client.peppol_id:
        errors["peppol_id"] = [
            ValidationError(_("Enter the identifier that goes with this scheme, or clear both."))
        ]


def _audit(actor, action: str, client: Client, message: str, params: dict | None = None, **kw):
    return record(
        actor=actor,
        action=action,
        obj=client,
        message=message,
        params={"name": client.name, **(params or {})},
        activity=client.activity,
        entity=client.activity.entity,
        **kw,
    )


def _locked(client: Client) -> Client:
    return (
        Client.objects.select_for_update(of=("self",))
        .select_related("activity__entity")
        .get(pk=client.pk)
    )


# --- clients --------------------------------------------------------------------------------


@transaction.atomic
def create_client(*, actor, activity: Activity, **fields) -> Client:
    """Add a client to ``activity``. Identifiers are normalised; the Peppol id is prefilled."""
    _require_create(actor, activity)
    unknown = set(fields) - set(CLIENT_FIELDS)
    if unknown:
        raise ValueError(f"Not client fields: {sorted(unknown)}")
    fields.setdefault("country", activity.entity.country)
    fields.setdefault("language", default_language(activity))
    client = Client(activity=activity, **fields)
    check_client(client)
    client.save()
    _audit(actor, "client.created", client, gettext_noop("Client %(name)s added"))
    return client


@transaction.atomic
def update_client(*, actor, client: Client, **fields) -> Client:
    client = _locked(client)
    require(actor, "clients.change_client", client)
    unknown = set(fields) - set(CLIENT_FIELDS)
    if unknown:
        raise ValueError(f"Not client fields: {sorted(unknown)}")
    before = snapshot(client, CLIENT_FIELDS)
    derived = default_peppol_id(client.country, client.company_number, client.vat_number)
    for name, value in fields.items():
        setattr(client, name, value)
    check_client(client, derived_peppol=derived)
    after = snapshot(client, CLIENT_FIELDS)
    if after == before:
        return client
    client.save()
    _audit(
        actor,
        "client.updated",
        client,
        gettext_noop("Details of client %(name)s updated"),
        before=before,
        after=after,
    )
    return client


@transaction.atomic
def archive_client(*, actor, client: Client) -> Client:
    """Hide a client from lists and new documents; its history stays."""
    return _set_archived(actor, client, True)


@transaction.atomic
def unarchive_client(*, actor, client: Client) -> Client:
    return _set_archived(actor, client, False)


def _set_archived(actor, client: Client, archived: bool) -> Client:
    client = _locked(client)
    require(actor, "clients.change_client", client)
    if client.archived == archived:
        return client
    client.archived = archived
    client.save(update_fields=["archived", "updated_at"])
    _audit(
        actor,
        "client.archived" if archived else "client.unarchived",
        client,
        gettext_noop("Client %(name)s archived")
        if archived
        else gettext_noop("Client %(name)s brought back from the archive"),
    )
    return client


def default_language(activity: Activity) -> str:
    codes = [code for code, _label in DOCUMENT_LANGUAGES]
    return activity.document_language if activity.document_language in codes else codes[0]


# --- contacts -------------------------------------------------------------------------------


def _clean_contact(contact: Contact) -> None:
    for name in ("name", "role", "email", "phone"):
        setattr(contact, name, " ".join((getattr(contact, name) or "").split()))
    contact.full_clean(exclude=["client"], validate_constraints=False)


@transaction.atomic
def add_contact(
    *,
    actor,
    client: Client,
    name: str,
    role: str = "",
    email: str = "",
    phone: str = "",
    is_primary: bool = False,
) -> Contact:
    """Add a person to talk to at ``client``. The first contact becomes the main one."""
    client = _locked(client)
    require(actor, "clients.change_client", client)
    contact = Contact(client=client, name=name, role=role, email=email, phone=phone)
    contact.is_primary = is_primary or not client.contacts.exists()
    _clean_contact(contact)
    if contact.is_primary:
        client.contacts.filter(is_primary=True).update(is_primary=False)
    contact.save()
    _audit(
        actor,
        "client.contact_added",
        client,
        gettext_noop("Contact %(contact)s added to client %(name)s"),
        {"contact": contact.name},
    )
    return contact


@transaction.atomic
def update_contact(*, actor, contact: Contact, **fields) -> Contact:
    client = _locked(contact.client)
    require(actor, "clients.change_client", client)
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"Not contact fields: {sorted(unknown)}")
    contact = Contact.objects.select_for_update().get(pk=contact.pk, client=client)
    before = snapshot(contact, CONTACT_FIELDS)
    for name, value in fields.items():
        setattr(contact, name, value)
    _clean_contact(contact)
    after = snapshot(contact, CONTACT_FIELDS)
    if after == before:
        return contact
    if contact.is_primary:
        client.contacts.exclude(pk=contact.pk).filter(is_primary=True).update(is_primary=False)
    contact.save()
    _audit(
        actor,
        "client.contact_updated",
        client,
        gettext_noop("Contact %(contact)s of client %(name)s updated"),
        {"contact": contact.name},
        before=before,
        after=after,
    )
    return contact


@transaction.atomic
def delete_contact(*, actor, contact: Contact) -> None:
    """Remove a contact. When it was the main one, the oldest remaining contact takes over."""
    client = _locked(contact.client)
    require(actor, "clients.change_client", client)
    contact = Contact.objects.select_for_update().get(pk=contact.pk, client=client)
    was_primary, name = contact.is_primary, contact.name
    contact.delete()
    if was_primary:
        successor = client.contacts.order_by("created_at", "id").first()
        if successor is not None:
            successor.is_primary = True
            successor.save(update_fields=["is_primary"])
    _audit(
        actor,
        "client.contact_removed",
        client,
        gettext_noop("Contact %(contact)s removed from client %(name)s"),
        {"contact": name},
    )


# --- relationship log -----------------------------------------------------------------------


@transaction.atomic
def add_relationship_entry(
    *,
    actor,
    client: Client,
    kind: str,
    title: str,
    date=None,
    body: str = "",
    due_on=None,
) -> RelationshipEntry:
    """Note a meeting, a commitment (ours or theirs, with its due date) or a reflection."""
    client = _locked(client)
    require(actor, "clients.change_client", client)
    entry = RelationshipEntry(
        client=client,
        kind=kind,
        title=" ".join((title or "").split()),
        body=(body or "").replace("\r\n", "\n").strip(),
        date=date or timezone.localdate(),
        author=actor,
    )
    # A due date only means something for a commitment; for anything else it is dropped.
    entry.due_on = due_on if kind in COMMITMENT_KINDS else None
    entry.full_clean(exclude=["client", "author"], validate_constraints=False)
    entry.save()
    _audit(
        actor,
        "client.relationship_entry_added",
        client,
        # The title and text stay out of the audit log: reflections can be personal.
        gettext_noop("New entry in the relationship log of %(name)s: %(kind)s"),
        {"kind": EntryKind(kind).label},
    )
    return entry


@transaction.atomic
def mark_commitment_done(
    *, actor, entry: RelationshipEntry, done: bool = True
) -> RelationshipEntry:
    client = _locked(entry.client)
    require(actor, "clients.change_client", client)
    entry = RelationshipEntry.objects.select_for_update().get(pk=entry.pk, client=client)
    if not entry.is_commitment:
        raise ValidationError(
            {"done": _("Only commitments are marked done.")}, code="not_a_commitment"
        )
    if entry.done == done:
        return entry
    entry.done = done
    entry.done_at = timezone.now() if done else None
    entry.save(update_fields=["done", "done_at"])
    _audit(
        actor,
        "client.commitment_done" if done else "client.commitment_reopened",
        client,
        gettext_noop("Commitment of %(date)s with %(name)s kept")
        if done
        else gettext_noop("Commitment of %(date)s with %(name)s reopened"),
        {"date": entry.date},
    )
    return entry


# --- CSV import -----------------------------------------------------------------------------

CSV_COLUMNS = [
    "kind",
    "name",
    "email",
    "phone",
    "language",
    "street",
    "postcode",
    "city",
    "country",
    "company_number",
    "vat_number",
    "payment_terms_days",
    "notes",
]
MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
MAX_REPORTED_ERRORS = 500
PREVIEW_ROWS = 20
# Words people write in the "kind" column, in the three interface languages.
KIND_WORDS = {
    "company": ClientKind.COMPANY,
    "business": ClientKind.COMPANY,
    "organisation": ClientKind.COMPANY,
    "organization": ClientKind.COMPANY,
    "entreprise": ClientKind.COMPANY,
    "société": ClientKind.COMPANY,
    "societe": ClientKind.COMPANY,
    "association": ClientKind.COMPANY,
    "bedrijf": ClientKind.COMPANY,
    "onderneming": ClientKind.COMPANY,
    "individual": ClientKind.INDIVIDUAL,
    "person": ClientKind.INDIVIDUAL,
    "private": ClientKind.INDIVIDUAL,
    "particulier": ClientKind.INDIVIDUAL,
    "personne": ClientKind.INDIVIDUAL,
    "privé": ClientKind.INDIVIDUAL,
    "prive": ClientKind.INDIVIDUAL,
}


class ImportFileError(Exception):
    """The file as a whole cannot be read as a CSV of clients."""


def _decode(raw: bytes) -> tuple[str, str]:
    if raw.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            _("This is a spreadsheet workbook, not a CSV file: save it as “CSV UTF-8” first.")
        )
    for bom, encoding in ((b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if raw.startswith(bom):
            return raw.decode(encoding), encoding
    try:
        text, encoding = raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV (semicolon separated)" in Windows-1252.
        try:
            text, encoding = raw.decode("cp1252"), "windows-1252"
        except UnicodeDecodeError:
            raise ImportFileError(
                _("The file is not text encoded in UTF-8: save it as “CSV UTF-8”.")
            ) from None
    if "\x00" in text:
        raise ImportFileError(_("This is not a text file: save your clients as “CSV UTF-8”."))
    return text, encoding


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _column(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().strip('"').lower())


def _read_rows(uploaded) -> tuple[list[str], list[tuple[int, list[str]]], dict]:
    """Header, data rows with their line number (line 1 is the header), and file facts."""
    uploaded.seek(0)
    raw = uploaded.read()
    if isinstance(raw, str):
        raw = raw.encode()
    if not raw.strip():
        raise ImportFileError(_("The file is empty."))
    text, encoding = _decode(raw)
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise ImportFileError(
            _("The file cannot be read as CSV near line %(line)s (%(error)s).")
            % {"line": reader.line_num, "error": exc}
        ) from None
    if not rows:
        raise ImportFileError(_("The file is empty."))
    header = [_column(c) for c in rows[0]]
    while header and not header[-1]:  # trailing empty columns left by spreadsheets
        header.pop()
    body = [
        (number, row)
        for number, row in enumerate(rows[1:], start=2)
        if any(cell.strip() for cell in row)
    ]
    return header, body, {"encoding": encoding, "delimiter": delimiter}


def _header_errors(header: list[str]) -> list[dict]:
    errors = []
    seen = set()
    for name in header:
        if name in seen:
            errors.append(
                {
                    "line": 1,
                    "field": name,
                    "message": _("This column appears twice."),
                }
            )
        seen.add(name)
        if name not in CSV_COLUMNS:
            errors.append(
                {
                    "line": 1,
                    "field": name or "?",
                    "message": _("Unknown column. The columns are: %(columns)s.")
                    % {"columns": ", ".join(CSV_COLUMNS)},
                }
            )
    if "name" not in header:
        errors.append({"line": 1, "field": "name", "message": _("The “name” column is required.")})
    return errors


def _row_data(header: list[str], row: list[str], activity: Activity) -> dict:
    values = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)}
    data = {name: values.get(name, "") for name in CSV_COLUMNS}
    kind = data["kind"].casefold()
    data["kind"] = KIND_WORDS.get(kind, kind) or ClientKind.COMPANY
    data["language"] = data["language"].lower() or default_language(activity)
    data["country"] = data["country"].upper() or activity.entity.country
    return data


def check_csv_rows(*, activity: Activity, uploaded) -> tuple[list[Client], dict]:
    """Read and check every line of a CSV file of clients, with the rules of the client form.

    Returns the unsaved clients of the valid lines and the report; nothing is written.
    """
    from .forms import ClientForm  # the form parses values exactly as on the page

    report: dict = {"total": 0, "valid": 0, "created": 0, "errors": [], "preview": []}
    try:
        header, rows, facts = _read_rows(uploaded)
    except ImportFileError as exc:
        report["errors"].append({"line": 0, "field": "", "message": str(exc)})
        return [], report
    report.update(facts, columns=header)
    report["errors"] = _header_errors(header)
    if report["errors"]:
        return [], report
    if len(rows) > MAX_IMPORT_ROWS:
        report["errors"].append(
            {
                "line": 0,
                "field": "",
                "message": _("The file has %(n)s lines; import at most %(max)s at a time.")
                % {"n": len(rows), "max": MAX_IMPORT_ROWS},
            }
        )
        return [], report

    existing_numbers = dict(
        Client.objects.filter(activity=activity)
        .exclude(company_number="")
        .values_list("company_number", "name")
    )
    existing_names = {
        n.casefold()
        for n in Client.objects.filter(activity=activity, company_number="").values_list(
            "name", flat=True
        )
    }
    seen_numbers: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    clients: list[Client] = []
    errors: list[dict] = []
    for line, row in rows:
        report["total"] += 1
        line_errors: dict[str, list[str]] = {}
        if len(row) > len(header) and any(c.strip() for c in row[len(header) :]):
            line_errors.setdefault("", []).append(
                _("This line has %(n)s cells but the header only %(m)s columns.")
                % {"n": len(row), "m": len(header)}
            )
        data = _row_data(header, row, activity)
        form = ClientForm(data=data, csv=True)
        form.is_valid()
        for field, messages in form.errors.items():
            line_errors.setdefault(field if field != "__all__" else "", []).extend(messages)
        fields = {
            name: form.cleaned_data.get(name) if name in form.cleaned_data else _blank(name)
            for name in CLIENT_FIELDS
        }
        client = Client(activity=activity, **fields)
        try:
            check_client(client)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                if field not in line_errors:
                    line_errors[field] = list(messages)
        if not line_errors:
            duplicate = _duplicate(
                client, line, existing_numbers, existing_names, seen_numbers, seen_names
            )
            if duplicate:
                line_errors[duplicate[0]] = [duplicate[1]]
        if line_errors:
            for field, messages in line_errors.items():
                for message in messages:
                    errors.append({"line": line, "field": field, "message": str(message)})
            continue
        clients.append(client)
        if len(report["preview"]) < PREVIEW_ROWS:
            report["preview"].append(
                {
                    "line": line,
                    "kind": client.kind,
                    "name": client.name,
                    "city": " ".join(filter(None, [client.postcode, client.city])),
                    "country": client.country,
                    "company_number": client.company_number,
                    "vat_number": client.vat_number,
                    "email": client.email,
                }
            )
    report["valid"] = len(clients)
    report["errors"] = errors[:MAX_REPORTED_ERRORS]
    report["more_errors"] = max(0, len(errors) - MAX_REPORTED_ERRORS)
    if not rows:
        report["errors"].append(
            {"line": 2, "field": "", "message": _("The file has a header but no client.")}
        )
    return clients, report


def _blank(name: str):
    return None if name == "payment_terms_days" else ""


def _duplicate(client, line, existing_numbers, existing_names, seen_numbers, seen_names):
    if client.company_number:
        number = client.company_number
        if number in existing_numbers:
            return (
                "company_number",
                _("%(name)s already has this company number in this activity.")
                % {"name": existing_numbers[number]},
            )
        if number in seen_numbers:
            return (
                "company_number",
                _("Line %(line)s already has this company number.")
                % {"line": seen_numbers[number]},
            )
        seen_numbers[number] = line
        return None
    name = client.name.casefold()
    if name in existing_names:
        return ("name", _("A client with this name already exists in this activity."))
    if name in seen_names:
        return ("name", _("Line %(line)s already has this name.") % {"line": seen_names[name]})
    seen_names[name] = line
    return None


@transaction.atomic
def import_clients_csv(*, actor, activity: Activity, uploaded_file, dry_run: bool) -> ClientImport:
    """Check (``dry_run``) or import a CSV file of clients into ``activity``.

    The file is kept in a :class:`ClientImport` whatever happens, with a report naming every
    faulty line ("line N: field: message"). A real import is all or nothing: one faulty line and
    no client is created. Raises ``ValidationError`` only when there is no usable upload at all.
    """
    _require_create(actor, activity)
    if uploaded_file is None or not getattr(uploaded_file, "size", 0):
        raise ValidationError({"file": _("Choose a CSV file of clients.")}, code="required")
    if uploaded_file.size > MAX_IMPORT_BYTES:
        raise ValidationError(
            {
                "file": _("The file is %(size)s MB; the limit is 2 MB.")
                % {"size": f"{uploaded_file.size / 1048576:.1f}"}
            },
            code="too_big",
        )
    original = (uploaded_file.name or "clients.csv").rsplit("/", 1)[-1][:200]
    client_import = ClientImport(
        activity=activity,
        uploaded_by=actor,
        dry_run=dry_run,
        original_name=original,
        status=ImportStatus.FAILED,
    )
    client_import.file.save(original, uploaded_file, save=False)
    client_import.save()
    return _run_import(actor, client_import)


@transaction.atomic
def confirm_client_import(*, actor, client_import: ClientImport) -> ClientImport:
    """Import a file that passed its check. It is checked again: clients may have been added."""
    client_import = (
        ClientImport.objects.select_for_update(of=("self",))
        .select_related("activity__entity")
        .get(pk=client_import.pk)
    )
    _require_create(actor, client_import.activity)
    if client_import.status == ImportStatus.IMPORTED:
        raise ValidationError(
            {"file": _("This file has already been imported.")}, code="already_imported"
        )
    if client_import.status == ImportStatus.FAILED:
        raise ValidationError(
            {"file": _("This file has errors: correct them and upload it again.")},
            code="has_errors",
        )
    client_import.dry_run = False
    return _run_import(actor, client_import)


def _run_import(actor, client_import: ClientImport) -> ClientImport:
    activity = client_import.activity
    with client_import.file.open("rb") as handle:
        clients, report = check_csv_rows(activity=activity, uploaded=handle)
    status = ImportStatus.FAILED
    if not report["errors"]:
        status = ImportStatus.DRY_RUN_OK
        if not client_import.dry_run:
            try:
                with transaction.atomic():
                    for client in clients:
                        client.save()
                        _audit(
                            actor,
                            "client.created",
                            client,
                            gettext_noop("Client %(name)s imported from %(file)s"),
                            {"file": client_import.original_name},
                        )
            except IntegrityError:
                report["errors"].append(
                    {
                        "line": 0,
                        "field": "",
                        "message": _(
                            "The clients could not be saved, so none was imported. Try again."
                        ),
                    }
                )
            else:
                status = ImportStatus.IMPORTED
                report["created"] = len(clients)
                client_import.imported_at = timezone.now()
    client_import.status = status
    client_import.report = report
    client_import.save()
    messages = {
        ImportStatus.DRY_RUN_OK: gettext_noop(
            "File %(file)s checked, clients ready to import: %(count)s"
        ),
        ImportStatus.IMPORTED: gettext_noop("Clients imported from %(file)s: %(count)s"),
        ImportStatus.FAILED: gettext_noop("File %(file)s refused, errors found: %(errors)s"),
    }
    record(
        actor=actor,
        action=f"client_import.{status}",
        obj=client_import,
        message=messages[status],
        params={
            "file": client_import.original_name,
            "count": report["created"] or report["valid"],
            "errors": len(report["errors"]) + report.get("more_errors", 0),
        },
        activity=activity,
        entity=activity.entity,
    )
    return client_import
