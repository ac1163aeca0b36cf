"""Reads of the directory for pages and the API: always through ``access`` (what this viewer may
see of each member), starting from the viewer's permission scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Prefetch, Q
from django.urls import reverse

from compagnon import permissions
from compagnon.core.collation import by_name
from compagnon.members.models import (
    Activity,
    ActivityMembership,
    ActivityRole,
    ActivityStatus,
    Member,
    MemberStatus,
)
from compagnon.organisation.models import Office

from . import access, hooks
from .access import Access
from .models import DirectoryProfile, Showcase
from .services import default_profile, profile_of


@dataclass
class Card:
    """What one viewer sees of one member: ``None`` means hidden, an empty value means visible
    but not filled in."""

    member_id: int
    user_id: int
    name: str
    access: Access
    headline: str | None = None
    trades: list | None = None
    activities: list | None = None
    skills: list | None = None
    languages: list | None = None
    bio: str | None = None
    place: str | None = None
    zone: str | None = None
    website: str | None = None
    email: str | None = None
    phone: str | None = None
    showcases: dict = field(default_factory=dict)
    badges: list = field(default_factory=list)  # from the upper apps (hooks.register_badges)

    @property
    def url(self) -> str:
        return reverse("directory-member", args=[self.member_id])

    @property
    def message_url(self) -> str | None:
        if self.access.is_self or self.access.min_rank >= access.Visibility.PUBLIC:
            return None
        return f"{reverse('messaging-compose')}?to={self.user_id}"


def zone_text(profile: DirectoryProfile) -> str:
    if not profile.has_zone:
        return ""
    place = " ".join(p for p in (profile.zone_postcode, profile.zone_city) if p)
    return f"{place} · {profile.zone_km} km" if profile.zone_km else place


def make_card(profile: DirectoryProfile, member: Member, acc: Access, *, activities=None) -> Card:
    user = member.user
    sees = lambda f: acc.sees(profile, f)  # noqa: E731
    place = " ".join(p for p in (member.postcode, member.city) if p)
    return Card(
        member_id=member.pk,
        user_id=member.user_id,
        name=user.get_full_name() or user.email.split("@")[0],
        access=acc,
        headline=profile.headline if sees("headline") else None,
        trades=list(member.trades.all()) if sees("trades") else None,
        activities=(activities or []) if sees("activities") and activities is not None else None,
        skills=list(member.skills or []) if sees("skills") else None,
        languages=list(member.languages or []) if sees("languages") else None,
        bio=member.bio if sees("bio") else None,
        place=place if sees("place") else None,
        zone=zone_text(profile) if sees("zone") else None,
        website=profile.website if sees("website") else None,
        email=user.email if sees("email") else None,
        phone=user.phone if sees("phone") else None,
    )


def scope(user):
    return permissions.scope_for(user)


# --- search results -----------------------------------------------------------------------------


def result_cards(user, profiles) -> list[Card]:
    """Cards of a page of search results (``profiles`` from ``search.search`` with
    ``member__user`` selected and ``member__trades`` prefetched: two queries whatever the page
    size)."""
    s = scope(user)
    rows = list(profiles)
    out = []
    for p in rows:
        acc = access.access_to(s, member_id=p.member_id, entity_id=p.entity_id, office_id=p.office_id)
        if acc is not None:
            out.append(make_card(p, p.member, acc))
    extra = hooks.badges_for([c.member_id for c in out])
    for card in out:
        card.badges = extra.get(card.member_id, [])
    return out


# --- one member ----------------------------------------------------------------------------------


def _activities(member_ids) -> dict[int, list[Activity]]:
    out: dict[int, list[Activity]] = {pk: [] for pk in member_ids}
    for ms in (
        ActivityMembership.objects.filter(member_id__in=list(member_ids))
        .exclude(activity__status=ActivityStatus.CLOSED)
        .select_related("activity__trade", "activity__showcase")
        .order_by("activity__name", "activity_id")
    ):
        out[ms.member_id].append(ms.activity)
    return out


def member_card(user, member_pk: int) -> Card:
    """What ``user`` sees of member ``member_pk``; ``Member.DoesNotExist`` outside the rules
    (another entity, a member who left, the public)."""
    member = (
        Member.objects.select_related("user")
        .prefetch_related("trades")
        .exclude(status=MemberStatus.LEFT)
        .get(pk=member_pk)
    )
    acc = access.access_to(scope(user), member_id=member.pk, entity_id=member.entity_id, office_id=member.office_id)
    if acc is None:
        raise Member.DoesNotExist
    card = make_card(profile_of(member), member, acc, activities=_activities([member.pk])[member.pk])
    card.badges = hooks.badges_for([member.pk]).get(member.pk, [])
    return card


def own_member(user) -> Member | None:
    s = scope(user)
    if not s.member_active:
        return None
    return Member.objects.select_related("user", "entity", "office").prefetch_related("trades").get(pk=s.member_id)


def previews(member: Member, profile: DirectoryProfile) -> list[tuple[str, str, Card]]:
    acts = _activities([member.pk])[member.pk]
    return [(key, label, make_card(profile, member, acc, activities=acts)) for key, label, acc in access.PREVIEWS]


def held_activities(member: Member) -> list[Activity]:
    """The open activities ``member`` holds, with their showcase (for the switches)."""
    return list(
        Activity.objects.filter(memberships__member=member, memberships__role=ActivityRole.HOLDER)
        .exclude(status=ActivityStatus.CLOSED)
        .select_related("showcase", "trade")
        .order_by(*by_name("name"), "id")
    )


# --- the map --------------------------------------------------------------------------------------

MAP_NAMES_PER_PLACE = 30  # beyond: a count and a link to the search around the place


def map_offices(user):
    """Offices whose map ``user`` may open: those of the entities they reach."""
    return Office.objects.filter(entity_id__in=sorted(access.reach_entities(scope(user)))).select_related("entity").order_by("entity__name", "name", "id")


def default_office(user) -> int | None:
    s = scope(user)
    if s.member_active and s.member_office_id:
        return s.member_office_id
    first = map_offices(user).values_list("pk", flat=True).first()
    return first


def map_features(user, office_id: int | None) -> dict:
    """GeoJSON of an office: the members whose position the viewer may see and the activities
    with a showcase switched on (at the zone they serve, else their holder's place, as far as the
    member shows them to this viewer), at their commune's centroid (rounded, never the street),
    grouped by place (at most ``MAP_NAMES_PER_PLACE`` names each, then a count and a link to the
    search around it). Three queries whatever the number of members, rows read as tuples."""
    empty = {"type": "FeatureCollection", "features": []}
    s = scope(user)
    office = Office.objects.filter(pk=office_id, entity_id__in=sorted(access.reach_entities(s))).first() if office_id else None
    if office is None:
        return empty
    acc = access.access_to(s, member_id=0, entity_id=office.entity_id, office_id=office.pk)
    seen = Q() if acc.contact else Q(place_visibility__gte=acc.min_rank)
    places: dict[tuple[float, float], dict] = {}

    def add(lat, lon, label, item):
        spot = places.setdefault((lat, lon), {"label": label, "people": [], "more": 0})
        if len(spot["people"]) < MAP_NAMES_PER_PLACE:
            spot["people"].append(item)
        else:
            spot["more"] += 1

    member_url = reverse("directory-member", args=[0])[:-2] + "{}/"  # one reverse() for all
    rows = (
        DirectoryProfile.objects.filter(seen, office_id=office.pk, active=True, lat__isnull=False)
        .order_by("sort_name", "id")
        .values_list("lat", "lon", "member_id", "member__city", "member__postcode",
                     "member__user__first_name", "member__user__last_name", "member__user__email")
    )
    for lat, lon, member_id, city, postcode, first, last, email in rows:
        add(lat, lon, city or postcode, {
            "kind": "member", "name": f"{first} {last}".strip() or email.split("@")[0],
            "url": member_url.format(member_id),
        })
    showcase_url = reverse("directory-showcase", args=["x"])[:-2] + "{}/"
    showcases = (
        Showcase.objects.filter(enabled=True, member__office_id=office.pk, member__directory_profile__active=True)
        .order_by("activity__name", "id")
        .values_list("slug", "activity__name", *(f"member__directory_profile__{f}" for f in (
            "zone_lat", "zone_lon", "zone_city", "zone_postcode", "zone_visibility", "lat", "lon", "place_visibility")))
    )
    for slug, name, zlat, zlon, zcity, zpostcode, zvis, lat, lon, pvis in showcases:
        if zlat is not None and zvis >= acc.min_rank:
            lat, lon, label = zlat, zlon, zcity or zpostcode
        elif lat is not None and pvis >= acc.min_rank:
            label = ""
        else:
            continue
        add(lat, lon, label, {"kind": "activity", "name": name, "url": showcase_url.format(slug)})
    search_url = reverse("directory-search")
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
             "properties": {
                 "label": spot["label"], "people": spot["people"], "more": spot["more"],
                 "more_url": f"{search_url}?{urlencode({'postcode': spot['label'], 'km': 1})}" if spot["more"] and spot["label"] else "",
             }}
            for (lat, lon), spot in places.items()
        ],
    }


# --- showcases (public) ---------------------------------------------------------------------------


def public_showcases(entity_id: int):
    return (
        Showcase.objects.filter(entity_id=entity_id, enabled=True, member__status__in=_ACTIVE)
        .select_related("activity__trade", "member__user")
        .order_by(*by_name("activity__name"), "id")
    )


_ACTIVE = [s for s in MemberStatus.values if s != MemberStatus.LEFT]


def public_showcase(slug: str) -> tuple[Showcase, Card]:
    """An enabled showcase and the public card of its member; ``Showcase.DoesNotExist`` else."""
    sc = (
        Showcase.objects.select_related("activity__trade", "activity__entity", "member__user")
        .prefetch_related(Prefetch("member__trades"))
        .get(slug=slug, enabled=True, member__status__in=_ACTIVE)
    )
    profile = profile_of(sc.member) if sc.member_id else default_profile(sc.member)
    return sc, make_card(profile, sc.member, access.PUBLIC, activities=[])
