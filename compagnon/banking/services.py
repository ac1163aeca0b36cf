"""Every state change of bank accounts, their CSV mappings and imported statements.

Keyword-only; permission checked again here (``require``); one transaction each; audited.

Importing a statement (:func:`import_statement`): the file is read and checked completely first
(outside the transaction: ``camt.read`` or ``csvfile.read``), then, in **one** transaction, the
account row is locked (imports of one account queue up), the transactions already known are
looked up in one query per thousand fingerprints, the new ones are written with ``bulk_create``,
the statement is booked as **one** ledger entry (bank / suspense per new transaction) and the
new transactions are handed to the matchers registered in ``hooks`` (payments registers its
matching from its ``ready()``: banking never imports payments). Any problem, found
while reading or while writing, leaves nothing but a *rejected* statement: the file is kept with
the reason (``error``) and the place (``error_location``: "line:element-or-column").
"""

from __future__ import annotations

import codecs
import datetime
import hashlib
import logging
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from schwifty import BIC
from schwifty.exceptions import SchwiftyException

from compagnon import permissions  # noqa: F401 - registers the rules checked below
from compagnon.audit.services import record
from compagnon.core.services import require, snapshot
from compagnon.ledger.services import LineSpec, post_entry

from . import balances, camt, csvfile, hooks
from .models import (
    BankAccount,
    BankStatement,
    BankTransaction,
    CsvMapping,
    ImportState,
    StatementFormat,
)
from .reading import ReadStatement, StatementError, compact_iban, fingerprints

logger = logging.getLogger(__name__)

PERM = "banking.import_statement"
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
KNOWN_BATCH = 900  # fingerprints per lookup query (SQLite's variable limit stays far away)
ACCOUNT_FIELDS = ["name", "iban", "bic", "currency", "active"]
MAPPING_FIELDS = [
    "delimiter",
    "encoding",
    "skip_rows",
    "date_format",
    "decimal_comma",
    *csvfile.COLUMN_FIELDS,
]


def may_import(user, obj) -> bool:
    """Accountants and administrators of the entity (``obj``: entity, account or statement)."""
    return bool(user and user.is_authenticated and user.has_perm(PERM, obj))


# --- bank accounts ------------------------------------------------------------------------------


