"""Every change to lettering. Keyword-only; one transaction each; audited.

``letter_lines`` (an accountant ticks lines that balance) and ``unletter`` (with a reason) are
user actions: they check ``lettering.letter_lines`` (accountants and administrators of the entity).
``create_lettering`` is what the automatic lettering (automatic.py) calls on behalf of the system.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.ledger.models import Account, EntryLine
from compagnon.ledger.money import ZERO

from .models import LetterCounter, LetteredLine, Lettering, code_for
from .parties import LETTERABLE_ROLES, party_of

PERM = "lettering.letter_lines"


def problems(lines: list, *, entity_id: int) -> dict[str, list[str]]:
    """Why these lines cannot be lettered together (empty when they can). ``lines`` are EntryLine
    objects with their account loaded."""
    errors: dict[str, list[str]] = {}
    if len(lines) < 2:
        errors.setdefault("lines", []).append(_("Tick at least two lines."))
        return errors
    accounts = {line.account_id for line in lines}
    if len(accounts) > 1:
        errors.setdefault("lines", []).append(_("The lines must all be on the same account."))
    account = lines[0].account
    if account.entity_id != entity_id or any(line.account.entity_id != entity_id for line in lines):
        errors.setdefault("lines", []).append(
            _("The lines must all be in the books of the same entity.")
        )
    if account.role not in LETTERABLE_ROLES:
        errors.setdefault("lines", []).append(
            _("Only client and supplier accounts are lettered; %(account)s is not one.")
            % {"account": account.code}
        )
    parties = {p for p in party_of(lines, entity_id).values() if p is not None}
    if len(parties) > 1:
        errors.setdefault("lines", []).append(
            _("The lines must all be of the same client or supplier.")
        )
    balance = sum((line.debit - line.credit for line in lines), ZERO)
    if balance != ZERO:
        errors.setdefault("lines", []).append(
            _("The lines do not balance: debits and credits differ by %(amount)s.")
            % {"amount": f"{balance:.2f}"}
        )
    return errors


def _next_number(account: Account) -> int:
    counter, _created = LetterCounter.objects.get_or_create(account=account)
    counter = LetterCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def create_lettering(
    *, actor, lines: list, automatic: bool, date: datetime.date | None = None
) -> Lettering:
    """Write one lettering of ``lines`` (EntryLine objects, locked by the caller, checked by it)."""
    account = lines[0].account
    number = _next_number(account)
    lettering = Lettering.objects.create(
        entity_id=account.entity_id,
        account=account,
        number=number,
        code=code_for(number),
        date=date or max(line.date for line in lines),
        automatic=automatic,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    LetteredLine.objects.bulk_create(
        [LetteredLine(lettering=lettering, line=line) for line in lines]
    )
    return lettering


def _locked_lines(line_ids) -> list:
    return list(
        EntryLine.objects.select_for_update(of=("self",))
        .select_related("account", "entry__journal")
        .filter(pk__in=list(line_ids))
        .order_by("id")
    )


@transaction.atomic
def letter_lines(*, actor, entity, line_ids, date: datetime.date | None = None) -> Lettering:
    """Letter the ticked lines of one account: they must balance and be of one client or supplier."""
    require(actor, PERM, entity)
    ids = sorted({int(pk) for pk in line_ids})
    lines = _locked_lines(ids)
    if len(lines) != len(ids):
        raise ValidationError({"lines": [_("Some of these lines are not in the books.")]})
    errors = problems(lines, entity_id=entity.pk)
    taken = LetteredLine.objects.filter(line_id__in=ids).select_related("lettering")
    for link in taken:
        errors.setdefault("lines", []).append(
            _("A line is already lettered %(code)s: unletter it first.")
            % {"code": link.lettering.code}
        )
    if errors:
        raise ValidationError(errors)
    lettering = create_lettering(
        actor=actor, lines=lines, automatic=False, date=date or timezone.localdate()
    )
    total = sum((line.debit for line in lines), ZERO)
    record(
        actor=actor,
        action="lettering.lettered",
        obj=lettering,
        entity=entity,
        message=gettext_noop(
            "Lines of account %(account)s lettered %(code)s: %(count)s lines, %(amount)s"
        ),
        params={
            "account": lines[0].account.code,
            "code": lettering.code,
            "count": len(lines),
            "amount": f"{total:.2f}",
        },
    )
    return lettering


@transaction.atomic
def unletter(*, actor, lettering: Lettering, reason: str, automatic: bool = False) -> Lettering:
    """Take the lines out of a lettering (they are open again); the code is never given again."""
    lettering = (
        Lettering.objects.select_for_update(of=("self",))
        .select_related("account", "entity")
        .get(pk=lettering.pk)
    )
    if not automatic:
        require(actor, PERM, lettering.entity)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the lines are unlettered.")]})
    if lettering.undone_at is not None:
        raise ValidationError({"lettering": [_("This lettering was already undone.")]})
    count = lettering.lines.count()
    lettering.lines.all().delete()
    lettering.undone_at = timezone.now()
    lettering.undone_by = actor if getattr(actor, "is_authenticated", False) else None
    lettering.undone_reason = reason[:300]
    lettering.save(update_fields=["undone_at", "undone_by", "undone_reason"])
    record(
        actor=actor,
        action="lettering.unlettered",
        obj=lettering,
        entity=lettering.entity,
        message=gettext_noop(
            "Lettering %(code)s of account %(account)s undone (%(count)s lines): %(reason)s"
        ),
        params={
            "code": lettering.code,
            "account": lettering.account.code,
            "count": count,
            "reason": lettering.undone_reason,
        },
    )
    return lettering
