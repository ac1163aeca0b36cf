"""Every state change of transfer batches.

Keyword-only; one transaction each; the batch is locked (``select_for_update``), the permission
``payouts.manage_batch`` (accountants and administrators of the entity) is checked again here and
every change is audited on the entity's log.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import CharField, Max, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon import permissions  # noqa: F401 - registers the rules checked below
from compagnon.audit.services import record
from compagnon.core.formatting import text_list
from compagnon.core.services import require
from compagnon.ledger.models import Account
from compagnon.ledger.services import ensure_chart
from compagnon.sales.models import Document, Kind, State

from . import books, checks, selectors, sepa
from .models import (
    AccountScheme,
    BatchState,
    LineState,
    PayoutBatch,
    PayoutLine,
    Purpose,
    Scheme,
)

PERM = "payouts.manage_batch"
MAX_DAYS_AHEAD = 365
ID_PREFIX = "CMP"  # Compagnon: message ids CMP<batch>-<time>, end-to-end ids CMP-<batch>-<line>


# --- helpers --------------------------------------------------------------------------------


def _lock(batch: PayoutBatch) -> PayoutBatch:
    return PayoutBatch.objects.select_for_update(of=("self",)).select_related("entity", "account").get(pk=batch.pk)


def _require_draft(batch: PayoutBatch) -> None:
    if batch.state != BatchState.DRAFT:
        raise ValidationError(
            {"state": _("This batch is %(state)s: its transfers can no longer change. Cancel it and "
                        "prepare a new one if something is wrong.") % {"state": batch.get_state_display()}},
            code="not_draft",
        )


def _check_date(value, errors: dict, field: str = "requested_execution_date") -> None:
    today = timezone.localdate()
    if not isinstance(value, datetime.date):
        errors[field] = [_("Choose the day the bank should pay.")]
    elif value < today:
        errors[field] = [_("The execution date %(date)s is in the past: choose today or a later day.")
                         % {"date": value.isoformat()}]
    elif value > today + datetime.timedelta(days=MAX_DAYS_AHEAD):
        errors[field] = [_("The execution date is at most one year ahead.")]


def _check_account(account, errors: dict, field: str = "account") -> None:
    if not account.active:
        errors[field] = [_("This bank account is no longer in use: choose an active one.")]
        return
    if account.currency != "EUR":
        errors[field] = [_("SEPA transfers are in euros; this account is in %(currency)s.")
                         % {"currency": account.currency}]
        return
    try:
        checks.iban(account.iban)
        checks.bic(account.bic)
    except ValidationError as exc:
        errors[field] = [_("The account's details are not usable: %(problem)s") % {"problem": " ".join(exc.messages)}]


def _check_scheme(scheme: str, errors: dict) -> None:
    if scheme not in Scheme.values:
        errors["scheme"] = [_("Choose the file format: %(choices)s.") % {"choices": ", ".join(Scheme.values)}]


def _check(errors: dict, field: str, rule, *args):
    """Run one rule; on failure note its messages under ``field`` and return None (a field already
    refused is not checked again)."""
    if field in errors:
        return None
    try:
        return rule(*args)
    except ValidationError as exc:
        errors.setdefault(field, []).extend(exc.messages)
        return None


def _line_values(batch: PayoutBatch, *, creditor_name, iban, bic, amount, remittance_kind, remittance,
                 end_to_end_id, errors: dict, taken: bool = True) -> dict:
    """The checked SEPA fields of a line. ``taken``: also refuse an end-to-end id another line of
    the batch has (one query; ``add_lines`` checks a whole set at once instead)."""
    values = {
        "creditor_name": _check(errors, "creditor_name", checks.creditor_name, creditor_name),
        "iban": _check(errors, "iban", checks.iban, iban),
        "bic": _check(errors, "bic", checks.bic, bic),
        "amount": _check(errors, "amount", checks.amount, amount),
    }
    found = _check(errors, "remittance", checks.remittance, remittance_kind or "", remittance)
    if found:
        values["remittance_kind"], values["remittance"] = found
    if end_to_end_id:
        ident = _check(errors, "end_to_end_id", checks.end_to_end_id, end_to_end_id)
        if taken and ident and batch.lines.filter(end_to_end_id=ident).exists():
            errors["end_to_end_id"] = [_taken_message(ident)]
        values["end_to_end_id"] = ident
    return values


def _taken_message(ident: str) -> str:
    return _("Another transfer of this batch already has the end-to-end id %(id)s; each transfer needs its "
             "own.") % {"id": ident}


def _insert_line(*, actor, batch: PayoutBatch, **fields) -> PayoutLine:
    """Save a checked line at the end of the batch; its end-to-end id is CMP-<batch>-<line> unless
    one was typed."""
    typed = fields.pop("end_to_end_id", "") or ""
    position = (batch.lines.aggregate(m=Max("position"))["m"] or 0) + 1
    line = PayoutLine(batch=batch, position=position, created_by=actor,
                      end_to_end_id=typed or uuid.uuid4().hex, **fields)
    try:
        with transaction.atomic():
            line.save()
            if not typed:
                line.end_to_end_id = f"{ID_PREFIX}-{batch.pk}-{line.pk}"
                line.save(update_fields=["end_to_end_id"])
    except IntegrityError:
        if line.source_document_id:
            raise ValidationError({"credit_note": _("This credit note was just added to a batch by someone "
                                                    "else: it is refunded only once.")}) from None
        raise ValidationError({"end_to_end_id": _("Another transfer of this batch already has this "
                                                  "end-to-end id; each transfer needs its own.")}) from None
    return line


# The account a transfer settles when the caller names none: a role of the entity's chart.
DEFAULT_ROLES = {
    Purpose.REFUND: "receivable",
    Purpose.EXPENSE: "member_current",
    Purpose.SUPPLIER: "supplier",
    Purpose.SALARY: "salaries_payable",
    Purpose.ADVANCE: "member_current",
}


def resolve_account(entity, account, purpose: str) -> Account:
    """The ``Account`` of ``entity`` a line settles: ``account`` as given (an Account, a role or a
    number of the chart) or the purpose's default role. Raises ValidationError."""
    if isinstance(account, Account):
        if account.entity_id != entity.pk:
            raise ValidationError(_("Account %(code)s belongs to another entity's books.") % {"code": account.code})
        return account
    wanted = (account or DEFAULT_ROLES[purpose]).strip()
    lookup = {"code": wanted} if wanted.isdigit() else {"role": wanted, "vat_rate__isnull": True}
    found = Account.objects.filter(entity=entity, **lookup).first()
    if found is None:
        ensure_chart(entity)
        found = Account.objects.filter(entity=entity, **lookup).first()
    if found is None:
        raise ValidationError(_("The chart of accounts of %(entity)s has no account %(what)s.")
                              % {"entity": entity.name, "what": wanted})
    return found