def _clean_account(account: BankAccount) -> None:
    account.iban = compact_iban(account.iban)
    account.bic = (account.bic or "").replace(" ", "").upper()
    account.currency = (account.currency or "EUR").upper()
    errors: dict[str, list[str]] = {}
    try:
        account.full_clean(exclude=["entity"], validate_constraints=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if account.bic and "bic" not in errors:
        try:
            BIC(account.bic)
        except SchwiftyException:
            errors["bic"] = [_("This BIC is not valid: 8 or 11 letters and digits, e.g. GKCCBEBB.")]
    if (
        account.iban
        and "iban" not in errors
        and BankAccount.objects.filter(iban=account.iban).exclude(pk=account.pk).exists()
    ):
        errors["iban"] = [_("This IBAN is already registered as a bank account.")]
    if errors:
        raise ValidationError(errors)


def _audit_account(actor, action, account, message, **kw):
    record(
        actor=actor,
        action=action,
        obj=account,
        message=message,
        params={"name": account.name, "iban": account.iban},
        entity=account.entity,
        **kw,
    )


@transaction.atomic
def create_bank_account(
    *,
    actor,
    entity,
    name: str,
    iban: str,
    bic: str = "",
    currency: str = "EUR",
    active: bool = True,
) -> BankAccount:
    require(actor, PERM, entity)
    account = BankAccount(
        entity=entity,
        name=(name or "").strip(),
        iban=iban,
        bic=bic,
        currency=currency,
        active=active,
    )
    _clean_account(account)
    account.save()
    _audit_account(
        actor,
        "bank_account.created",
        account,
        gettext_noop("Bank account %(name)s (%(iban)s) added"),
    )
    return account


@transaction.atomic
def update_bank_account(*, actor, account: BankAccount, **fields) -> BankAccount:
    account = BankAccount.objects.select_for_update().select_related("entity").get(pk=account.pk)
    require(actor, PERM, account)
    before = snapshot(account, ACCOUNT_FIELDS)
    for name, value in fields.items():
        if name not in ACCOUNT_FIELDS:
            raise TypeError(f"update_bank_account() does not change {name!r}")
        setattr(account, name, value.strip() if isinstance(value, str) else value)
    _clean_account(account)
    if account.iban != before["iban"] and account.statements.exists():
        raise ValidationError(
            {
                "iban": _(
                    "Statements were imported on this account: its IBAN cannot change. Add "
                    "the other account as a new one."
                )
            }
        )
    account.save()
    _audit_account(
        actor,
        "bank_account.updated",
        account,
        gettext_noop("Bank account %(name)s (%(iban)s) changed"),
        before=before,
        after=snapshot(account, ACCOUNT_FIELDS),
    )
    return account


# --- CSV mapping --------------------------------------------------------------------------------


def check_mapping(mapping: CsvMapping) -> None:
    """The rules of a mapping, as field errors."""
    errors: dict[str, list[str]] = {}
    if not (mapping.booking_date or "").strip():
        errors["booking_date"] = [_("Give the column of the booking date.")]
    if not mapping.amount and not (mapping.credit or mapping.debit):
        errors["amount"] = [
            _("Give the column of the signed amount, or the credit and debit columns.")
        ]
    if mapping.amount and (mapping.credit or mapping.debit):
        errors["amount"] = [
            _("Give either one signed amount column, or the credit and debit columns, not both.")
        ]
    fmt = mapping.date_format or ""
    try:
        sample = datetime.date(2026, 3, 31)
        ok = "%" in fmt and datetime.datetime.strptime(sample.strftime(fmt), fmt).date() == sample
    except ValueError:
        ok = False
    if not ok:
        errors["date_format"] = [
            _(
                "This date format does not give a full date: use codes such as %d/%m/%Y "
                "(31/03/2026) or %Y-%m-%d (2026-03-31)."
            )
        ]
    try:
        codecs.lookup(mapping.encoding or "")
    except LookupError:
        errors["encoding"] = [_("Unknown encoding: use utf-8, windows-1252 or iso-8859-1.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_csv_mapping(*, actor, account: BankAccount, **fields) -> CsvMapping:
    account = BankAccount.objects.select_for_update().select_related("entity").get(pk=account.pk)
    require(actor, PERM, account)
    mapping = CsvMapping.objects.filter(account=account).first() or CsvMapping(account=account)
    created = mapping.pk is None
    before = None if created else snapshot(mapping, MAPPING_FIELDS)
    for name, value in fields.items():
        if name not in MAPPING_FIELDS:
            raise TypeError(f"save_csv_mapping() does not set {name!r}")
        setattr(
            mapping,
            name,
            value.strip() if isinstance(value, str) and name != "delimiter" else value,
        )
    check_mapping(mapping)
    mapping.save()
    record(
        actor=actor,
        action="bank_account.csv_mapping_saved",
        obj=account,
        message=gettext_noop("CSV columns of bank account %(name)s saved"),
        params={"name": account.name},
        entity=account.entity,
        before=before,
        after=None if created else snapshot(mapping, MAPPING_FIELDS),
    )
    return mapping


def preview_csv(*, mapping: CsvMapping, data: bytes, currency: str = "EUR", rows: int = 5):
    """The first ``rows`` transactions of a sample file read with ``mapping`` (unsaved is fine).
    Returns (read statement, error or None); nothing is written."""
    try:
        return csvfile.read(data, mapping, currency=currency, limit=rows), None
    except StatementError as exc:
        return None, exc


# --- importing a statement -----------------------------------------------------------------------


def _other_file(data: bytes) -> str:
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:8]
    if start.startswith(b"PK\x03\x04"):
        return "zip"
    if start.startswith(b"%PDF"):
        return "pdf"
    return ""


def detect_format(data: bytes) -> str:
    """camt.053 (XML) or CSV; "" for files that are neither (a PDF, a ZIP archive)."""
    if _other_file(data):
        return ""
    return StatementFormat.CAMT053 if camt.looks_like_xml(data) else StatementFormat.CSV


def refuse_other_files(data: bytes) -> None:
    """Raise StatementError for a ZIP/workbook or a PDF (the page, the API and the command)."""
    other = _other_file(data)
    if other == "zip":
        raise StatementError(
            _(
                "This is a ZIP archive or a spreadsheet workbook, not a statement. Extract the "
                "camt.053 XML file, or save the sheet as CSV."
            ),
            line=1,
        )
    if other == "pdf":
        raise StatementError(
            _("This is a PDF. Download the statement from your bank as camt.053 (XML) or CSV."),
            line=1,
        )


def _read(account: BankAccount, data: bytes, fmt: str) -> ReadStatement:
    refuse_other_files(data)
    if fmt == StatementFormat.CAMT053:
        statement = camt.read(data)
        if statement.iban != compact_iban(account.iban):
            raise StatementError(
                _(
                    "This statement is for the account %(file_iban)s, not for %(name)s "
                    "(%(iban)s). Choose the account %(file_iban)s, or add it to the bank "
                    "accounts first."
                )
                % {"file_iban": statement.iban, "name": account.name, "iban": account.iban},
                line=statement.iban_line,
                place=statement.iban_place,
            )
        for line in statement.lines:
            if line.currency != account.currency:
                raise StatementError(
                    _(
                        "An entry of %(date)s is in %(currency)s, but the account %(name)s holds "
                        "%(account_currency)s."
                    )
                    % {
                        "date": line.booking_date.isoformat(),
                        "currency": line.currency,
                        "name": account.name,
                        "account_currency": account.currency,
                    },
                    line=line.line,
                )
        return statement
    mapping = CsvMapping.objects.filter(account=account).first()
    if mapping is None:
        raise StatementError(
            _(
                "The account %(name)s has no CSV column mapping yet: say which column holds "
                "what (bank account page, “CSV columns”), then upload the file again."
            )
            % {"name": account.name}
        )
    return csvfile.read(data, mapping, currency=account.currency)


def upload_statement(*, actor, account: BankAccount, uploaded_file) -> BankStatement:
    """Import a file uploaded through a page or the API (an ``UploadedFile``)."""
    require(actor, PERM, account)
    if uploaded_file is None or not getattr(uploaded_file, "size", 0):
        raise ValidationError(
            {"file": _("Choose a statement file: camt.053 (XML) or CSV.")}, code="required"
        )
    if uploaded_file.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            {
                "file": _("The file is %(size)s MB; the limit is %(max)s MB.")
                % {
                    "size": f"{uploaded_file.size / 1048576:.1f}",
                    "max": MAX_UPLOAD_BYTES // 1048576,
                }
            },
            code="too_big",
        )
    uploaded_file.seek(0)
    return import_statement(
        actor=actor, account=account, data=uploaded_file.read(), filename=uploaded_file.name or ""
    )


def import_statement(*, actor, account: BankAccount, data: bytes, filename: str) -> BankStatement:
    """Import a camt.053 or CSV statement into ``account``.

    Returns the statement: "imported" with its counts (``imported``, ``already_known``,
    ``matched``, ``to_match``), or "rejected" with ``error`` and ``error_location`` — then
    nothing else was written. Raises ``ValidationError`` only when there is no file to keep
    (empty, too big, closed account) and ``PermissionDenied`` for people who may not import.
    """
    require(actor, PERM, account)
    if not data:
        raise ValidationError({"file": _("The file is empty.")}, code="required")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            {
                "file": _("The file is %(size)s MB; the limit is %(max)s MB.")
                % {"size": f"{len(data) / 1048576:.1f}", "max": MAX_UPLOAD_BYTES // 1048576}
            },
            code="too_big",
        )
    if not account.active:
        raise ValidationError(
            {
                "account": _(
                    "The account %(name)s is closed: statements are no longer imported into it."
                )
                % {"name": account.name}
            },
            code="inactive",
        )
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1][:200] or "statement"
    digest = hashlib.sha256(data).hexdigest()
    fmt = detect_format(data)
    try:
        read = _read(account, data, fmt)
    except StatementError as exc:
        return _reject(actor, account, data, name, digest, fmt, exc)
    stored: list = []
    try:
        return _store(actor, account, data, name, digest, read, stored)
    except PermissionDenied:
        _remove(stored)
        raise
    except StatementError as exc:
        _remove(stored)
        return _reject(actor, account, data, name, digest, fmt, exc)
    except ValidationError as exc:  # the books refused the entry (closed period…)
        _remove(stored)
        message = " ".join(exc.messages)
        return _reject(
            actor,
            account,
            data,
            name,
            digest,
            fmt,
            StatementError(
                _("The statement could not be booked, so nothing was imported: %(reason)s")
                % {"reason": message}
            ),
        )
    except Exception:
        _remove(stored)
        logger.exception("Importing statement %s into bank account %s failed", name, account.pk)
        return _reject(
            actor,
            account,
            data,
            name,
            digest,
            fmt,
            StatementError(
                _(
                    "The import stopped on an unexpected error, so nothing was imported. The file is "
                    "kept; try again later or tell the support team."
                )
            ),
        )


