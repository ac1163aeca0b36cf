from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def amount(value, places=2):
    """A stored decimal string printed with the active language's separators (1 234,50)."""
    try:
        d = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return value
    places = int(places)
    if places == 3:  # quantities: no useless trailing zeros
        d = d.normalize()
        places = max(0, -d.as_tuple().exponent)
    return number_format(d, decimal_pos=places, force_grouping=True)


@register.filter
def iban(value):
    value = (value or "").replace(" ", "")
    return " ".join(value[i:i + 4] for i in range(0, len(value), 4))


@register.filter
def epc_qr(payload):
    """The EPC (SEPA credit transfer) QR code of a frozen payment payload, as inline SVG."""
    from django.utils.safestring import mark_safe

    from compagnon.sales.payment import qr_svg

    return mark_safe(qr_svg(payload or ""))  # noqa: S308 - SVG made by qrcode from our own payload


class Options:
    """A choice list escaped once, for the ``<select>`` of every editor line: rendering its options
    through the template language was most of the editor's CPU (docs/sizing.md, issue 17)."""

    def __init__(self, choices):
        from django.utils.html import escape

        self.choices = list(choices)
        self._parts = [(str(value), escape(str(value)), escape(str(label))) for value, label in self.choices]

    def __iter__(self):
        return iter(self.choices)

    def __len__(self):
        return len(self.choices)

    def html(self, selected) -> str:
        from django.utils.safestring import mark_safe

        selected = "" if selected is None else str(selected)
        return mark_safe("".join(  # noqa: S308 - values and labels escaped in __init__
            f'<option value="{value}"{" selected" if raw == selected else ""}>{label}</option>'
            for raw, value, label in self._parts))


@register.simple_tag
def options(choices, selected):
    """``<option>``s of ``choices`` (pairs or an :class:`Options`), ``selected`` marked."""
    if not isinstance(choices, Options):
        choices = Options(choices)
    return choices.html(selected)
