"""``{% load governance_tags %}``: counts through the locale (``{{ n|count }}`` → "1 000" in French)."""

from django import template

from compagnon.core import formatting

register = template.Library()


@register.filter
def count(value):
    return formatting.number(value or 0, max_places=0)


@register.filter
def is_in(item, container):
    return item in container


@register.simple_tag
def pair(a, b):
    return (a, b)