def _remove(files) -> None:
    for f in files:
        try:
            f.storage.delete(f.name)
        except OSError:  # pragma: no cover - best effort
            logger.warning("Could not remove %s after a failed import", f.name)


def _storage_name(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    clean = get_valid_filename(stem)[:60] or "statement"
    return f"{clean}.{get_valid_filename(ext)[:10]}" if ext else clean


@transaction.atomic
def _reject(actor, account, data, name, digest, fmt, exc: StatementError) -> BankStatement:
    statement = BankStatement(
        account=account,
        format=fmt,
        filename=name,
        sha256=digest,
        state=ImportState.REJECTED,
        error=exc.message,
        error_location=exc.location[:200],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    statement.file.save(_storage_name(name), ContentFile(data), save=False)
    try:
        statement.save()
        record(
            actor=actor,
            action="bank_statement.rejected",
            obj=statement,
            # The reason stays on the statement: it is written in the uploader's language.
            message=gettext_noop(
                "Bank statement %(file)s refused for %(account)s: nothing imported"
            ),
            params={"file": name, "account": account.name},
            entity=account.entity,
        )
    except Exception:
        _remove([statement.file])
        raise
    return statement


@transaction.atomic
def _store(actor, account, data, name, digest, read: ReadStatement, stored: list) -> BankStatement:
    account = BankAccount.objects.select_for_update().select_related("entity").get(pk=account.pk)
    require(actor, PERM, account)
    statement = BankStatement(
        account=account,
        format=read.format,
        filename=name,
        sha256=digest,
        state=ImportState.IMPORTED,
        statement_id=read.statement_id,
        period_start=read.period_start,
        period_end=read.period_end,
        opening_balance=read.opening_balance,
        closing_balance=read.closing_balance,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if read.opening_balance is not None and read.closing_balance is not None:
        statement.entries_total = sum((line.amount for line in read.lines), Decimal("0"))
    if read.opening_balance is not None:
        previous = balances.previous_statement(statement)
        statement.previous_closing_balance = previous.closing_balance if previous else None
    statement.file.save(_storage_name(name), ContentFile(data), save=False)
    stored.append(statement.file)
    statement.save()

    prints = fingerprints(account.iban, read.lines)
    known = _known(account, prints)
    new = [
        BankTransaction(
            account=account,
            statement=statement,
            fingerprint=fp,
            booking_date=line.booking_date,
            value_date=line.value_date,
            amount=line.amount,
            currency=line.currency or account.currency,
            counterparty_name=line.counterparty_name,
            counterparty_iban=line.counterparty_iban,
            counterparty_bic=line.counterparty_bic,
            remittance=line.remittance,
            structured_reference=line.structured_reference,
            end_to_end_id=line.end_to_end_id,
            bank_reference=line.bank_reference,
            bank_code=line.bank_code,
        )
        for line, fp in zip(read.lines, prints, strict=True)
        if fp not in known
    ]
    BankTransaction.objects.bulk_create(new, batch_size=1000)
    _post(actor, account, statement, read, new)
    result = hooks.match_imported(new, actor=actor)
    statement.imported = len(new)
    statement.already_known = len(read.lines) - len(new)
    statement.matched = result.matched
    statement.to_match = result.to_match
    statement.save(update_fields=["imported", "already_known", "matched", "to_match"])
    record(
        actor=actor,
        action="bank_statement.imported",
        obj=statement,
        message=gettext_noop(
            "Bank statement %(file)s imported into %(account)s: %(imported)s new, %(known)s "
            "already known, %(matched)s matched automatically, %(to_match)s left to match"
        ),
        params={
            "file": name,
            "account": account.name,
            "imported": statement.imported,
            "known": statement.already_known,
            "matched": statement.matched,
            "to_match": statement.to_match,
        },
        entity=account.entity,
    )
    if statement.balance_mismatch:
        record(
            actor=actor,
            action="bank_statement.balance_mismatch",
            obj=statement,
            message=gettext_noop(
                "Bank statement %(file)s of %(account)s: the balances do not add up (closing "
                "balance off by %(difference)s, opening balance off by %(gap)s); entries may be "
                "missing"
            ),
            params={
                "file": name,
                "account": account.name,
                "difference": str(statement.balance_difference or 0),
                "gap": str(statement.opening_gap or 0),
            },
            entity=account.entity,
        )
    return statement


def _known(account: BankAccount, prints: list[str]) -> set[str]:
    known: set[str] = set()
    unique = list(dict.fromkeys(prints))
    for start in range(0, len(unique), KNOWN_BATCH):
        known.update(
            BankTransaction.objects.filter(
                account=account, fingerprint__in=unique[start : start + KNOWN_BATCH]
            ).values_list("fingerprint", flat=True)
        )
    return known


def _line_label(t: BankTransaction) -> str:
    who = t.counterparty_name or t.remittance or t.bank_code or t.bank_reference
    return f"{t.booking_date.isoformat()} {who}".strip()[:200]


def _post(actor, account, statement: BankStatement, read: ReadStatement, new) -> None:
    """One entry in the bank journal: per new transaction, bank and suspense (money in: bank
    debit / suspense credit; money out: the reverse). Dated the statement's last booking date;
    when the books refuse that date (closed period, or a later entry already in the journal:
    entries are numbered in date order) it is dated today."""
    lines = []
    for t in new:
        if not t.amount:
            continue
        label, value = _line_label(t), abs(t.amount)
        if t.amount > 0:
            lines += [
                LineSpec(role="bank", debit=value, label=label),
                LineSpec(role="suspense", credit=value, label=label),
            ]
        else:
            lines += [
                LineSpec(role="suspense", debit=value, label=label),
                LineSpec(role="bank", credit=value, label=label),
            ]
    if not lines:
        return
    label = _("Bank statement %(statement)s, %(account)s") % {
        "statement": statement.statement_id or statement.filename,
        "account": account.name,
    }
    today = timezone.localdate()
    date = min(read.last_booking_date or today, today)

    def post(on):
        return post_entry(
            actor=actor,
            entity=account.entity,
            journal_code="bank",
            date=on,
            label=label,
            lines=lines,
            source=statement,
            kind="import",
        )

    try:
        post(date)
    except ValidationError as exc:
        if date == today or "date" not in getattr(exc, "error_dict", {}):
            raise
        post(today)