def _audit(*, actor, batch: PayoutBatch, action: str, message: str, params: dict | None = None,
           before=None, after=None) -> None:
    record(actor=actor, action=f"payout_batch.{action}", obj=batch, message=message,
           params={"batch": batch.pk, **(params or {})}, entity=batch.entity, before=before, after=after)


# --- batches --------------------------------------------------------------------------------


@transaction.atomic
def create_batch(*, actor, account, requested_execution_date, scheme: str = "") -> PayoutBatch:
    """A draft batch paid from ``account`` (which gives the entity).

    ``scheme`` empty: the account's usual format (pain.001.001.09 unless chosen otherwise). A
    format chosen explicitly becomes the account's usual one.
    """
    require(actor, PERM, account.entity)
    errors: dict = {}
    _check_account(account, errors)
    _check_date(requested_execution_date, errors)
    if scheme:
        _check_scheme(scheme, errors)
    if errors:
        raise ValidationError(errors)
    if scheme:
        AccountScheme.objects.update_or_create(account=account, defaults={"scheme": scheme})
    else:
        scheme = selectors.account_scheme(account)
    batch = PayoutBatch.objects.create(entity=account.entity, account=account, scheme=scheme,
                                       requested_execution_date=requested_execution_date, created_by=actor)
    _audit(actor=actor, batch=batch, action="created",
           message=gettext_noop("Transfer batch %(batch)s prepared: paid from %(account)s on %(date)s, "
                                "file format %(scheme)s."),
           params={"account": str(account), "date": requested_execution_date, "scheme": scheme})
    return batch


