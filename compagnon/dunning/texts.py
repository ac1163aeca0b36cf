"""What a step says: the built-in texts (English msgids, translated by the catalogs), the entity's own
texts per language (StepTemplate), and the placeholders both may use.

Placeholders are ``{name}``; only the names below are replaced (no attribute access, no format
spec), so a template written by an administrator cannot reach anything else.
"""

from __future__ import annotations

import datetime
import re

from django.utils import translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import StepKind

PLACEHOLDERS = {
    "client": gettext_lazy("the client's name"),
    "number": gettext_lazy("the document number"),
    "issue_date": gettext_lazy("the document date"),
    "due_date": gettext_lazy("the due date"),
    "amount_due": gettext_lazy("the amount still due"),
    "days_late": gettext_lazy("days since the due date"),
    "claim": gettext_lazy("the amounts claimed by law, with their explanation"),
    "total_claimed": gettext_lazy("amount due plus what the law allows to claim"),
    "pay_by": gettext_lazy("the date by which to pay (8 days from the message)"),
    "iban": gettext_lazy("the account to pay to"),
    "payment_reference": gettext_lazy("the payment reference"),
    "activity": gettext_lazy("the activity's name"),
    "signature": gettext_lazy("the activity and the cooperative"),
}
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def fill(template: str, values: dict) -> str:
    """Replace the known ``{placeholders}``; anything else is left as typed."""
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), template)


def unknown_placeholders(template: str) -> list[str]:
    return sorted({name for name in _PLACEHOLDER.findall(template or "") if name not in PLACEHOLDERS})


def default_text(kind: str, *, first: bool) -> tuple[str, str]:
    """The built-in (subject, body) of a step kind, in the active language."""
    if kind == StepKind.QUOTE_FOLLOW_UP:
        return (_("Our quote {number}"),
                _("Hello,\n\nWe sent you our quote {number} on {issue_date}. Have you had a chance to look at it? "
                  "We would be glad to answer any question or to adapt it.\n\nThe quote is attached.\n\n"
                  "Kind regards,\n{signature}"))
    if kind == StepKind.FORMAL_NOTICE:
        return (_("Formal notice to pay invoice {number}"),
                _("Hello,\n\nDespite our reminders, invoice {number} of {issue_date}, due on {due_date}, is still unpaid "
                  "({amount_due}).\n\nWe hereby formally request that you pay {total_claimed} by {pay_by}.\n\n{claim}\n\n"
                  "Please pay by bank transfer to {iban} with the reference {payment_reference}. Without payment by that "
                  "date, we will hand the matter over to our collections service.\n\nThe invoice and this formal notice "
                  "are attached.\n\n{signature}"))
    if kind == StepKind.LITIGATION:
        return (_("Invoice {number} handed over to the collections service"),
                _("Invoice {number} of {client} ({amount_due}, {days_late} days late) has been handed over to the "
                  "collections service.\n\n{claim}"))
    if first:
        return (_("Reminder: invoice {number}"),
                _("Hello,\n\nUnless we are mistaken, invoice {number} of {issue_date} ({amount_due}) was due on {due_date} "
                  "and we have not received its payment yet.\n\n{claim}\n\nYou can pay by bank transfer to {iban} with the "
                  "reference {payment_reference}. If you have paid in the meantime, please ignore this message.\n\n"
                  "The invoice is attached.\n\nKind regards,\n{signature}"))
    return (_("Second reminder: invoice {number}"),
            _("Hello,\n\nInvoice {number} of {issue_date} ({amount_due}), due on {due_date}, is still unpaid "
              "{days_late} days later.\n\n{claim}\n\nPlease pay {total_claimed} by {pay_by} by bank transfer to {iban} "
              "with the reference {payment_reference}. If something is wrong with this invoice, just reply to this "
              "message.\n\nThe invoice is attached.\n\nKind regards,\n{signature}"))


def eur(value) -> str:
    return f"{number_format(value, decimal_pos=2, force_grouping=True)} €"


def claim_text(claim) -> str:
    """The claim as plain text: the explanation, then one line per amount."""
    parts = [str(x) for x in claim.explanation]
    if claim.lines:
        rows = [f"- {line.label}: {eur(line.amount)}" + (f" ({line.detail})" if line.detail else "") for line in claim.lines]
        rows.append(f"- {_('Total due')}: {eur(claim.total)}")
        parts.append("\n".join(rows))
    return "\n\n".join(parts)


def values_for(action, document, claim, *, today: datetime.date) -> dict:
    """Placeholder values in the active language."""
    frozen = document.frozen or {}
    payment = frozen.get("payment", {})
    seller = frozen.get("seller", {})
    activity_name = frozen.get("activity", {}).get("name") or document.activity.name
    legal = seller.get("legal_name") or seller.get("name") or document.entity.legal_name
    return {
        "client": frozen.get("buyer", {}).get("name") or document.client.name,
        "number": document.number,
        "issue_date": date_format(document.issue_date) if document.issue_date else "",
        "due_date": date_format(document.due_date) if document.due_date else "",
        "amount_due": eur(claim.principal) if claim is not None else eur(document.payable),
        "days_late": claim.days_late if claim is not None else 0,
        "claim": claim_text(claim) if claim is not None else "",
        "total_claimed": eur(claim.total) if claim is not None else eur(document.payable),
        "pay_by": date_format(today + datetime.timedelta(days=8)),
        "iban": payment.get("iban") or seller.get("iban") or document.entity.iban,
        "payment_reference": payment.get("reference_display") or document.payment_reference or document.number,
        "activity": activity_name,
        "signature": f"{activity_name}\n{legal}",
    }


def render(step, action, document, claim, *, today: datetime.date, first: bool,
           cache: dict | None = None) -> tuple[str, str]:
    """(subject, body) in the document's language: the entity's text for that language if any,
    else the built-in one. ``cache`` (a dict kept for a batch of actions) keeps the chosen text per
    step, language and kind of reminder, so that only the placeholders are filled per document."""
    language = document.language or "fr"
    key = (step.pk, language, first)
    with translation.override(language):
        templates = cache.get(key) if cache is not None else None
        if templates is None:
            custom = next((t for t in step.templates.all() if t.language == language), None)
            templates = (custom.subject, custom.body) if custom else default_text(step.kind, first=first)
            if cache is not None:
                cache[key] = templates
        subject, body = templates
        values = values_for(action, document, claim, today=today)
        return fill(subject, values).replace("\n", " ")[:200], fill(body, values)
