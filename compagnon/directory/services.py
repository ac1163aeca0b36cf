"""Every change of the directory: a member's choices, the showcase switch, the search columns kept
in step with the member's data, and the messages visitors send through a showcase."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.geo import centroids
from compagnon.members.models import (
    ActivityMembership,
    ActivityStatus,
    Member,
    MemberStatus,
)
from compagnon.notifications.services import notify

from . import text
from .access import FIELD_NAMES, NOT_PUBLIC
from .models import ZONE_KM_MAX, DirectoryProfile, SearchText, Showcase, Visibility

DEFAULT_ZONE_KM = 20
PLACES = 3  # decimals kept of a centroid (about 100 m): the commune, never the street
EDITABLE = ["headline", "website", "zone_city", "zone_postcode", "zone_km"]
SEARCH_COLUMNS = [
    "entity", "office", "active", "sort_name", "text_name", "trade_codes", "activity_trade_codes",
    "norm_skills", "norm_languages", "lat", "lon", "zone_lat", "zone_lon",
]
TEXT_COLUMNS = ["text_office", "text_entity", "text_staff"]
# PostgreSQL: the full-text vectors of the search texts, French and Dutch, accents ignored.
VECTOR_SQL = """
UPDATE directory_searchtext SET
  fts_office = to_tsvector('french', unaccent(text_office)) || to_tsvector('dutch', unaccent(text_office)),
  fts_entity = to_tsvector('french', unaccent(text_entity)) || to_tsvector('dutch', unaccent(text_entity)),
  fts_staff = to_tsvector('french', unaccent(text_staff)) || to_tsvector('dutch', unaccent(text_staff))
"""
VECTOR_WHERE = " WHERE profile_id IN (SELECT id FROM directory_directoryprofile WHERE member_id = ANY(%s))"


# --- reading one's profile ------------------------------------------------------------------------


def default_profile(member: Member) -> DirectoryProfile:
    """The choices of a member who never saved any (not written: nothing is created on a read)."""
    return DirectoryProfile(member=member, entity_id=member.entity_id, office_id=member.office_id)


def profile_of(member: Member) -> DirectoryProfile:
    return DirectoryProfile.objects.filter(member_id=member.pk).first() or default_profile(member)


# --- the search columns ---------------------------------------------------------------------------


def _centroid(postcode: str, city: str, country: str):
    if not postcode and not city:
        return None
    found = centroids.lookup(postcode=postcode, city=city, country=country)
    if found is None:
        return None
    return round(float(found[0]), PLACES), round(float(found[1]), PLACES)


def _fill(profile: DirectoryProfile, member: Member, activities) -> dict[str, str]:
    """Write the search columns of ``profile``; return the texts of its ``SearchText``."""
    user, country = member.user, member.entity.jurisdiction
    profile.entity_id, profile.office_id = member.entity_id, member.office_id
    profile.active = member.status != MemberStatus.LEFT
    profile.sort_name = text.fold(f"{user.last_name} {user.first_name}")[:220]
    profile.text_name = text.fold(f"{user.first_name} {user.last_name}")[:220]
    profile.trade_codes = text.codes(t.code for t in member.trades.all())[:500]
    profile.activity_trade_codes = text.codes(sorted({a.trade.code for a in activities if a.trade}))[:500]
    profile.norm_skills = text.codes(text.fold(s) for s in member.skills or [])
    profile.norm_languages = text.codes(text.fold(s) for s in member.languages or [])[:500]
    home = _centroid(member.postcode, member.city, country)
    profile.lat, profile.lon = home if home else (None, None)
    zone = _centroid(profile.zone_postcode, profile.zone_city, country) if profile.has_zone else None
    profile.zone_lat, profile.zone_lon = zone if zone else (None, None)
    return text.documents(member, profile, activities)


def update_vectors(member_ids=None) -> None:
    """PostgreSQL: recompute the full-text vectors (of these members, or of everybody)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if member_ids is None:
            cursor.execute(VECTOR_SQL)
        else:
            cursor.execute(VECTOR_SQL + VECTOR_WHERE, [list(member_ids)])  # noqa: S608 - constant SQL


