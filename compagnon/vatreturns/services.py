"""Filing a return (its figures frozen) and posting its settlement entry. Keyword-only, one
transaction each, audited; each checks the actor's right again (the API calls them too)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.ledger.models import Account, AccountKind
from compagnon.ledger.services import LineSpec, post_entry

from . import be, compute, fr
from .models import VatReturn


def _result(form, figures):
    return be.settlement_amounts(figures) if form == "BE" else fr.settlement_amounts(figures)


@transaction.atomic
def file_return(*, actor, entity, form: str, period, reference: str = "") -> VatReturn:
    """Freeze the figures of ``form`` for ``period`` as the accountant filed them."""
    require(actor, "vatreturns.file_return", entity)
    if form not in compute.forms_for(entity) or not compute.check_period(form, period):
        raise ValidationError(_("This form is not filed for such a period."))
    if period.end >= timezone.localdate():
        raise ValidationError(_("A period is filed once it is over."))
    figures = compute.figures(entity, form, period)
    plan = compute.settlement_plan(entity, form, period, _result(form, figures))
    try:
        with transaction.atomic():
            vat_return = VatReturn.objects.create(
                entity=entity,
                form=form,
                period=period.key,
                period_start=period.start,
                period_end=period.end,
                figures={
                    "boxes": figures.as_dict(),
                    "warnings": [str(w) for w in figures.warnings],
                    "settlement": [[code, name, f"{amount:.2f}"] for code, name, amount in plan],
                },
                last_line_id=compute.last_line_id(entity),
                filed_at=timezone.now(),
                filed_by=actor,
                reference=reference[:80],
            )
    except IntegrityError:
        raise ValidationError(_("This return is already filed.")) from None
    record(
        actor=actor,
        action="vatreturns.filed",
        obj=vat_return,
        entity=entity,
        message=gettext_noop("VAT return %(form)s of %(period)s filed"),
        params={"form": form, "period": period.key},
    )
    return vat_return


def _settlement_account(entity, code: str, name: str, kind: str) -> Account:
    found = Account.objects.filter(entity=entity, code=code).first()
    if found is None:
        Account.objects.bulk_create(
            [Account(entity=entity, code=code, name=name, kind=kind)], ignore_conflicts=True
        )
        found = Account.objects.get(entity=entity, code=code)
    return found


@transaction.atomic
def post_settlement(*, actor, vat_return: VatReturn):
    """Post the entry that closes the period's VAT accounts into "VAT to pay" or "VAT credit to
    carry forward", dated the last day of the period, from the figures as filed."""
    require(actor, "vatreturns.file_return", vat_return)
    vat_return = VatReturn.objects.select_for_update().get(pk=vat_return.pk)
    if vat_return.settlement_entry_id:
        raise ValidationError(_("The settlement of this return is already posted."))
    plan = vat_return.figures.get("settlement") or []
    if not plan:
        raise ValidationError(_("This return moves no VAT: there is nothing to settle."))
    entity = vat_return.entity
    _closed, _out, pay, credit = compute.SETTLEMENT[entity.jurisdiction]
    kinds = {pay[0]: AccountKind.LIABILITY, credit[0]: AccountKind.ASSET}
    lines = []
    for code, name, amount in plan:
        amount = Decimal(amount)
        if code in kinds:
            account = _settlement_account(entity, code, name, kinds[code])
        else:
            account = Account.objects.get(entity=entity, code=code)
        side = {"debit": amount} if amount > 0 else {"credit": -amount}
        lines.append(LineSpec(account=account, label=str(vat_return), **side))
    entry = post_entry(
        actor=actor,
        entity=entity,
        journal_code="misc",
        date=vat_return.period_end,
        label=_("VAT return %(form)s %(period)s — settlement")
        % {"form": vat_return.form, "period": vat_return.period},
        lines=lines,
        source=vat_return,
        kind="vat_settlement",
    )
    vat_return.settlement_entry = entry
    vat_return.save(update_fields=["settlement_entry"])
    record(
        actor=actor,
        action="vatreturns.settled",
        obj=vat_return,
        entity=entity,
        message=gettext_noop("Settlement of the VAT return %(form)s of %(period)s posted"),
        params={"form": vat_return.form, "period": vat_return.period},
    )
    return entry
