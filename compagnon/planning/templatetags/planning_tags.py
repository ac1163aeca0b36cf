from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def minutes(value) -> str:
    """A duration in minutes as "1 h 05" or "40 min"."""
    try:
        value = int(value or 0)
    except (TypeError, ValueError):
        return ""
    if value < 60:
        return _("%(minutes)s min") % {"minutes": value}
    return _("%(hours)s h %(minutes)02d") % {"hours": value // 60, "minutes": value % 60}


@register.filter
def hours(value) -> str:
    """Contract hours (a Decimal) as a duration."""
    if value is None:
        return ""
    return minutes(int(value * 60))