@transaction.atomic
def update_batch(*, actor, batch: PayoutBatch, requested_execution_date=None, scheme: str = "") -> PayoutBatch:
    """Change a draft's execution date or file format (the format is remembered for the account)."""
    batch = _lock(batch)
    require(actor, PERM, batch.entity)
    _require_draft(batch)
    before = {"requested_execution_date": batch.requested_execution_date, "scheme": batch.scheme}
    errors: dict = {}
    if requested_execution_date is not None:
        _check_date(requested_execution_date, errors)
        batch.requested_execution_date = requested_execution_date
    if scheme:
        _check_scheme(scheme, errors)
        batch.scheme = scheme
    if errors:
        raise ValidationError(errors)
    if scheme:
        AccountScheme.objects.update_or_create(account=batch.account, defaults={"scheme": scheme})
    batch.save(update_fields=["requested_execution_date", "scheme"])
    after = {"requested_execution_date": batch.requested_execution_date, "scheme": batch.scheme}
    if before != after:
        _audit(actor=actor, batch=batch, action="updated",
               message=gettext_noop("Transfer batch %(batch)s changed: paid on %(date)s, file format %(scheme)s."),
               params={"date": batch.requested_execution_date, "scheme": batch.scheme}, before=before, after=after)
    return batch


def refund_text(note: Document) -> str:
    """What the client reads on their statement, in their language."""
    language = note.client.language or note.language or "en"
    with translation.override(language):
        if note.credited_id and note.credited.number:
            text = _("Refund of credit note %(number)s (invoice %(invoice)s)") % {
                "number": note.number, "invoice": note.credited.number}
        else:
            text = _("Refund of credit note %(number)s") % {"number": note.number}
    return text[: checks.TEXT_MAX]


@transaction.atomic
def add_refund_line(*, actor, batch: PayoutBatch, credit_note: Document, iban: str = "", bic: str = "",
                    amount=None, creditor_name: str = "", remittance_kind: str = "", remittance: str = "",
                    end_to_end_id: str = "") -> PayoutLine:
    """Refund an issued credit note of the batch's entity to its client.

    By default: the credit note's amount due, the client's name, the IBAN the client is known to
    pay from (``selectors.known_iban``; else it must be typed), and "Refund of credit note …" in
    the client's language. A credit note is refunded by one batch at most (cancelled ones aside).
    """
    batch = _lock(batch)
    require(actor, PERM, batch.entity)
    _require_draft(batch)
    note = (Document.objects.select_for_update(of=("self",)).select_related("client", "credited", "activity")
            .get(pk=credit_note.pk))
    if note.kind != Kind.CREDIT_NOTE or note.state != State.ISSUED or note.entity_id != batch.entity_id:
        raise ValidationError({"credit_note": _("Only an issued credit note of %(entity)s can be refunded "
                                                "from this batch.") % {"entity": batch.entity.name}})
    if note.currency != "EUR":
        raise ValidationError({"credit_note": _("Credit note %(number)s is in %(currency)s: SEPA transfers are in "
                                                "euros.") % {"number": note.number, "currency": note.currency}})
    taken = selectors.refunded(note.pk).select_related("batch").first()
    if taken is not None:
        raise ValidationError({"credit_note": _(
            "Credit note %(number)s is already refunded in transfer batch %(batch)s (%(state)s); cancel that "
            "batch first to refund it again.") % {"number": note.number, "batch": taken.batch_id,
                                                  "state": taken.batch.get_state_display()}},
            code="already_refunded")
    total = note.payable if note.payable > 0 else note.tax_inclusive
    iban = iban or selectors.known_iban(note.client)
    errors: dict = {}
    if not (iban or "").strip():
        errors["iban"] = [_("Type the client's IBAN: no account of theirs is known yet.")]
    values = _line_values(
        batch,
        creditor_name=creditor_name or note.client.name[: checks.NAME_MAX],
        iban=iban, bic=bic,
        amount=total if amount in (None, "") else amount,
        remittance_kind=remittance_kind if remittance else "",
        remittance=remittance or refund_text(note),
        end_to_end_id=end_to_end_id, errors=errors,
    )
    if values.get("amount") and values["amount"] > total:
        errors["amount"] = [_("The refund cannot exceed the credit note's total, %(total)s EUR.") % {"total": total}]
    if errors:
        raise ValidationError(errors)
    line = _insert_line(actor=actor, batch=batch, purpose=Purpose.REFUND, source_document=note,
                        client=note.client, activity=note.activity,
                        debit_account=resolve_account(batch.entity, None, Purpose.REFUND), **values)
    _audit(actor=actor, batch=batch, action="line_added",
           message=gettext_noop("Refund of credit note %(number)s to %(name)s, %(amount)s EUR, added to "
                                "transfer batch %(batch)s."),
           params={"number": note.number, "name": line.creditor_name, "amount": str(line.amount)})
    return line


