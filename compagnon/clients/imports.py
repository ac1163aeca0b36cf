"""The CSV import of clients: read and check every row (a dry run shows what would happen), then
create the clients in one transaction. Every row goes through ``services.check_client``, the
rules the form and the API obey.

Keyword-only; one transaction each; permission checked again here and audited.
"""

from __future__ import annotations

import csv
import io
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.members.models import Activity

from .models import Client, ClientImport, ClientKind, ImportStatus
from .services import (
    CLIENT_FIELDS,
    _audit,
    _require_create,
    check_client,
    default_language,
)

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
    stored = None
    try:
        with transaction.atomic():
            client_import.file.save(original, uploaded_file, save=False)
            stored = client_import.file.name
            client_import.save()
            return _run_import(actor, client_import)
    except BaseException:
        # Rolled back: the file written for it would be an orphan (a killed process leaves one
        # for ``manage.py orphan_files``).
        if stored:
            client_import.file.storage.delete(stored)
        raise


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
