"""``{% load buying_tags %}``: ``{{ x|quantity }}`` → "12,5" through the locale; ``{{ avg|stars }}`` →
"4,3 / 5"; ``{{ n|ratings }}`` → "3 ratings" (plural through ngettext)."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from compagnon.core.formatting import number

register = template.Library()


@register.filter
def quantity(value):
    return number(value if value is not None else 0)


@register.filter
def stars(value):
    if value is None:
        return _("not rated yet")
    return _("%(n)s / 5") % {"n": number(round(Decimal(str(value)), 1), 1)}


@register.filter
def ratings(value):
    n = int(value or 0)
    return ngettext("%(n)s rating", "%(n)s ratings", n) % {"n": n}