def refresh_profiles(member_ids) -> int:
    """Write the search columns of these members' profiles from their member data, their
    activities and their choices, creating the profiles that do not exist yet (with the default
    choices). A constant number of queries whatever the number of members."""
    ids = sorted({int(pk) for pk in member_ids})
    if not ids:
        return 0
    members = list(
        Member.objects.filter(pk__in=ids).select_related("user", "entity").prefetch_related("trades")
    )
    by_member: dict[int, list] = {m.pk: [] for m in members}
    for ms in (
        ActivityMembership.objects.filter(member_id__in=ids)
        .exclude(activity__status=ActivityStatus.CLOSED)
        .select_related("activity__trade")
        .order_by("activity__name", "activity_id")
    ):
        by_member[ms.member_id].append(ms.activity)
    existing = {p.member_id: p for p in DirectoryProfile.objects.filter(member_id__in=ids)}
    new, changed, texts = [], [], []
    for m in members:
        profile = existing.get(m.pk)
        if profile is None:
            profile = default_profile(m)
            new.append(profile)
        else:
            changed.append(profile)
        texts.append((profile, _fill(profile, m, by_member[m.pk])))
    if new:  # a concurrent refresh may create the same profile: it writes the same columns
        DirectoryProfile.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
        made = dict(
            DirectoryProfile.objects.filter(member_id__in=[p.member_id for p in new]).values_list("member_id", "pk")
        )
        for p in new:
            p.pk = made[p.member_id]
    if changed:
        DirectoryProfile.objects.bulk_update(changed, SEARCH_COLUMNS, batch_size=1000)
    have = set(SearchText.objects.filter(profile_id__in=[p.pk for p in changed]).values_list("profile_id", flat=True))
    rows = [SearchText(profile_id=p.pk, **t) for p, t in texts]
    SearchText.objects.bulk_create(
        [r for r in rows if r.profile_id not in have], batch_size=1000, ignore_conflicts=True
    )
    SearchText.objects.bulk_update([r for r in rows if r.profile_id in have], TEXT_COLUMNS, batch_size=1000)
    update_vectors(ids)
    return len(members)


def refresh_all(batch: int = 2000) -> int:
    """Every member's profile (``manage.py refresh_directory``): missing ones created, all
    search columns written again."""
    done = 0
    ids = list(Member.objects.order_by("pk").values_list("pk", flat=True))
    for i in range(0, len(ids), batch):
        with transaction.atomic():
            done += refresh_profiles(ids[i : i + batch])
    return done


def refresh_later(member_ids) -> None:
    """After the current transaction commits: used by the receivers of member changes."""
    ids = [pk for pk in member_ids if pk]
    if ids:
        transaction.on_commit(lambda: refresh_profiles(ids))


# --- the member's choices -------------------------------------------------------------------------


def _clean_visibility(field: str, value) -> int:
    try:
        level = Visibility(int(value))
    except (TypeError, ValueError):
        raise ValidationError({f"{field}_visibility": _("Choose who sees this field.")}) from None
    if field in NOT_PUBLIC and level == Visibility.PUBLIC:
        raise ValidationError(
            {f"{field}_visibility": _("Your email is never public: visitors write to you through the form of your showcase.")}
        )
    return int(level)


def _clean_fields(changes: dict) -> dict:
    out = {}
    for name in EDITABLE:
        if name in changes:
            value = changes[name]
            out[name] = value.strip() if isinstance(value, str) else value
    if "headline" in out and len(out["headline"] or "") > 120:
        raise ValidationError({"headline": _("Keep the headline to 120 characters.")})
    if out.get("website"):
        try:
            URLValidator(schemes=["http", "https"])(out["website"])
        except ValidationError:
            raise ValidationError({"website": _("Enter the full address of your site, e.g. https://example.org.")}) from None
    if "zone_km" in out and out["zone_km"] is not None:
        try:
            out["zone_km"] = int(out["zone_km"])
        except (TypeError, ValueError):
            raise ValidationError({"zone_km": _("Enter the radius as a whole number of km.")}) from None
        if not 1 <= out["zone_km"] <= ZONE_KM_MAX:
            raise ValidationError({"zone_km": _("Enter a radius from 1 to %(max)s km.") % {"max": ZONE_KM_MAX}})
    return out


