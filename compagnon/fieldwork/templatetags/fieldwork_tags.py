"""Template helpers of field service: links to the phone's maps, durations in words."""

from urllib.parse import quote

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def geo_uri(place) -> str:
    """``geo:`` link that opens the phone's maps app at the place (RFC 5870), with the address as
    the query so the app shows it by name."""
    query = quote(place.full_address)
    if place.latitude is not None and place.longitude is not None:
        return f"geo:{place.latitude},{place.longitude}?q={query}"
    return f"geo:0,0?q={query}"


@register.filter
def web_maps(place) -> str:
    """An https map of the place for phones and computers without a ``geo:`` handler."""
    if place.latitude is not None and place.longitude is not None:
        return (
            f"https://www.openstreetmap.org/?mlat={place.latitude}&mlon={place.longitude}"
            f"#map=17/{place.latitude}/{place.longitude}"
        )
    return f"https://www.openstreetmap.org/search?query={quote(place.full_address)}"


@register.filter
def duration(minutes) -> str:
    """90 → "1 h 30", 60 → "1 h", 45 → "45 min"."""
    minutes = int(minutes or 0)
    hours, rest = divmod(minutes, 60)
    if not hours:
        return _("%(m)s min") % {"m": rest}
    if not rest:
        return _("%(h)s h") % {"h": hours}
    return _("%(h)s h %(m)02d") % {"h": hours, "m": rest}