def _typed_line(batch: PayoutBatch, errors: dict, accounts: dict, *, creditor_name: str, iban: str, amount,
                purpose: str = Purpose.SUPPLIER, bic: str = "", remittance_kind: str = "", remittance: str = "",
                end_to_end_id: str = "", client=None, debit_account=None, activity=None,
                taken: bool = True) -> dict:
    """The checked fields of one transfer of ``add_line``/``add_lines`` (their keyword arguments);
    what is wrong goes into ``errors`` by field. ``accounts`` remembers the accounts resolved per
    (debit_account, purpose), so a set of lines reads each once."""
    if purpose not in Purpose.values:
        errors["purpose"] = [_("Choose what the transfer is for: %(purposes)s.")
                             % {"purposes": text_list(Purpose.labels, "or")}]
    if client is not None and client.activity.entity_id != batch.entity_id:
        errors["client"] = [_("This client belongs to another entity than the batch.")]
    if activity is None and client is not None:
        activity = client.activity
    if activity is not None and activity.entity_id != batch.entity_id:
        errors["activity"] = [_("This activity belongs to another entity than the batch.")]
    account = None
    if "purpose" not in errors:
        if isinstance(debit_account, Account):  # no query
            account = _check(errors, "debit_account", resolve_account, batch.entity, debit_account, purpose)
        else:
            key = ((debit_account or "").strip(), purpose)
            if key not in accounts:
                try:
                    accounts[key] = resolve_account(batch.entity, debit_account, purpose)
                except ValidationError as exc:
                    accounts[key] = exc
            account = accounts[key]
            if isinstance(account, ValidationError):
                errors["debit_account"], account = list(account.messages), None
    values = _line_values(batch, creditor_name=creditor_name, iban=iban, bic=bic, amount=amount,
                          remittance_kind=remittance_kind, remittance=remittance, end_to_end_id=end_to_end_id,
                          errors=errors, taken=taken)
    return {"purpose": purpose, "client": client, "debit_account": account, "activity": activity, **values}


@transaction.atomic
def add_line(*, actor, batch: PayoutBatch, creditor_name: str, iban: str, amount, purpose: str = Purpose.SUPPLIER,
             bic: str = "", remittance_kind: str = "", remittance: str = "", end_to_end_id: str = "",
             client=None, debit_account=None, activity=None) -> PayoutLine:
    """A transfer to add to a draft batch: typed by hand, or asked for by another context (expenses,
    purchases, payroll), which keeps the returned line and hears of it through ``signals``.

    ``debit_account``: the ledger account the transfer settles — an ``Account`` of the batch's
    entity, or a role or number of its chart ("supplier", "salaries_payable", "401"…); by default
    the payable of the purpose (``DEFAULT_ROLES``). ``activity``: the activity it belongs to (its
    analytic axis in the books), ``None`` for the cooperative's own. Both are booked when the batch
    is sent (see ``ledger_lines``). Many transfers at once: ``add_lines``.
    """
    batch = _lock(batch)
    require(actor, PERM, batch.entity)
    _require_draft(batch)
    errors: dict = {}
    fields = _typed_line(batch, errors, {}, creditor_name=creditor_name, iban=iban, amount=amount, purpose=purpose,
                         bic=bic, remittance_kind=remittance_kind, remittance=remittance,
                         end_to_end_id=end_to_end_id, client=client, debit_account=debit_account, activity=activity)
    if errors:
        raise ValidationError(errors)
    line = _insert_line(actor=actor, batch=batch, **fields)
    _audit(actor=actor, batch=batch, action="line_added",
           message=gettext_noop("Transfer to %(name)s, %(amount)s EUR (%(purpose)s), added to transfer batch "
                                "%(batch)s."),
           params={"name": line.creditor_name, "amount": str(line.amount),
                   "purpose": Purpose(line.purpose).label})
    return line


