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
    """The EPC (SEPA credit transfer) QR code of a frozen payment payload, as an image (a PNG in a
    data URL: the PDF and the browser's preview alike)."""
    import base64

    from django.utils.html import format_html

    from compagnon.sales.payment import qr_png

    data = qr_png(payload or "")
    if not data:
        return ""
    return format_html('<img class="qr-code" src="data:image/png;base64,{}" alt="">', base64.b64encode(data).decode())


class Options:
    """A choice list escaped once, for the ``<select>`` of every editor line: rendering its options
    through the template language was most of the editor's CPU (docs/sizing.md, issue 17)."""

    def __init__(self, choices):
        from django.utils.html import escape

        self.choices = list(choices)
        self._parts = [(str(value), escape(str(value)), escape(str(label))) for value, label in self.choices]
        self.key = tuple(self._parts)  # what it writes: a cache key for what is rendered from it

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


@register.simple_tag
def field(bound_field):
    """``{% include "_field.html" with field=… %}`` written by Python (``sales.fields``): the editor's
    thirteen header fields on every visit."""
    from compagnon.sales.fields import field_html

    return field_html(bound_field)


_LINE_TEMPLATES: dict = {}


@register.simple_tag(takes_context=True)
def line_template(context, row):
    """``sales/_line.html`` for the editor's hidden model row of a line kind (what "+ Line" copies):
    the same HTML on every visit for a language and the unit and VAT lists, so rendered once per
    process for each of them (three rows of every editor page)."""
    from django.template.loader import get_template
    from django.utils.translation import get_language

    vats, units = context["vat_choices"], context["units"]
    key = (get_language(), tuple(sorted(row.items())), vats.key, units.key)
    html = _LINE_TEMPLATES.get(key)
    if html is None:
        if len(_LINE_TEMPLATES) >= 512:  # entities × languages × kinds is far fewer; a bound all the same
            _LINE_TEMPLATES.clear()
        html = _LINE_TEMPLATES[key] = get_template("sales/_line.html").render(
            {"row": row, "units": units, "vat_choices": vats})
    return html
