"""Demo data: every demo member gets a directory profile with a mix of choices (some show much to
the public, some keep to their office, some never chose), and the members who show their work
publicly switch on the showcase page of their first activity. Through the services, acted by each
member; texts in the entity's language. Idempotent: members who already chose are left alone."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from compagnon.members.models import (
    ActivityMembership,
    ActivityRole,
    ActivityStatus,
    Member,
    MemberStatus,
)

from . import services
from .models import DirectoryProfile, Showcase
from .models import Visibility as V

# (choices, zone radius, showcase on) in turn over the members of each entity
PATTERNS = [
    ({"headline": V.PUBLIC, "trades": V.PUBLIC, "activities": V.PUBLIC, "skills": V.PUBLIC,
      "languages": V.ENTITY, "bio": V.PUBLIC, "zone": V.PUBLIC, "place": V.ENTITY, "website": V.PUBLIC,
      "email": V.OFFICE, "phone": V.OFFICE}, 25, True),
    ({"headline": V.ENTITY, "trades": V.ENTITY, "activities": V.ENTITY, "skills": V.ENTITY,
      "languages": V.OFFICE, "bio": V.OFFICE, "zone": V.ENTITY, "place": V.OFFICE, "email": V.ENTITY,
      "phone": V.NOBODY}, 15, False),
    ({"headline": V.PUBLIC, "trades": V.ENTITY, "activities": V.PUBLIC, "skills": V.ENTITY,
      "bio": V.ENTITY, "zone": V.PUBLIC, "place": V.ENTITY, "email": V.ENTITY, "phone": V.ENTITY}, 30, True),
    ({}, None, False),  # never chose: the name and the trades, inside the cooperative
]


def _headline(member: Member) -> str:
    trade = next(iter(member.trades.all()), None)
    if trade is None:
        return ""
    name = {"fr": trade.name_fr, "nl": trade.name_nl}.get(translation.get_language()[:2], trade.name_en)
    return _("%(trade)s around %(city)s") % {"trade": name, "city": member.city} if member.city else name


def seed_demo_directory(entities) -> dict:
    out = {"profiles": 0, "showcases": 0}
    for entity in entities:
        people = list(
            Member.objects.filter(entity=entity).exclude(status=MemberStatus.LEFT)
            .select_related("user", "entity").prefetch_related("trades").order_by("number", "pk")
        )
        services.refresh_profiles([m.pk for m in people])
        chosen = set(DirectoryProfile.objects.filter(member__in=people, configured_at__isnull=False).values_list("member_id", flat=True))
        with translation.override(entity.default_language):
            for i, member in enumerate(people):
                if member.pk in chosen:
                    continue
                choices, km, showcase = PATTERNS[i % len(PATTERNS)]
                changes = {f"{field}_visibility": level for field, level in choices.items()}
                if choices:
                    changes.update(headline=_headline(member), zone_city=member.city, zone_postcode=member.postcode,
                                   zone_km=km if member.city or member.postcode else None)
                try:
                    services.update_profile(actor=member.user, member=member, **changes)
                except ValidationError:  # a place the offline centroids do not know: no zone
                    changes.update(zone_city="", zone_postcode="", zone_km=None)
                    services.update_profile(actor=member.user, member=member, **changes)
                out["profiles"] += 1
                if showcase:
                    out["showcases"] += _showcase(member)
    return out


def _showcase(member: Member) -> int:
    held = (
        ActivityMembership.objects.filter(member=member, role=ActivityRole.HOLDER)
        .exclude(activity__status=ActivityStatus.CLOSED)
        .select_related("activity").order_by("activity__created_at", "activity_id").first()
    )
    if held is None or Showcase.objects.filter(activity=held.activity).exists():
        return 0
    services.set_showcase(actor=member.user, activity=held.activity, enabled=True)
    return 1
