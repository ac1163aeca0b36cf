"""``{% load cooperation_tags %}``: ``{{ x|hours }}`` → "1,5 heures" / "1 hour" through the locale;
``{{ x|balance_hours }}`` adds a sign ("+2 hours", "−1.5 hours")."""

from decimal import Decimal

from django import template
from django.utils.translation import ngettext

from compagnon.core.formatting import number

register = template.Library()


def _plural_count(d: Decimal) -> int:
    d = abs(d)
    return int(d) if d == d.to_integral_value() else 2


@register.filter
def hours(value):
    d = Decimal(str(value or 0))
    return ngettext("%(n)s hour", "%(n)s hours", _plural_count(d)) % {"n": number(d)}


@register.filter
def balance_hours(value):
    d = Decimal(str(value or 0))
    text = ngettext("%(n)s hour", "%(n)s hours", _plural_count(d)) % {"n": number(abs(d))}
    if d > 0:
        return f"+{text}"
    if d < 0:
        return f"\u2212{text}"
    return text
