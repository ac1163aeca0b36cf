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
