"""Demo prefinancing: each demo entity's policy (on, 80 % of the amount excl. VAT, a 2 % fee into
the guarantee fund) and one prefinanced invoice of the first French activity. Idempotent."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError

from compagnon.accounts.models import Role, RoleAssignment
from compagnon.sales.models import Document, Kind, PaymentState, State

from . import services
from .models import Advance, AdvanceState, Policy


def seed_demo_prefinancing(activities) -> Advance | None:
    entities = {a.entity_id: a.entity for a in activities}
    for entity in entities.values():
        Policy.objects.get_or_create(entity=entity, defaults={
            "enabled": True, "share_percent": Decimal("80"), "fee_percent": Decimal("2"),
            "auto_up_to": Decimal("3000"), "min_maturity": "new"})
    french = next((a for a in activities if a.entity.jurisdiction == "FR"), None)
    if french is None or Advance.objects.filter(activity=french).exists():
        return None
    member = french.memberships.select_related("member__user").first().member
    invoice = (Document.objects.filter(activity=french, kind=Kind.INVOICE, state=State.ISSUED,
                                       payment_state=PaymentState.AWAITING, tax_exclusive__gte=Decimal("200"))
               .order_by("-issue_date", "-id").first())
    if invoice is None:
        return None
    try:
        advance = services.request_advance(actor=member.user, document=invoice)
    except ValidationError:
        return None
    if advance.state == AdvanceState.REQUESTED:
        accountant = (RoleAssignment.objects.filter(entity_id=french.entity_id, role=Role.ACCOUNTANT)
                      .select_related("user").first())
        if accountant is not None:
            services.approve_advance(actor=accountant.user, advance=advance)
    return advance
