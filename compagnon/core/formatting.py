"""Numbers, percentages and names as a reader of the active language expects them.

* ``percent(Decimal("10.00"))`` → "10 %" in French (a non-breaking space before %), "10%" in
  Dutch and English; at most two decimals, no useless zeros ("5,5 %").
* ``money(Decimal("64.8000000"))`` → "64,80 €" with the locale's separators.
* ``sort_key(name)`` → a key that sorts names as a dictionary does ("Éléonore" with the E's, not
  after "Zoé"; case and accents only break ties). No collation library is installed: the key is
  the name without accents (Unicode decomposition), case-folded, then the name itself.
* ``text_list(["a", "b", "c"], "or")`` → "a, b ou c" in French, "a, b of c" in Dutch, "a, b, or c"
  in English: a list joined the way the active language writes it (CLDR, through Babel).
"""

import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import get_language, to_locale

NBSP = "\u00a0"


def _decimal(value):
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None


def number(value, max_places=2):
    """A number through the locale, rounded to ``max_places`` and without trailing zeros."""
    d = _decimal(value)
    if d is None:
        return value
    d = round(d, max_places)
    places = 0
    text = f"{d:f}"
    if "." in text:
        places = len(text.split(".")[1].rstrip("0"))
    return number_format(d, decimal_pos=places, force_grouping=True)


def percent(value, max_places=2):
    d = _decimal(value)
    if d is None:
        return value
    sign = f"{NBSP}%" if (get_language() or "").startswith("fr") else "%"
    return number(d, max_places) + sign


def money(value):
    d = _decimal(value)
    if d is None:
        return value
    return number_format(round(d, 2), decimal_pos=2, force_grouping=True) + f"{NBSP}€"


def sort_key(name):
    text = str(name or "")
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return (bare.casefold(), text.casefold(), text)


def sorted_by_name(items, name=lambda item: item.name):
    return sorted(items, key=lambda item: sort_key(name(item)))


def text_list(items, style="standard"):
    """``items`` (translated on the way: lazy strings are fine) joined as the active language
    writes a list: ``style`` "standard" (… and …) or "or" (… or …)."""
    from babel import Locale, UnknownLocaleError
    from babel.lists import format_list

    words = [str(item) for item in items]
    try:
        locale = Locale.parse(to_locale(get_language() or "en"))
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse("en")
    return format_list(words, style=style, locale=locale)
