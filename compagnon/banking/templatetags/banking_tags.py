from django import template

from compagnon.sales import payment

register = template.Library()


@register.filter
def payment_reference(value):
    """A compact structured reference as printed on invoices: +++261/0000/04290+++ or
    RF77 2026 0000 007; anything else as it is."""
    value = value or ""
    if len(value) == 12 and value.isdigit():
        return payment.display(payment.STRUCTURED, value)
    if value.startswith("RF"):
        return payment.display(payment.CREDITOR, value)
    return value