BULK_SIZE = 1000  # rows per INSERT of add_lines (PostgreSQL takes at most 65,535 parameters a statement)


def _line_error(number: int, name, field: str, messages) -> dict:
    """``{"lines.N.field": ["Line N (name), field: message"]}``, as ``check_lines`` names them."""
    label = PayoutLine._meta.get_field(field).verbose_name
    return {f"lines.{number}.{field}": [
        _("Line %(number)s (%(name)s), %(field)s: %(message)s")
        % {"number": number, "name": str(name or "")[:40], "field": label, "message": m} for m in messages]}


@transaction.atomic
def add_lines(*, actor, batch: PayoutBatch, lines: list[dict]) -> list[PayoutLine]:
    """Many transfers at once (a month's net salaries): ``lines`` is a list of ``add_line``'s
    keyword arguments. All or nothing: one wrong line saves none, and the errors name each wrong
    line as ``lines.N.field`` (N counts the given lines from 1). Returns the saved lines in order,
    each with its end-to-end id (CMP-<batch>-<line> unless typed), as ``add_line`` would.

    A constant number of queries however many lines: one lock, one permission check, one account
    lookup per distinct (debit_account, purpose), one read of the typed end-to-end ids and of the
    last position, ``ceil(n / BULK_SIZE)`` inserts, one update and one audit event for the set.
    Pass clients with their activity already read (``select_related``).
    """
    batch = _lock(batch)
    require(actor, PERM, batch.entity)
    _require_draft(batch)
    if not lines:
        return []
    errors: dict = {}

    def fail(number, name, field, messages):
        for key, found in _line_error(number, name, field, messages).items():
            errors.setdefault(key, []).extend(found)

    accounts: dict = {}
    checked = []
    for number, kwargs in enumerate(lines, start=1):
        problems: dict = {}
        fields = _typed_line(batch, problems, accounts, taken=False, **kwargs)
        for field, messages in problems.items():
            fail(number, kwargs.get("creditor_name"), field, messages)
        checked.append(fields)
    typed: dict[str, int] = {}
    for number, fields in enumerate(checked, start=1):
        ident = fields.get("end_to_end_id")
        if not ident:
            continue
        if ident in typed:
            fail(number, fields["creditor_name"], "end_to_end_id", [
                _("line %(other)s has the same end-to-end id; each transfer needs its own.") % {"other": typed[ident]}])
        typed.setdefault(ident, number)
    if typed:
        for ident in batch.lines.filter(end_to_end_id__in=list(typed)).values_list("end_to_end_id", flat=True):
            number = typed[ident]
            fail(number, checked[number - 1]["creditor_name"], "end_to_end_id", [_taken_message(ident)])
    if errors:
        raise ValidationError(errors)
    start = batch.lines.aggregate(m=Max("position"))["m"] or 0
    token = f"~{uuid.uuid4().hex[:12]}-"  # "~" is no SEPA character: never a typed id
    made = [PayoutLine(batch=batch, position=start + number, created_by=actor,
                       **{**fields, "end_to_end_id": fields.get("end_to_end_id") or f"{token}{number}"})
            for number, fields in enumerate(checked, start=1)]
    try:
        with transaction.atomic():
            made = PayoutLine.objects.bulk_create(made, batch_size=BULK_SIZE)
            if len(typed) < len(made):
                (PayoutLine.objects.filter(batch=batch, end_to_end_id__startswith=token)
                 .update(end_to_end_id=Concat(Value(f"{ID_PREFIX}-{batch.pk}-"), Cast("pk", CharField()))))
    except IntegrityError:
        raise ValidationError({"end_to_end_id": _("Another transfer of this batch already has this "
                                                  "end-to-end id; each transfer needs its own.")}) from None
    for line in made:
        if line.end_to_end_id.startswith(token):
            line.end_to_end_id = f"{ID_PREFIX}-{batch.pk}-{line.pk}"
    _audit(actor=actor, batch=batch, action="lines_added",
           message=gettext_noop("Transfers added to transfer batch %(batch)s: %(count)s, total %(total)s EUR."),
           params={"count": len(made), "total": str(sum((line.amount for line in made), Decimal("0")))})
    return made