@transaction.atomic
def update_profile(*, actor, member: Member, **changes) -> DirectoryProfile:
    """The member saves their directory-only fields and who sees each field. ``changes`` holds
    any of ``headline``, ``website``, ``zone_city``, ``zone_postcode``, ``zone_km`` and
    ``<field>_visibility`` (a ``Visibility`` value) for the fields of ``access.FIELDS``."""
    member = Member.objects.select_related("entity", "user").get(pk=member.pk)
    require(actor, "directory.change_profile", member)
    unknown = set(changes) - set(EDITABLE) - {f"{f}_visibility" for f in FIELD_NAMES}
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot be changed here.")})
    country = member.entity.jurisdiction
    values = _clean_fields(changes)
    for field in FIELD_NAMES:
        key = f"{field}_visibility"
        if key in changes:
            values[key] = _clean_visibility(field, changes[key])
    profile = DirectoryProfile.objects.select_for_update().filter(member_id=member.pk).first()
    if profile is None:
        refresh_profiles([member.pk])
        profile = DirectoryProfile.objects.select_for_update().get(member_id=member.pk)
    before = {k: getattr(profile, k) for k in values}
    for k, v in values.items():
        setattr(profile, k, v)
    if not profile.has_zone:
        profile.zone_km = None
    elif profile.zone_km is None:
        profile.zone_km = DEFAULT_ZONE_KM
    if profile.has_zone and _centroid(profile.zone_postcode, profile.zone_city, country) is None:
        raise ValidationError({"zone_city": _("We do not know this place: check the commune and the postcode.")})
    profile.configured_at = timezone.now()
    profile.save()
    refresh_profiles([member.pk])
    profile.refresh_from_db()
    after = {k: getattr(profile, k) for k in values}
    record(
        actor=actor,
        action="directory.profile_updated",
        obj=profile,
        entity=member.entity,
        member=member,
        message=gettext_noop("Directory profile of %(name)s updated"),
        params={"name": str(member.user)},
        before=before,
        after=after,
    )
    return profile


# --- showcases --------------------------------------------------------------------------------


def _slug_for(activity) -> str:
    base = slugify(activity.name)[:60].strip("-") or "activity"
    slug = base
    taken = Showcase.objects.exclude(activity_id=activity.pk)
    n = 0
    while taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{activity.pk}" if n == 1 else f"{base}-{activity.pk}-{n}"
    return slug


@transaction.atomic
def set_showcase(*, actor, activity, enabled: bool, show_name: bool = True) -> Showcase:
    """A holder of ``activity`` switches its public showcase page on or off. The page shows the
    activity and the public fields of the holder who switched it on; visitors' messages go to
    them."""
    from compagnon.permissions import scope_for

    require(actor, "directory.change_showcase", activity)
    member = Member.objects.select_related("entity").get(pk=scope_for(actor).member_id)
    showcase = Showcase.objects.select_for_update().filter(activity_id=activity.pk).first()
    if showcase is None:
        showcase = Showcase(activity=activity, entity_id=activity.entity_id, member=member, slug=_slug_for(activity))
    if enabled:
        showcase.member = member
    showcase.enabled = bool(enabled)
    showcase.show_name = bool(show_name)
    showcase.save()
    record(
        actor=actor,
        action="directory.showcase_on" if enabled else "directory.showcase_off",
        obj=showcase,
        entity=member.entity,
        member=member,
        activity=activity,
        message=gettext_noop("Showcase page of %(activity)s switched on")
        if enabled
        else gettext_noop("Showcase page of %(activity)s switched off"),
        params={"activity": activity.name},
    )
    return showcase


def _absolute(path: str) -> str:
    return (getattr(settings, "PORTAL_BASE_URL", "") or "http://localhost:8000").rstrip("/") + path


def send_showcase_message(*, showcase: Showcase, name: str, email: str, message: str) -> None:
    """A visitor writes to the member behind a showcase: an email to the member (the visitor
    never learns the member's address) and a notification. Sent after commit."""
    name, email, message = (name or "").strip(), (email or "").strip(), (message or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Say who you are.")
    if not message:
        errors["message"] = _("Write your message.")
    elif len(message) > 3000:
        errors["message"] = _("Keep your message to 3,000 characters.")
    if errors:
        raise ValidationError(errors)
    user = showcase.member.user
    activity_name = showcase.activity.name
    with translation.override(user.language or "fr"):
        subject = _("A message through your showcase page: %(activity)s") % {"activity": activity_name}
        body = _(
            "%(name)s (%(email)s) wrote to you through the showcase page of %(activity)s:\n\n"
            "%(message)s\n\n"
            "Reply to %(email)s. Your own address was not shown to them.\n%(url)s"
        ) % {
            "name": name, "email": email, "activity": activity_name, "message": message,
            "url": _absolute(reverse("directory-showcase", args=[showcase.slug])),
        }

    def send():
        from compagnon.core.tasks import send_email

        send_email.enqueue(to=[user.email], subject=subject, body=body)
        notify(
            user,
            title=lambda: _("%(name)s wrote to you through your showcase page") % {"name": name},
            body=message[:200],
            url=reverse("directory-profile-edit"),
        )

    transaction.on_commit(send)
