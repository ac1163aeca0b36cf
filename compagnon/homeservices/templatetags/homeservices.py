"""``{% load homeservices %}``: ``{{ hours|number }}`` and ``{{ avg|number:1 }}`` through the locale."""

from django import template

from compagnon.core import formatting

register = template.Library()


@register.filter
def number(value, places=2):
    return formatting.number(value, int(places))
