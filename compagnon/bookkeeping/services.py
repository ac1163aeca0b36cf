"""Manual and recurring entries: every state change, keyword-only, one transaction each, audited.

Only the accountants of an entity write its manual entries (``selectors.accountant_entity_ids``).
Posting goes through ``ledger.services.post_entry`` in the miscellaneous operations journal (role
"misc": FR and BE "OD"); a recorded entry is cancelled by ``ledger.services.reverse_entry``.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core.formatting import money as format_money
from compagnon.ledger import services as ledger
from compagnon.ledger.models import Account
from compagnon.ledger.money import ZERO, money
from compagnon.members.models import Activity

from . import selectors
from .closing_chart import MISC_ROLE
from .models import (
    EDITABLE_STATUSES,
    BookkeepingSettings,
    Frequency,
    ManualEntry,
    ManualEntryAttachment,
    ManualEntryLine,
    ManualEntryStatus,
    RecurringLine,
    RecurringTemplate,
)

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class LineInput:
    """One line as typed: an account of the entity, one side, maybe an activity and a third party."""

    account: Account
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    activity: Activity | None = None
    third_party: str = ""

    def __post_init__(self):
        object.__setattr__(self, "debit", money(self.debit or ZERO))
        object.__setattr__(self, "credit", money(self.credit or ZERO))


def require_accountant(actor, entity) -> None:
    if entity.pk not in selectors.accountant_entity_ids(actor):
        raise PermissionDenied(
            _("Only the accountants of %(entity)s write its manual entries.")
            % {"entity": entity.name}
        )


def threshold(entity) -> Decimal:
    row = BookkeepingSettings.objects.filter(entity=entity).first()
    return (
        row.second_validation_threshold
        if row
        else BookkeepingSettings._meta.get_field("second_validation_threshold").default
    )


def _check_lines(entity, lines: Sequence[LineInput]) -> None:
    errors = []
    if len(lines) < 2:
        errors.append(_("An entry has at least two lines."))
    for i, line in enumerate(lines, start=1):
        if line.account.entity_id != entity.pk:
            errors.append(
                _("Line %(n)s: account %(code)s belongs to another entity's books.")
                % {"n": i, "code": line.account.code}
            )
        if line.debit < 0 or line.credit < 0:
            errors.append(_("Line %(n)s: amounts cannot be negative.") % {"n": i})
        elif (line.debit > 0) == (line.credit > 0):
            errors.append(
                _("Line %(n)s: put the amount either in debit or in credit, not both, not neither.")
                % {"n": i}
            )
        if line.activity is not None and line.activity.entity_id != entity.pk:
            errors.append(
                _("Line %(n)s: the activity %(activity)s belongs to another entity.")
                % {"n": i, "activity": line.activity}
            )
    if errors:
        raise ValidationError({"lines": errors})


def _write_lines(manual_entry, lines: Sequence[LineInput]) -> None:
    manual_entry.lines.all().delete()
    ManualEntryLine.objects.bulk_create(
        [
            ManualEntryLine(
                manual_entry=manual_entry,
                account=line.account,
                debit=line.debit,
                credit=line.credit,
                activity=line.activity,
                third_party=line.third_party[:200],
            )
            for line in lines
        ]
    )


# --- manual entries ----------------------------------------------------------------------------


@transaction.atomic
def save_draft(
    *,
    actor,
    entity,
    date: datetime.date,
    label: str,
    lines: Sequence[LineInput],
    manual_entry: ManualEntry | None = None,
) -> ManualEntry:
    """Create or change a draft. It may not balance yet (it is checked when validated); each line
    has one side. Editing a refused entry brings it back to draft."""
    require_accountant(actor, entity)
    lines = list(lines)
    if not label or not label.strip():
        raise ValidationError({"label": _("Give the entry a label.")})
    _check_lines(entity, lines)
    if manual_entry is None:
        manual_entry = ManualEntry.objects.create(
            entity=entity, date=date, label=label.strip()[:200], author=actor
        )
        action = "bookkeeping.manual_entry_created"
        message = gettext_noop("Manual entry drafted: %(label)s (%(amount)s)")
    else:
        manual_entry = ManualEntry.objects.select_for_update().get(pk=manual_entry.pk)
        if manual_entry.entity_id != entity.pk:
            raise PermissionDenied
        if manual_entry.status not in EDITABLE_STATUSES:
            raise ValidationError({"status": _("Only a draft or a refused entry can be changed.")})
        manual_entry.date, manual_entry.label = date, label.strip()[:200]
        manual_entry.status = ManualEntryStatus.DRAFT
        manual_entry.first_validated_by = None
        manual_entry.save()
        action = "bookkeeping.manual_entry_changed"
        message = gettext_noop("Manual entry changed: %(label)s (%(amount)s)")
    _write_lines(manual_entry, lines)
    record(
        actor=actor,
        action=action,
        obj=manual_entry,
        entity=entity,
        message=message,
        params={
            "label": manual_entry.label,
            "amount": format_money(sum((x.debit for x in lines), ZERO)),
        },
    )
    return manual_entry


def _locked(manual_entry) -> ManualEntry:
    return ManualEntry.objects.select_for_update().select_related("entity").get(pk=manual_entry.pk)


def _line_specs(manual_entry) -> list[ledger.LineSpec]:
    return [
        ledger.LineSpec(
            account=line.account,
            debit=line.debit,
            credit=line.credit,
            activity=line.activity,
            label=line.third_party,
        )
        for line in manual_entry.lines.select_related("account", "activity").order_by("id")
    ]


def _check_balanced(manual_entry) -> None:
    debit, credit = manual_entry.total, manual_entry.total_credit
    if debit != credit or debit <= 0:
        raise ValidationError(
            {
                "lines": _(
                    "The entry does not balance: debits total %(debit)s, credits total %(credit)s."
                )
                % {"debit": format_money(debit), "credit": format_money(credit)}
            }
        )


def _post(actor, manual_entry) -> ManualEntry:
    entry = ledger.post_entry(
        actor=actor,
        entity=manual_entry.entity,
        journal_code=MISC_ROLE,
        date=manual_entry.date,
        label=manual_entry.label,
        lines=_line_specs(manual_entry),
        source=manual_entry,
    )
    manual_entry.entry = entry
    manual_entry.status = ManualEntryStatus.POSTED
    manual_entry.validated_by = actor if getattr(actor, "is_authenticated", False) else None
    manual_entry.save(update_fields=["entry", "status", "validated_by", "updated_at"])
    return manual_entry


@transaction.atomic
def validate(*, actor, manual_entry: ManualEntry) -> ManualEntry:
    """Validate a draft: record it in the books, unless its total is above the entity's threshold
    and the author validates it — then it waits for a second accountant."""
    manual_entry = _locked(manual_entry)
    entity = manual_entry.entity
    require_accountant(actor, entity)
    status = manual_entry.status
    if status not in (ManualEntryStatus.DRAFT, ManualEntryStatus.TO_VALIDATE):
        raise ValidationError(
            {
                "status": _("This entry is %(status)s: there is nothing to validate.")
                % {"status": manual_entry.get_status_display()}
            }
        )
    total = manual_entry.total
    limit = threshold(entity)
    params = {"label": manual_entry.label, "amount": format_money(total)}
    if total > limit and actor.pk in (manual_entry.author_id, manual_entry.first_validated_by_id):
        if status == ManualEntryStatus.TO_VALIDATE:
            raise ValidationError(
                {
                    "status": _(
                        "Above %(limit)s, another accountant than the author validates the entry."
                    )
                    % {"limit": format_money(limit)}
                }
            )
        _check_balanced(manual_entry)
        manual_entry.status = ManualEntryStatus.TO_VALIDATE
        manual_entry.first_validated_by = actor
        manual_entry.save(update_fields=["status", "first_validated_by", "updated_at"])
        record(
            actor=actor,
            action="bookkeeping.manual_entry_to_validate",
            obj=manual_entry,
            entity=entity,
            message=gettext_noop(
                "Manual entry %(label)s (%(amount)s) waits for a second accountant's validation"
            ),
            params=params,
        )
        return manual_entry
    return _post(actor, manual_entry)


@transaction.atomic
def refuse(*, actor, manual_entry: ManualEntry, reason: str) -> ManualEntry:
    manual_entry = _locked(manual_entry)
    require_accountant(actor, manual_entry.entity)
    if manual_entry.status not in (ManualEntryStatus.DRAFT, ManualEntryStatus.TO_VALIDATE):
        raise ValidationError({"status": _("Only an entry waiting for validation can be refused.")})
    if not reason or not reason.strip():
        raise ValidationError({"reason": _("Say why the entry is refused.")})
    manual_entry.status = ManualEntryStatus.REFUSED
    manual_entry.refused_by = actor
    manual_entry.refusal_reason = reason.strip()
    manual_entry.first_validated_by = None
    manual_entry.save()
    record(
        actor=actor,
        action="bookkeeping.manual_entry_refused",
        obj=manual_entry,
        entity=manual_entry.entity,
        message=gettext_noop("Manual entry %(label)s refused: %(reason)s"),
        params={"label": manual_entry.label, "reason": manual_entry.refusal_reason[:300]},
    )
    return manual_entry


@transaction.atomic
def reverse(
    *, actor, manual_entry: ManualEntry, date: datetime.date, label: str = ""
) -> ManualEntry:
    """Cancel a recorded manual entry by its mirror entry dated ``date``."""
    manual_entry = _locked(manual_entry)
    require_accountant(actor, manual_entry.entity)
    if manual_entry.status != ManualEntryStatus.POSTED or manual_entry.entry_id is None:
        raise ValidationError({"status": _("Only a recorded entry can be reversed.")})
    reversal = ledger.reverse_entry(
        actor=actor,
        entry=manual_entry.entry,
        date=date,
        label=(label or "").strip() or _("Reversal of %(label)s") % {"label": manual_entry.label},
    )
    manual_entry.reversal = reversal
    manual_entry.status = ManualEntryStatus.REVERSED
    manual_entry.save(update_fields=["reversal", "status", "updated_at"])
    return manual_entry


@transaction.atomic
def delete_draft(*, actor, manual_entry: ManualEntry) -> None:
    manual_entry = _locked(manual_entry)
    require_accountant(actor, manual_entry.entity)
    if manual_entry.status not in EDITABLE_STATUSES or manual_entry.entry_id:
        raise ValidationError({"status": _("Only a draft or a refused entry can be deleted.")})
    record(
        actor=actor,
        action="bookkeeping.manual_entry_deleted",
        obj=manual_entry,
        entity=manual_entry.entity,
        message=gettext_noop("Manual entry draft deleted: %(label)s"),
        params={"label": manual_entry.label},
    )
    files = [a.file for a in manual_entry.attachments.all()]
    manual_entry.attachments.all().delete()
    manual_entry.delete()
    transaction.on_commit(lambda: [f.delete(save=False) for f in files])


@transaction.atomic
def attach(*, actor, manual_entry: ManualEntry, uploaded_file) -> ManualEntryAttachment:
    """Keep a supporting document with the entry (also once it is recorded: it documents it)."""
    manual_entry = _locked(manual_entry)
    require_accountant(actor, manual_entry.entity)
    if uploaded_file.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            {
                "file": _("The file is too large (at most %(max)s MB).")
                % {"max": MAX_ATTACHMENT_BYTES // 1048576}
            }
        )
    name = (uploaded_file.name or "document").rsplit("/", 1)[-1][:200]
    attachment = ManualEntryAttachment(manual_entry=manual_entry, filename=name, uploaded_by=actor)
    attachment.file.save(name, uploaded_file, save=False)
    attachment.save()
    record(
        actor=actor,
        action="bookkeeping.attachment_added",
        obj=manual_entry,
        entity=manual_entry.entity,
        message=gettext_noop("Document %(name)s kept with the manual entry %(label)s"),
        params={"name": name, "label": manual_entry.label},
    )
    return attachment


# --- recurring entries -------------------------------------------------------------------------


@transaction.atomic
def save_template(
    *,
    actor,
    entity,
    label: str,
    frequency: str,
    day: int,
    start_date: datetime.date,
    lines: Sequence[LineInput],
    end_date: datetime.date | None = None,
    auto_post: bool = False,
    active: bool = True,
    template: RecurringTemplate | None = None,
) -> RecurringTemplate:
    require_accountant(actor, entity)
    lines = list(lines)
    errors = {}
    if not label or not label.strip():
        errors["label"] = _("Give the entry a label.")
    if frequency not in Frequency.values:
        errors["frequency"] = _("Choose every month, every quarter or every year.")
    if not 1 <= int(day) <= 28:
        errors["day"] = _("Choose a day from 1 to 28, so that every month has it.")
    if end_date is not None and end_date < start_date:
        errors["end_date"] = _("The last period comes after the first one.")
    if errors:
        raise ValidationError(errors)
    _check_lines(entity, lines)
    debit = sum((x.debit for x in lines), ZERO)
    credit = sum((x.credit for x in lines), ZERO)
    if debit != credit:
        raise ValidationError(
            {
                "lines": _(
                    "The entry does not balance: debits total %(debit)s, credits total %(credit)s."
                )
                % {"debit": format_money(debit), "credit": format_money(credit)}
            }
        )
    fields = {
        "label": label.strip()[:200],
        "frequency": frequency,
        "day": int(day),
        "start_date": start_date,
        "end_date": end_date,
        "auto_post": auto_post,
        "active": active,
    }
    if template is None:
        template = RecurringTemplate.objects.create(entity=entity, created_by=actor, **fields)
    else:
        template = RecurringTemplate.objects.select_for_update().get(pk=template.pk)
        if template.entity_id != entity.pk:
            raise PermissionDenied
        for k, v in fields.items():
            setattr(template, k, v)
        template.save()
    template.lines.all().delete()
    RecurringLine.objects.bulk_create(
        [
            RecurringLine(
                template=template,
                account=x.account,
                debit=x.debit,
                credit=x.credit,
                activity=x.activity,
                third_party=x.third_party[:200],
            )
            for x in lines
        ]
    )
    record(
        actor=actor,
        action="bookkeeping.recurring_saved",
        obj=template,
        entity=entity,
        message=gettext_noop("Recurring entry %(label)s saved (%(frequency)s, %(amount)s)"),
        params={
            "label": template.label,
            "frequency": Frequency(frequency).label,
            "amount": format_money(debit),
        },
    )
    return template


_STEP = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.YEARLY: 12}


def _period_key(frequency: str, day: datetime.date) -> str:
    if frequency == Frequency.MONTHLY:
        return f"{day.year:04d}-{day.month:02d}"
    if frequency == Frequency.QUARTERLY:
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year:04d}"


def due_periods(
    template: RecurringTemplate, today: datetime.date
) -> list[tuple[str, datetime.date]]:
    """(period key, entry date) of every period from the first one up to ``today``."""
    step = _STEP[Frequency(template.frequency)]
    year, month = template.start_date.year, template.start_date.month
    first = datetime.date(year, month, template.day)
    if first < template.start_date:
        month += step
    out = []
    while True:
        year_, month_ = year + (month - 1) // 12, (month - 1) % 12 + 1
        date = datetime.date(year_, month_, template.day)
        if date > today or (template.end_date is not None and date > template.end_date):
            return out
        out.append((_period_key(template.frequency, date), date))
        month += step


def post_recurring_entries(*, today: datetime.date | None = None, actor=None) -> dict:
    """Make the entry of every due period of every active template (idempotent: one entry per
    template and period). A template set to record without review posts it when it can (at most
    the entity's threshold, an open period): otherwise the entry stays a draft to validate."""
    today = today or timezone.localdate()
    created = posted = 0
    templates = RecurringTemplate.objects.filter(active=True, start_date__lte=today).select_related(
        "entity"
    )
    for template in templates.order_by("id"):
        done = set(template.entries.values_list("period", flat=True))
        lock = ledger.current_lock(template.entity)
        lines = None
        for period, date in due_periods(template, today):
            if period in done or (lock is not None and date <= lock):
                continue
            if lines is None:
                lines = list(template.lines.select_related("account", "activity"))
            with transaction.atomic():
                manual_entry = ManualEntry.objects.create(
                    entity=template.entity,
                    date=date,
                    label=template.label,
                    author=template.created_by,
                    template=template,
                    period=period,
                )
                _write_lines(
                    manual_entry,
                    [
                        LineInput(
                            account=x.account,
                            debit=x.debit,
                            credit=x.credit,
                            activity=x.activity,
                            third_party=x.third_party,
                        )
                        for x in lines
                    ],
                )
                record(
                    actor=actor,
                    action="bookkeeping.recurring_made",
                    obj=manual_entry,
                    entity=template.entity,
                    message=gettext_noop("Recurring entry %(label)s made for %(period)s"),
                    params={"label": template.label, "period": period},
                )
            created += 1
            total = sum((x.debit for x in lines), ZERO)
            if template.auto_post and total <= threshold(template.entity):
                try:
                    with transaction.atomic():
                        _post(actor, _locked(manual_entry))
                except ValidationError:
                    continue  # stays a draft: the accountant sees why when validating it
                posted += 1
    return {"created": created, "posted": posted}