@transaction.atomic
def remove_line(*, actor, line: PayoutLine) -> None:
    batch = _lock(line.batch)
    require(actor, PERM, batch.entity)
    _require_draft(batch)
    line = PayoutLine.objects.select_related("source_document").get(pk=line.pk, batch=batch)
    number = line.source_document.number if line.source_document_id else ""
    name, amount = line.creditor_name, line.amount
    line.delete()
    for position, remaining in enumerate(batch.lines.order_by("position", "id"), start=1):
        if remaining.position != position:
            remaining.position = position
            remaining.save(update_fields=["position"])
    if number:
        message = gettext_noop("Refund of credit note %(number)s to %(name)s, %(amount)s EUR, removed from "
                               "transfer batch %(batch)s.")
    else:
        message = gettext_noop("Transfer to %(name)s, %(amount)s EUR, removed from transfer batch %(batch)s.")
    _audit(actor=actor, batch=batch, action="line_removed", message=message,
           params={"number": number, "name": name, "amount": str(amount)})


# --- the file -------------------------------------------------------------------------------


LINE_RULES = [
    ("creditor_name", checks.creditor_name),
    ("iban", checks.iban),
    ("bic", checks.bic),
    ("amount", checks.amount),
]


def check_lines(batch: PayoutBatch, lines: list[PayoutLine]) -> dict:
    """Every rule a line must pass before it goes into a file, as ``{"lines.N.field": [message]}``
    where N is the line number shown on the batch page."""
    errors: dict = {}

    def fail(line, field, messages):
        for key, found in _line_error(line.position, line.creditor_name, field, messages).items():
            errors.setdefault(key, []).extend(found)

    seen: dict[str, PayoutLine] = {}
    for line in lines:
        for field, rule in LINE_RULES:
            try:
                rule(getattr(line, field))
            except ValidationError as exc:
                fail(line, field, exc.messages)
        try:
            checks.remittance(line.remittance_kind, line.remittance)
        except ValidationError as exc:
            fail(line, "remittance", exc.messages)
        try:
            checks.end_to_end_id(line.end_to_end_id)
        except ValidationError as exc:
            fail(line, "end_to_end_id", exc.messages)
        if line.end_to_end_id in seen:
            fail(line, "end_to_end_id", [_("line %(other)s has the same end-to-end id; each transfer needs its own.")
                                         % {"other": seen[line.end_to_end_id].position}])
        seen.setdefault(line.end_to_end_id, line)
    return errors


@transaction.atomic
def generate(*, actor, batch: PayoutBatch) -> PayoutBatch:
    """Check every line, build the pain.001 file, validate it against the XSD and keep it.

    Any failure refuses the whole file (nothing is kept, the batch stays a draft) with errors
    naming the line and the field.
    """
    batch = _lock(batch)
    require(actor, PERM, batch.entity)
    _require_draft(batch)
    lines = list(batch.lines.order_by("position", "id"))
    if not lines:
        raise ValidationError({"lines": _("Add at least one transfer before generating the file.")})
    errors: dict = {}
    _check_date(batch.requested_execution_date, errors)
    _check_account(batch.account, errors)
    errors.update(check_lines(batch, lines))
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    message_id = f"{ID_PREFIX}{batch.pk}-{timezone.localtime(now):%Y%m%d%H%M%S}"
    account = batch.account
    try:
        xml = sepa.build(
            scheme=batch.scheme,
            message_id=message_id,
            created_at=timezone.localtime(now),
            execution_date=batch.requested_execution_date,
            debtor=sepa.Debtor(name=batch.entity.legal_name or batch.entity.name,
                               iban=checks.iban(account.iban), bic=checks.bic(account.bic)),
            transfers=[
                sepa.Transfer(name=line.creditor_name, iban=line.iban, bic=line.bic, amount=line.amount,
                              end_to_end_id=line.end_to_end_id, remittance_kind=line.remittance_kind,
                              remittance=line.remittance)
                for line in lines
            ],
        )
    except sepa.SepaFileError as exc:
        raise ValidationError({"file": [
            _("The generated file does not pass the %(scheme)s schema, so it cannot be downloaded: %(error)s")
            % {"scheme": batch.scheme, "error": error}
            for error in exc.errors[:10]
        ]}) from None
    batch.message_id = message_id
    batch.file.save(batch.filename, ContentFile(xml), save=False)
    batch.file_sha256 = hashlib.sha256(xml).hexdigest()
    batch.line_count = len(lines)
    batch.control_sum = sum((line.amount for line in lines), Decimal("0"))
    batch.state = BatchState.GENERATED
    batch.generated_at, batch.generated_by = now, actor
    batch.save()
    _audit(actor=actor, batch=batch, action="generated",
           message=gettext_noop("Transfer batch %(batch)s generated (%(scheme)s, message %(message_id)s): "
                                "transfers: %(count)s, total %(total)s EUR; file SHA-256 %(sha256)s…"),
           params={"scheme": batch.scheme, "message_id": message_id, "count": batch.line_count,
                   "total": str(batch.control_sum), "sha256": batch.file_sha256[:16]},
           # the whole fingerprint is kept in the event's changes
           before={"state": BatchState.DRAFT, "file_sha256": ""},
           after={"state": batch.state, "file_sha256": batch.file_sha256})
    return batch


