"""Demo data: per entity, negotiated terms on its first two suppliers (by the administrator), a few
members' ratings, and one open group purchase with two or three activities taking part. Everything
goes through the services, acted by the people concerned; texts in the entity's language."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from compagnon.accounts.models import Role, RoleAssignment
from compagnon.members.models import ActivityMembership, ActivityRole, ActivityStatus, MemberStatus
from compagnon.purchases.models import Supplier

from . import group, services
from .models import GroupPurchase, SupplierTerms


def _admin(entity):
    ra = RoleAssignment.objects.filter(entity=entity, role=Role.ADMIN).select_related("user").first()
    return ra.user if ra else None


def _holders(entity) -> list[ActivityMembership]:
    seen, out = set(), []
    for m in (ActivityMembership.objects.filter(activity__entity=entity, role=ActivityRole.HOLDER,
                                                member__user__isnull=False, member__status__in=[
                                                    s for s in MemberStatus.values if s != MemberStatus.LEFT])
              .exclude(activity__status=ActivityStatus.CLOSED)
              .select_related("activity", "member__user").order_by("activity_id")):
        if m.member_id in seen:
            continue
        seen.add(m.member_id)
        out.append(m)
        if len(out) == 3:
            break
    return out


def seed_demo_buying(entities) -> dict:
    """Idempotent: an entity whose suppliers already have terms is left alone."""
    out = {"terms": 0, "ratings": 0, "groups": 0}
    today = timezone.localdate()
    for entity in entities:
        suppliers = list(Supplier.objects.filter(entity=entity).order_by("id")[:2])
        admin = _admin(entity)
        if not suppliers or admin is None or SupplierTerms.objects.filter(supplier__entity=entity).exists():
            continue
        with translation.override(entity.default_language):
            out["terms"] += _terms(admin, suppliers, today)
            holders = _holders(entity)
            out["ratings"] += _ratings(holders, suppliers)
            if len(holders) >= 2 and not GroupPurchase.objects.filter(entity=entity).exists():
                out["groups"] += _group(holders, suppliers[0], today)
    return out


seed = seed_demo_buying


def _terms(admin, suppliers, today) -> int:
    plans = [
        {"discount_percent": Decimal("12"), "contact_name": "Claire Moreau", "contact_phone": "+33 2 40 00 00 00",
         "conditions": _("Free delivery from 300 € excl. VAT. Mention the cooperative's agreement when ordering.")},
        {"discount_percent": Decimal("8"), "contact_name": "Tom Peeters", "contact_phone": "+32 51 00 00 00",
         "conditions": _("Payment at 30 days. Group orders delivered to one address.")},
    ]
    for supplier, plan in zip(suppliers, plans, strict=False):
        services.save_terms(actor=admin, supplier=supplier, valid_from=today.replace(month=1, day=1),
                            valid_until=today.replace(month=12, day=31),
                            contact_email=supplier.email or "", **plan)
    return len(suppliers)


def _ratings(holders, suppliers) -> int:
    comments = [(5, _("Fast delivery, friendly service.")), (4, _("Good quality, a bit slow to answer.")),
                (3, "")]
    made = 0
    for m, (stars, comment) in zip(holders, comments, strict=False):
        for supplier in suppliers:
            services.rate(actor=m.member.user, supplier=supplier, stars=stars, comment=comment)
            made += 1
    return made


def _group(holders, supplier, today) -> int:
    opener = holders[0].member.user
    g = group.open_group(actor=opener, supplier=supplier, title=_("Spring order"),
                         description=_("Potting compost, 50 l bags, organic."), unit=_("bag"),
                         unit_price=Decimal("7.90"), deadline=today + datetime.timedelta(days=10),
                         minimum_quantity=Decimal("40"))
    for m, qty in zip(holders, (Decimal("20"), Decimal("12"), Decimal("6")), strict=False):
        group.join(actor=m.member.user, group=g, activity=m.activity, quantity=qty)
    return 1
