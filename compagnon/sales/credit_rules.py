"""What a credit note may credit: the rates and categories its invoice charged, within what is left."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from .models import Document, LineKind, State


def _amount(value) -> str:
    return f"{value:.2f}"


def _vat_label(category: str, rate) -> str:
    rate = format(Decimal(rate).normalize(), "f")
    if category == "S":
        return f"{rate} %"
    return f"{rate} % ({_category_label(category)})"


def _category_label(category: str) -> str:
    from .models import VAT_CATEGORY_CHOICES

    return str(dict(VAT_CATEGORY_CHOICES).get(category, category))


def credit_ceiling_problems(credit_note: Document, lines, totals) -> list[str]:
    """A credit note credits only what its invoice charged, rate by rate and category by category.

    For every VAT category and rate of the credit note, what it credits (excl. VAT, after its
    discounts and charges) plus what the invoice's issued credit notes already credited at that rate
    must stay within what the invoice charged at that rate (its VAT breakdown); a rate or category
    the invoice does not have cannot be credited at all. So revenue and VAT collected per rate never
    go below zero for an invoice. The invoice row is locked: two credit notes of one invoice issued
    at the same time are checked one after the other. The total ceiling (incl. VAT) still applies.
    """
    invoice = Document.objects.select_for_update().get(pk=credit_note.credited_id)
    charged = {(row.category, row.rate): row.taxable_amount for row in invoice.vat_breakdown.all()}
    previous = Document.objects.filter(credited=invoice, state=State.ISSUED).exclude(pk=credit_note.pk)
    credited: dict[tuple, Decimal] = {}
    already = Decimal("0")
    for note in previous.prefetch_related("vat_breakdown"):
        already += note.tax_inclusive
        for row in note.vat_breakdown.all():
            key = (row.category, row.rate)
            credited[key] = credited.get(key, Decimal("0")) + row.taxable_amount
    problems = []
    rates = ", ".join(_vat_label(c, r) for c, r in charged)
    item_lines = [line for line in lines if line.kind == LineKind.ITEM]
    for category in totals.categories:
        key = (category.category, category.rate)
        if key not in charged:
            names = [f"{n} (“{line.description[:60]}”)" for n, line in enumerate(item_lines, start=1)
                     if (line.vat_category, line.vat_rate) == key]
            problems.append(_(
                "Line %(lines)s: invoice %(invoice)s has no line at %(vat)s, so a credit note cannot credit "
                "it. Credit the invoice's own lines (%(rates)s)."
            ) % {"lines": ", ".join(names), "invoice": invoice.number, "vat": _vat_label(*key), "rates": rates})
            continue
        left = charged[key] - credited.get(key, Decimal("0"))
        if category.taxable > left:
            problems.append(_(
                "At %(vat)s, %(left)s € excl. VAT is left to credit on invoice %(invoice)s (%(charged)s € "
                "invoiced, %(credited)s € already credited); this credit note credits %(amount)s €."
            ) % {"vat": _vat_label(*key), "left": _amount(left), "invoice": invoice.number,
                 "charged": _amount(charged[key]), "credited": _amount(credited.get(key, Decimal("0"))),
                 "amount": _amount(category.taxable)})
    if not problems and totals.tax_inclusive + already > invoice.tax_inclusive:
        problems.append(_("The credit notes would exceed the invoice total (%(total)s).")
                        % {"total": invoice.tax_inclusive})
    return problems