class FileChanged(Exception):
    """The kept file no longer matches the SHA-256 recorded when it was generated."""


def file_content(batch: PayoutBatch) -> bytes:
    """The generated XML, checked against its recorded SHA-256 (a changed payment file could pay
    someone else): raises ``FileChanged``."""
    with batch.file.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != batch.file_sha256:
        raise FileChanged(batch.pk)
    return data


@transaction.atomic
def mark_sent(*, actor, batch: PayoutBatch) -> PayoutBatch:
    """Staff uploaded the file to the bank."""
    batch = _lock(batch)
    require(actor, PERM, batch.entity)
    if batch.state != BatchState.GENERATED:
        raise ValidationError({"state": _("Only a batch whose file is ready can be marked as sent; this one is "
                                          "%(state)s.") % {"state": batch.get_state_display()}})
    lines = list(batch.lines.select_related("debit_account", "activity").order_by("position", "id"))
    for line in lines:
        if line.debit_account_id is None:  # a line typed before transfers reached the books
            line.debit_account = resolve_account(batch.entity, None, line.purpose)
            line.save(update_fields=["debit_account"])
    batch.entry = books.post_sent(actor=actor, batch=batch, lines=lines)
    batch.state = BatchState.SENT
    batch.sent_at, batch.sent_by = timezone.now(), actor
    batch.save(update_fields=["state", "sent_at", "sent_by", "entry"])
    batch.lines.update(state=LineState.SENT)
    _audit(actor=actor, batch=batch, action="sent",
           message=gettext_noop("Transfer batch %(batch)s marked as sent to the bank (message %(message_id)s)."),
           params={"message_id": batch.message_id})
    return batch


@transaction.atomic
def cancel(*, actor, batch: PayoutBatch) -> PayoutBatch:
    """Drop a batch: one not sent yet, or a sent one the bank recalled before paying any of its
    transfers (its entry is then reversed). What it paid can then be paid in another batch."""
    batch = _lock(batch)
    require(actor, PERM, batch.entity)
    if batch.state == BatchState.CANCELLED:
        raise ValidationError({"state": _("This batch is already cancelled.")})
    if batch.state == BatchState.SENT and batch.lines.exclude(state=LineState.SENT).exists():
        raise ValidationError({"state": _("The bank already paid or returned transfers of this batch: it can no "
                                          "longer be cancelled. Record each returned transfer instead.")})
    before = batch.state
    if batch.state == BatchState.SENT:
        batch.reversal_entry = books.reverse_sent(actor=actor, batch=batch)
    batch.state = BatchState.CANCELLED
    batch.cancelled_at, batch.cancelled_by = timezone.now(), actor
    batch.save(update_fields=["state", "cancelled_at", "cancelled_by", "reversal_entry"])
    batch.lines.update(active=False, state=LineState.CANCELLED)
    _audit(actor=actor, batch=batch, action="cancelled",
           message=gettext_noop("Transfer batch %(batch)s cancelled; its credit notes can be refunded again.")
           if before != BatchState.SENT else
           gettext_noop("Transfer batch %(batch)s cancelled after the bank recalled it; its entry is reversed and "
                        "what it paid can be paid again."),
           before={"state": before}, after={"state": batch.state})
    return batch
