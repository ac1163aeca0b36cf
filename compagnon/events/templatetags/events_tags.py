"""``{% load events_tags %}``: ``{{ x|hours }}`` → "3,5 heures" / "1 hour" through the locale."""

from decimal import Decimal

from django import template
from django.utils.translation import ngettext

from compagnon.core.formatting import number

register = template.Library()


@register.filter
def hours(value):
    d = Decimal(str(value or 0))
    n = int(d) if d == d.to_integral_value() else 2
    return ngettext("%(n)s hour", "%(n)s hours", n) % {"n": number(d)}
