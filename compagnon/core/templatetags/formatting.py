"""``{% load formatting %}``: percentages, money and ledger lines through the active language.

``{{ rate|percent }}`` → "10 %" (French), ``{{ total|money }}`` → "1 234,50 €",
``{{ line|line_detail }}`` → the line's own label only when it says more than its entry's.
"""

import re

from django import template

from compagnon.core import formatting

register = template.Library()
register.filter("percent", formatting.percent)
register.filter("money", formatting.money)


@register.filter
def line_detail(line):
    """A ledger line's label, unless its words are all in its entry's label (and client name):
    "F2026-00007 Hélène Dubois" under "Facture F2026-00007 — Hélène Dubois" says nothing new."""
    label = (line.label or "").strip()
    around = f"{line.entry.label} {line.client.name if line.client_id else ''}"
    words = set(re.findall(r"\w+", label.casefold()))
    if not words or words <= set(re.findall(r"\w+", around.casefold())):
        return ""
    return label
