"""The member directory: what each member shows, to whom, and the public showcases.

``DirectoryProfile`` — one per member, created lazily (the first time the member, a change of their
member data or ``manage.py refresh_directory`` needs it). For each field the member chooses who
sees it (``Visibility``: nobody / members of my office / all members of the cooperative / the
public showcase). Besides the choices it keeps directory-only fields (headline, website, zone
served) and search columns that only ``services.refresh_profiles`` writes: the folded name, the
trade codes, skills and languages, the commune centroid of the member's place and of the zone
served; the text each kind of viewer may search (folded: lowercase, no accents) and, on
PostgreSQL, its full-text vectors are in ``SearchText`` beside it.

``Showcase`` — the public page of one activity (no login, by its slug), shown only while a holder
of the activity keeps it switched on.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

ZONE_KM_MAX = 200


class Visibility(models.IntegerChoices):
    """Who sees a field; a larger value reaches more people (compared with ``>=``)."""

    NOBODY = 0, pgettext_lazy("directory visibility", "Nobody")
    OFFICE = 1, pgettext_lazy("directory visibility", "Members of my office")
    ENTITY = 2, pgettext_lazy("directory visibility", "All members of the cooperative")
    PUBLIC = 3, pgettext_lazy("directory visibility", "Public (my showcase page)")


# The API names the levels with words rather than numbers.
VISIBILITY_CODES = {0: "nobody", 1: "office", 2: "entity", 3: "public"}
CODE_VISIBILITIES = {v: k for k, v in VISIBILITY_CODES.items()}
VISIBILITY_LEVELS = list(VISIBILITY_CODES.values())  # API enum DirectoryVisibilityEnum
PRIVATE_VISIBILITY_LEVELS = VISIBILITY_LEVELS[:-1]  # the email's: DirectoryPrivateVisibilityEnum


def _visibility(label, default=Visibility.NOBODY):
    return models.PositiveSmallIntegerField(label, choices=Visibility.choices, default=default)


class DirectoryProfile(models.Model):
    member = models.OneToOneField(
        "members.Member", on_delete=models.CASCADE, related_name="directory_profile",
        verbose_name=_("member"),
    )
    # directory-only fields, written by the member
    headline = models.CharField(
        _("headline"), max_length=120, blank=True,
        help_text=_("One line under your name, e.g. “Ecological gardening around Nantes”."),
    )
    website = models.URLField(_("website"), max_length=200, blank=True)
    zone_city = models.CharField(_("zone served: commune"), max_length=100, blank=True)
    zone_postcode = models.CharField(_("zone served: postcode"), max_length=16, blank=True)
    zone_km = models.PositiveSmallIntegerField(
        _("zone served: radius (km)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(ZONE_KM_MAX)],
    )
    # who sees what (defaults: nothing beyond the name and the trades, inside the cooperative)
    email_visibility = _visibility(_("who sees my email"))
    phone_visibility = _visibility(_("who sees my phone"))
    place_visibility = _visibility(_("who sees my city and my position on the map"))
    headline_visibility = _visibility(_("who sees my headline"))
    bio_visibility = _visibility(_("who sees my bio"))
    skills_visibility = _visibility(_("who sees my skills"))
    languages_visibility = _visibility(_("who sees my languages"))
    trades_visibility = _visibility(_("who sees my trades"), Visibility.ENTITY)
    activities_visibility = _visibility(_("who sees my activities"))
    zone_visibility = _visibility(_("who sees the zone I serve"))
    website_visibility = _visibility(_("who sees my website"))
    configured_at = models.DateTimeField(_("choices saved on"), null=True, blank=True)
    # search columns: written by services.refresh_profiles only
    entity = models.ForeignKey(
        "organisation.Entity", on_delete=models.CASCADE, related_name="+", verbose_name=_("entity")
    )
    office = models.ForeignKey(
        "organisation.Office", on_delete=models.CASCADE, related_name="+", verbose_name=_("office")
    )
    active = models.BooleanField(_("in the directory"), default=True)
    sort_name = models.CharField(max_length=220, blank=True)
    text_name = models.CharField(max_length=220, blank=True)
    trade_codes = models.CharField(max_length=500, blank=True)
    activity_trade_codes = models.CharField(max_length=500, blank=True)
    norm_skills = models.TextField(blank=True)
    norm_languages = models.CharField(max_length=500, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    zone_lat = models.FloatField(null=True, blank=True)
    zone_lon = models.FloatField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("directory profile")
        verbose_name_plural = _("directory profiles")
        ordering = ["sort_name", "id"]
        indexes = [
            models.Index(fields=["entity", "active", "sort_name"], name="directory_entity_name"),
            models.Index(fields=["office", "active", "sort_name"], name="directory_office_name"),
            models.Index(fields=["lat", "lon"], name="directory_position"),
            models.Index(fields=["zone_lat", "zone_lon"], name="directory_zone"),
            # every active profile in name order: a search for a common word walks it and stops
            # when the page is full (search._few_candidates)
            models.Index(fields=["sort_name", "id"], condition=models.Q(active=True), name="directory_active_name"),
        ]

    def __str__(self):
        return self.sort_name or str(self.member_id)

    def visibility(self, field: str) -> int:
        return getattr(self, f"{field}_visibility")

    @property
    def has_zone(self) -> bool:
        return bool(self.zone_city or self.zone_postcode)


class SearchText(models.Model):
    """The words each kind of viewer may find a member by (see ``text.documents``), and on
    PostgreSQL their full-text vectors. Kept apart from the profile so that the profiles' rows
    stay narrow: the filters by trade, skill, zone… read them all, the keywords go through the
    indexes of this table."""

    profile = models.OneToOneField(
        DirectoryProfile, on_delete=models.CASCADE, primary_key=True, related_name="search_text"
    )
    text_office = models.TextField(blank=True)
    text_entity = models.TextField(blank=True)
    text_staff = models.TextField(blank=True)
    fts_office = SearchVectorField(null=True, blank=True)
    fts_entity = SearchVectorField(null=True, blank=True)
    fts_staff = SearchVectorField(null=True, blank=True)

    class Meta:
        verbose_name = _("directory search text")
        verbose_name_plural = _("directory search texts")

    def __str__(self):
        return str(self.profile_id)


class Showcase(models.Model):
    activity = models.OneToOneField(
        "members.Activity", on_delete=models.CASCADE, related_name="showcase",
        verbose_name=_("activity"),
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="showcases",
        verbose_name=_("member"),
        help_text=_("The member whose public fields the page shows and who receives its messages."),
    )
    entity = models.ForeignKey(
        "organisation.Entity", on_delete=models.CASCADE, related_name="+", verbose_name=_("entity")
    )
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    enabled = models.BooleanField(_("switched on"), default=False)
    show_name = models.BooleanField(
        _("show my name"), default=True,
        help_text=_("Show your first and last name on the page, besides the activity's name."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("showcase page")
        verbose_name_plural = _("showcase pages")
        ordering = ["slug"]
        indexes = [models.Index(fields=["entity", "enabled"], name="directory_showcase_entity")]

    def __str__(self):
        return self.slug
