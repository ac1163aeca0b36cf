"""Every state change of expense claims. Keyword-only; one transaction; the permission checked
again here (``require``); audited on the activity's history.

draft --submit--> submitted --approve--> approved --(transfer sent)--> paid
                           \\--refuse--> refused (the member reads the reason; may edit and submit again)
Submitting approves at once when the entity's threshold and the member's maturity allow it and
no duplicate is suspected. Approving books the claim: expense account of the category (net of
recoverable VAT) and deductible VAT on the activity's axis, credited to the member's current
account ("member expenses payable"), dated the day of approval in the purchases journal.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon import permissions  # noqa: F401 - registers the rules checked below
from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.jurisdictions import charts
from compagnon.jurisdictions import get as jurisdiction
from compagnon.ledger.services import LineSpec, post_entry
from compagnon.members.models import Activity, Member
from compagnon.payouts import services as payouts
from compagnon.payouts.models import PayoutBatch, Purpose

from . import categories, receipts, rules, scales, vat  # noqa: F401 - rules registers the permissions
from .accounts import ensure_accounts
from .models import (
    MATURITY_LEVELS,
    ClaimKind,
    ClaimState,
    ExpenseClaim,
    ExpenseSettings,
    ExpenseVat,
    MemberBankAccount,
)

ZERO = Decimal("0")
MAX_AMOUNT = Decimal("99999999.99")
EDITABLE = (ClaimState.DRAFT, ClaimState.REFUSED)


def may_claim(user, activity) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("expenses.claim", activity))


def may_review(user, claim) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("expenses.review_claim", claim))


def settings_for(entity) -> ExpenseSettings:
    found = ExpenseSettings.objects.filter(entity=entity).first()
    return found or ExpenseSettings(entity=entity)


def _audit(*, actor, claim, action, message, params=None, before=None, after=None):
    record(actor=actor, action=f"expense_claim.{action}", obj=claim, message=message,
           params={"claim": claim.pk, "amount": str(claim.amount), "supplier": claim.supplier or "—",
                   **(params or {})},
           entity=claim.entity, member=claim.member, activity=claim.activity, before=before, after=after)


# --- checking what was typed --------------------------------------------------------------------


def _decimal(value, field, errors, *, places=2, required=True, minimum=ZERO):
    if value in (None, ""):
        if required:
            errors[field] = [_("Type the amount.") if field == "amount" else _("This field is required.")]
        return None
    try:
        number = Decimal(str(value).replace(",", ".").replace(" ", "").replace("\u00a0", ""))
    except InvalidOperation:
        errors[field] = [_("Type a number, e.g. 12.50.")]
        return None
    if not number.is_finite() or number < minimum or number > MAX_AMOUNT:
        errors[field] = [_("Type a number from %(min)s to %(max)s.") % {"min": minimum, "max": MAX_AMOUNT}]
        return None
    if number != number.quantize(Decimal(1).scaleb(-places)):
        errors[field] = [_("At most %(places)s decimals.") % {"places": places}]
        return None
    return number


def _clean(*, activity, member, kind, date, category, amount, supplier, description, client, project,
           vat_recoverable, vat_lines, origin, destination, distance_km, vehicle, fiscal_power, electric,
           meals, meal_rate, km_before) -> tuple[dict, list, dict]:
    """The fields to save, the VAT lines and the errors, each naming its field and the rule."""
    country = activity.entity.jurisdiction
    errors: dict = {}
    today = timezone.localdate()
    if kind not in ClaimKind.values:
        errors["kind"] = [_("Choose what you claim: a receipt, a trip or a meal allowance.")]
    if not isinstance(date, datetime.date):
        errors["date"] = [_("Give the date on the receipt (or of the trip).")]
    elif date > today:
        errors["date"] = [_("The date %(date)s is in the future: give the day you paid.") % {"date": date.isoformat()}]
    elif date < today - datetime.timedelta(days=3 * 365):
        errors["date"] = [_("This expense is more than three years old: it can no longer be claimed.")]
    if kind == ClaimKind.MILEAGE:
        category = "mileage"
    elif kind == ClaimKind.PER_DIEM:
        category = "per_diem"
    allowed = {c.key for c in categories.for_country(country)}
    if category not in allowed:
        errors["category"] = [_("Choose a category from the list.")]
    if client is not None and client.activity_id != activity.pk:
        errors["client"] = [_("This client is not a client of %(activity)s.") % {"activity": activity.name}]
    fields = {
        "kind": kind, "date": date, "category": category, "supplier": (supplier or "").strip()[:120],
        "description": (description or "").strip()[:200], "client": client, "project": (project or "").strip()[:120],
        "origin": "", "destination": "", "distance_km": None, "vehicle": "", "fiscal_power": None,
        "electric": False, "meals": None, "meal_rate": "", "pricing": {},
    }
    lines: list = []
    if kind == ClaimKind.RECEIPT:
        if not fields["supplier"]:
            errors["supplier"] = [_("Who did you pay? Type the supplier's name as on the receipt.")]
        total = _decimal(amount, "amount", errors)
        if total is not None and total <= 0:
            errors["amount"] = [_("The amount must be more than 0.")]
        fields["amount"] = total
        recover = bool(vat_recoverable) and vat.recoverable(country, category)
        if vat_recoverable and not vat.recoverable(country, category) and "category" not in errors:
            errors["vat_recoverable"] = [_("The VAT of this kind of expense cannot be recovered in this country: "
                                           "untick the box.")]
        fields["vat_recoverable"] = recover
        rates = {r.rate for r in jurisdiction(country).vat_rates}
        seen = set()
        for i, (rate, tax) in enumerate(vat_lines or []):
            if rate in (None, "") and tax in (None, ""):
                continue
            rate_value = _decimal(rate, f"vat_rate_{i}", errors)
            tax_value = _decimal(tax, f"vat_amount_{i}", errors)
            if rate_value is None or tax_value is None:
                continue
            if rate_value not in rates:
                errors[f"vat_rate_{i}"] = [_("%(rate)s %% is not a VAT rate of this country (%(rates)s).")
                                           % {"rate": rate_value, "rates": ", ".join(str(r) for r in sorted(rates))}]
                continue
            if rate_value in seen:
                errors[f"vat_rate_{i}"] = [_("The rate %(rate)s %% is given twice: add the amounts up.")
                                           % {"rate": rate_value}]
                continue
            seen.add(rate_value)
            if tax_value > 0:
                lines.append((rate_value, tax_value))
        vat_sum = sum((t for _r, t in lines), ZERO)
        if total is not None and vat_sum >= total and lines:
            errors["vat_amount_0"] = [_("The VAT (%(vat)s) must be less than the amount incl. VAT (%(total)s).")
                                      % {"vat": vat_sum, "total": total}]
        if recover and not lines and "vat_recoverable" not in errors:
            errors["vat_amount_0"] = [_("You ticked that the receipt shows the VAT: type its VAT amount and rate.")]
        if not recover:
            lines = lines  # kept for the record: shown, not recovered
    elif kind == ClaimKind.MILEAGE:
        fields["origin"], fields["destination"] = (origin or "").strip()[:120], (destination or "").strip()[:120]
        if not fields["origin"]:
            errors["origin"] = [_("Where did the trip start?")]
        if not fields["destination"]:
            errors["destination"] = [_("Where did you go?")]
        km = _decimal(distance_km, "distance_km", errors, places=1)
        if km is not None and not (ZERO < km <= Decimal("5000")):
            errors["distance_km"] = [_("The distance is between 0.1 and 5,000 km.")]
        fields.update(distance_km=km, vehicle=vehicle or "car", fiscal_power=fiscal_power or None,
                      electric=bool(electric), vat_recoverable=False)
        if not errors:
            try:
                price = scales.price_trip(country, date, distance_km=km, vehicle=fields["vehicle"],
                                          fiscal_power=fields["fiscal_power"], electric=fields["electric"],
                                          km_before=km_before(fields))
            except scales.NoScale as exc:
                errors["distance_km" if "power" not in exc.message else "fiscal_power"] = [exc.message]
            else:
                fields["amount"], fields["pricing"] = price.amount, price.details
    else:  # a flat meal allowance
        count = meals or 0
        if not 1 <= count <= 60:
            errors["meals"] = [_("Give the number of meals, from 1 to 60.")]
        fields.update(meals=count or None, meal_rate=meal_rate or "", vat_recoverable=False)
        if not errors:
            try:
                price = scales.price_meals(country, date, rate_key=meal_rate or "", meals=count)
            except scales.NoScale as exc:
                errors["meal_rate"] = [exc.message]
            else:
                fields["amount"], fields["pricing"] = price.amount, price.details
    return fields, lines, errors


def _km_before(member, claim_pk=None):
    def count(fields):
        year = fields["date"].year
        qs = ExpenseClaim.objects.filter(member=member, kind=ClaimKind.MILEAGE, date__year=year,
                                         vehicle=fields["vehicle"], fiscal_power=fields["fiscal_power"],
                                         date__lte=fields["date"]).exclude(state=ClaimState.REFUSED)
        if claim_pk:
            qs = qs.exclude(pk=claim_pk)
        return qs.aggregate(s=Sum("distance_km"))["s"] or ZERO
    return count


def _receipt(claim: ExpenseClaim, uploaded, errors: dict, stored: list) -> None:
    """Keep the uploaded file and its display copy on the claim (not saved yet)."""
    uploaded.seek(0)
    data = uploaded.read(receipts.MAX_BYTES + 1)
    try:
        kind = receipts.check(data)
    except receipts.ReceiptError as exc:
        errors["receipt"] = [exc.message]
        return
    claim.receipt_sha256 = hashlib.sha256(data).hexdigest()
    claim.receipt_name = (uploaded.name or "receipt").replace("\\", "/").rsplit("/", 1)[-1][:200]
    claim.receipt_type, claim.receipt_size = kind, len(data)
    claim.receipt.save(claim.receipt_name, ContentFile(data), save=False)
    stored.append(claim.receipt)
    if kind.startswith("image/"):
        claim.preview.save("preview.jpg", ContentFile(receipts.preview(data)), save=False)
        stored.append(claim.preview)


def _member_of(actor) -> Member:
    member = Member.objects.filter(user_id=actor.pk).first()
    if member is None:
        raise ValidationError({"activity": _("Only members claim expenses.")})
    return member


def save_claim(*, actor, activity: Activity, claim: ExpenseClaim | None = None, kind: str = ClaimKind.RECEIPT,
               date=None, category: str = "", amount=None, supplier: str = "", description: str = "",
               client=None, project: str = "", vat_recoverable: bool = False, vat_lines=(), receipt=None,
               origin: str = "", destination: str = "", distance_km=None, vehicle: str = "", fiscal_power=None,
               electric: bool = False, meals=None, meal_rate: str = "", client_key: uuid.UUID | None = None,
               submit: bool = False) -> ExpenseClaim:
    """Create a claim (``claim`` None) or change a draft or refused one; ``submit`` sends it for
    approval at once. ``client_key``: chosen by the phone, so a claim queued offline and sent twice
    is created once (the first one is returned, with ``replayed`` set). The files are written
    before the transaction and removed again when it fails."""
    require(actor, "expenses.claim", activity)
    if claim is None:
        member = _member_of(actor)
        if client_key is not None:
            earlier = ExpenseClaim.objects.filter(member=member, client_key=client_key).first()
            if earlier is not None:
                earlier.replayed = True
                return earlier
    else:
        require(actor, "expenses.change_claim", claim)
        member = claim.member
        if claim.state not in EDITABLE:
            raise ValidationError({"state": _("This claim is %(state)s: it can no longer be changed.")
                                   % {"state": claim.get_status_display()}})
    fields, lines, errors = _clean(
        activity=activity, member=member, kind=kind, date=date, category=category, amount=amount,
        supplier=supplier, description=description, client=client, project=project,
        vat_recoverable=vat_recoverable, vat_lines=vat_lines, origin=origin, destination=destination,
        distance_km=distance_km, vehicle=vehicle, fiscal_power=fiscal_power, electric=electric, meals=meals,
        meal_rate=meal_rate, km_before=_km_before(member, claim.pk if claim else None))
    target = claim or ExpenseClaim(entity_id=activity.entity_id, activity=activity, member=member,
                                   created_by=actor, client_key=client_key)
    stored: list = []
    if receipt is not None and not errors and kind == ClaimKind.RECEIPT:
        _receipt(target, receipt, errors, stored)
    if kind == ClaimKind.RECEIPT and receipt is None and not target.receipt and submit:
        errors["receipt"] = [_("Add the photo or the PDF of the receipt.")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return _write(actor, target, fields, lines, submit, is_new=claim is None)
    except IntegrityError:
        for f in stored:
            f.storage.delete(f.name)
        if client_key is not None:
            earlier = ExpenseClaim.objects.get(member=member, client_key=client_key)
            earlier.replayed = True
            return earlier
        raise
    except BaseException:
        for f in stored:
            f.storage.delete(f.name)
        raise


def _write(actor, claim, fields, lines, submit, *, is_new):
    if not is_new:
        claim = ExpenseClaim.objects.select_for_update(of=("self",)).get(pk=claim.pk)
        if claim.state not in EDITABLE:
            raise ValidationError({"state": _("This claim was just submitted elsewhere.")})
    for name, value in fields.items():
        setattr(claim, name, value)
    if claim.kind != ClaimKind.RECEIPT:
        claim.supplier = claim.supplier or ""
    claim.state = ClaimState.DRAFT
    claim.refusal_reason = claim.refusal_reason if not submit else ""
    claim.save()
    claim.vat_lines.all().delete()
    ExpenseVat.objects.bulk_create([ExpenseVat(claim=claim, rate=r, tax_amount=t) for r, t in lines])
    _audit(actor=actor, claim=claim, action="created" if is_new else "updated",
           message=gettext_noop("Expense claim %(claim)s saved: %(supplier)s, %(amount)s EUR.")
           if is_new else gettext_noop("Expense claim %(claim)s changed: %(supplier)s, %(amount)s EUR."))
    if submit:
        claim = _submit(actor, claim)
    return claim


# --- duplicates ---------------------------------------------------------------------------------


def find_duplicate(claim: ExpenseClaim) -> tuple[ExpenseClaim | None, str]:
    """Another claim of the same member that looks like this one: the same receipt file, or the
    same amount, date and supplier (refused ones aside)."""
    others = ExpenseClaim.objects.filter(member_id=claim.member_id).exclude(pk=claim.pk).exclude(
        state=ClaimState.REFUSED)
    if claim.receipt_sha256:
        same = others.filter(receipt_sha256=claim.receipt_sha256).order_by("pk").first()
        if same:
            return same, "file"
    if claim.kind == ClaimKind.RECEIPT and claim.supplier:
        same = others.filter(amount=claim.amount, date=claim.date, supplier__iexact=claim.supplier).order_by("pk").first()
        if same:
            return same, "details"
    return None, ""


# --- the workflow -------------------------------------------------------------------------------


def _auto_approves(claim: ExpenseClaim) -> bool:
    conf = settings_for(claim.entity)
    maturity = claim.member.maturity
    level_ok = (maturity in MATURITY_LEVELS and conf.auto_approve_from in MATURITY_LEVELS
                and MATURITY_LEVELS.index(maturity) >= MATURITY_LEVELS.index(conf.auto_approve_from))
    return level_ok and claim.amount <= conf.auto_approve_below and claim.duplicate_of_id is None


def _submit(actor, claim: ExpenseClaim) -> ExpenseClaim:
    if claim.kind == ClaimKind.RECEIPT and not claim.receipt:
        raise ValidationError({"receipt": _("Add the photo or the PDF of the receipt.")})
    if claim.amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than 0.")})
    claim.duplicate_of, claim.duplicate_reason = find_duplicate(claim)
    claim.state = ClaimState.SUBMITTED
    claim.submitted_at = timezone.now()
    claim.save(update_fields=["duplicate_of", "duplicate_reason", "state", "submitted_at", "updated_at"])
    _audit(actor=actor, claim=claim, action="submitted",
           message=gettext_noop("Expense claim %(claim)s submitted: %(supplier)s, %(amount)s EUR."))
    if _auto_approves(claim):
        _approve(actor=None, claim=claim, auto=True)
    return claim


@transaction.atomic
def submit_claim(*, actor, claim: ExpenseClaim) -> ExpenseClaim:
    claim = ExpenseClaim.objects.select_for_update(of=("self",)).select_related(
        "member", "entity", "activity").get(pk=claim.pk)
    require(actor, "expenses.change_claim", claim)
    require(actor, "expenses.claim", claim.activity)
    if claim.state not in EDITABLE:
        raise ValidationError({"state": _("This claim is %(state)s: there is nothing to submit.")
                               % {"state": claim.get_status_display()}})
    return _submit(actor, claim)


@transaction.atomic
def delete_claim(*, actor, claim: ExpenseClaim) -> None:
    claim = ExpenseClaim.objects.select_for_update(of=("self",)).get(pk=claim.pk)
    require(actor, "expenses.change_claim", claim)
    if claim.state != ClaimState.DRAFT:
        raise ValidationError({"state": _("Only a draft can be deleted.")})
    _audit(actor=actor, claim=claim, action="deleted",
           message=gettext_noop("Draft expense claim %(claim)s deleted (%(supplier)s, %(amount)s EUR)."))
    files = [f for f in (claim.receipt, claim.preview) if f]
    claim.delete()
    for f in files:
        transaction.on_commit(lambda f=f: f.storage.delete(f.name))


def entry_lines(claim: ExpenseClaim) -> list[LineSpec]:
    """What approving books (the ledger's posting service checks it balances)."""
    country = claim.entity.jurisdiction
    code, _name = categories.account_of(country, claim.category)
    vat_total = sum((line.tax_amount for line in claim.vat_lines.all()), ZERO) if claim.vat_recoverable else ZERO
    label = f"{claim.supplier or claim.get_kind_display()} {claim.date.isoformat()}"[:200]
    lines = [LineSpec(code=code, debit=claim.amount - vat_total, activity=claim.activity, label=label)]
    if vat_total:
        lines.append(LineSpec(role="vat_deductible", debit=vat_total, activity=claim.activity, label=label))
    lines.append(LineSpec(role="member_current", credit=claim.amount, activity=claim.activity,
                          label=f"{claim.member} — {label}"[:200]))
    return lines


def _approve(*, actor, claim: ExpenseClaim, auto: bool = False) -> ExpenseClaim:
    ensure_accounts(claim.entity)
    today = timezone.localdate()
    claim.entry = post_entry(
        actor=actor, entity=claim.entity, journal_code=charts.journal_code(claim.entity.jurisdiction, "purchases"),
        date=today, label=_("Expense claim %(number)s — %(member)s") % {"number": claim.pk, "member": claim.member},
        lines=entry_lines(claim), source=claim)
    claim.state = ClaimState.APPROVED
    claim.decided_at, claim.decided_by, claim.auto_approved = timezone.now(), actor, auto
    claim.refusal_reason = ""
    claim.save(update_fields=["entry", "state", "decided_at", "decided_by", "auto_approved", "refusal_reason",
                              "updated_at"])
    _audit(actor=actor, claim=claim, action="approved",
           message=gettext_noop("Expense claim %(claim)s approved automatically (under the threshold) and booked.")
           if auto else gettext_noop("Expense claim %(claim)s approved and booked."))
    return claim


def _lock_for_review(actor, claim) -> ExpenseClaim:
    claim = ExpenseClaim.objects.select_for_update(of=("self",)).select_related(
        "member", "entity", "activity").get(pk=claim.pk)
    require(actor, "expenses.review_claim", claim)
    if claim.state != ClaimState.SUBMITTED:
        raise ValidationError({"state": _("This claim is %(state)s: only a submitted claim can be decided.")
                               % {"state": claim.get_status_display()}})
    return claim


@transaction.atomic
def approve_claim(*, actor, claim: ExpenseClaim) -> ExpenseClaim:
    return _approve(actor=actor, claim=_lock_for_review(actor, claim))


@transaction.atomic
def refuse_claim(*, actor, claim: ExpenseClaim, reason: str) -> ExpenseClaim:
    claim = _lock_for_review(actor, claim)
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError({"reason": _("Tell the member why, in a sentence they can act on.")})
    claim.state, claim.refusal_reason = ClaimState.REFUSED, reason[:2000]
    claim.decided_at, claim.decided_by = timezone.now(), actor
    claim.save(update_fields=["state", "refusal_reason", "decided_at", "decided_by", "updated_at"])
    _audit(actor=actor, claim=claim, action="refused",
           message=gettext_noop("Expense claim %(claim)s refused: %(reason)s"), params={"reason": reason[:300]})
    return claim


# --- reimbursement ------------------------------------------------------------------------------


@transaction.atomic
def save_bank_account(*, actor, member: Member, holder: str, iban: str, bic: str = "") -> MemberBankAccount:
    """The member's own account for reimbursements; a change needs a new validation."""
    if member.user_id != actor.pk:
        require(actor, "members.change_member", member)
    from compagnon.payouts import checks

    errors = {}
    values = {}
    for field, rule, value in (("holder", checks.creditor_name, holder), ("iban", checks.iban, iban),
                               ("bic", checks.bic, bic)):
        try:
            values[field] = rule(value)
        except ValidationError as exc:
            errors[field] = exc.messages
    if errors:
        raise ValidationError(errors)
    account, _created = MemberBankAccount.objects.select_for_update().get_or_create(
        member=member, defaults={**values})
    if not _created and (account.iban, account.bic, account.holder) != (values["iban"], values["bic"], values["holder"]):
        account.iban, account.bic, account.holder = values["iban"], values["bic"], values["holder"]
        account.validated_at = account.validated_by = None
        account.save()
    record(actor=actor, action="expense_account.saved", obj=account, entity=member.entity, member=member,
           message=gettext_noop("Reimbursement account of %(member)s set to %(iban)s (to be validated)."),
           params={"member": str(member), "iban": account.iban[:4] + "…" + account.iban[-4:]})
    return account


@transaction.atomic
def validate_bank_account(*, actor, account: MemberBankAccount) -> MemberBankAccount:
    account = MemberBankAccount.objects.select_for_update().select_related("member").get(pk=account.pk)
    require(actor, "expenses.validate_bank_account", account.member)
    account.validated_at, account.validated_by = timezone.now(), actor
    account.save(update_fields=["validated_at", "validated_by"])
    record(actor=actor, action="expense_account.validated", obj=account, entity=account.member.entity,
           member=account.member, message=gettext_noop("Reimbursement account of %(member)s validated."),
           params={"member": str(account.member)})
    return account


def transfer_text(claim: ExpenseClaim) -> str:
    return (_("Expense claim %(number)s of %(date)s") % {"number": claim.pk, "date": claim.date.isoformat()})[:140]


@transaction.atomic
def add_to_batch(*, actor, batch: PayoutBatch, claims) -> list[ExpenseClaim]:
    """Pay approved claims back: one transfer per claim to the member's validated account, in a
    draft batch of the claims' entity (``payouts``: purpose "expense claim")."""
    require(actor, "expenses.reimburse", batch.entity)
    done = []
    for claim in claims:
        claim = ExpenseClaim.objects.select_for_update(of=("self",)).select_related(
            "member__user", "payout_line__batch").get(pk=claim.pk)
        label = _("Claim %(number)s") % {"number": claim.pk}
        if claim.entity_id != batch.entity_id:
            raise ValidationError({"claims": _("%(claim)s belongs to another entity than the batch.") % {"claim": label}})
        if claim.state != ClaimState.APPROVED:
            raise ValidationError({"claims": _("%(claim)s is %(state)s: only approved claims are paid back.")
                                   % {"claim": label, "state": claim.get_status_display()}})
        if claim.in_transfer:
            raise ValidationError({"claims": _("%(claim)s is already in transfer batch %(batch)s.")
                                   % {"claim": label, "batch": claim.payout_line.batch_id}})
        account = MemberBankAccount.objects.filter(member_id=claim.member_id).first()
        if account is None or not account.is_validated:
            raise ValidationError({"claims": _("%(claim)s: %(member)s has no validated reimbursement account yet.")
                                   % {"claim": label, "member": claim.member}})
        line = payouts.add_line(actor=actor, batch=batch, creditor_name=account.holder, iban=account.iban,
                                bic=account.bic, amount=claim.amount, purpose=Purpose.EXPENSE,
                                remittance=transfer_text(claim), debit_account="member_current",
                                activity=claim.activity)
        claim.payout_line = line
        claim.save(update_fields=["payout_line", "updated_at"])
        _audit(actor=actor, claim=claim, action="in_transfer",
               message=gettext_noop("Expense claim %(claim)s added to transfer batch %(batch)s."),
               params={"batch": batch.pk})
        done.append(claim)
    return done


def to_reimburse(entity_ids) -> models.QuerySet:  # noqa: F821 - a queryset of claims
    """Approved claims not in an active transfer yet."""
    return (ExpenseClaim.objects.filter(entity_id__in=entity_ids, state=ClaimState.APPROVED)
            .filter(Q(payout_line__isnull=True) | Q(payout_line__active=False)))
