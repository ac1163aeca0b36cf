from django import template

from .. import rows

register = template.Library()


@register.simple_tag
def money_rows(money, links=False):
    """``{% money_rows money links %}``: the money table's rows, one per activity (see ``home/rows.py``)."""
    return rows.money_rows(money, bool(links))
