"""History lines for a reader: plain words first.

Members read what happened to their documents in words (“Invoice F2026-00012 issued, 249,60 € incl.
VAT”); bookkeeping entries (“Entry VT-2026-00012 … (249.60)”) are said as what they mean (“Recorded
in the accounts: …”), except for readers who keep the books — accountants and administrators —
who see the entries as recorded. Amounts are shown through the reader's locale.

The actions named here are strings written by the apps that record them (sales, ledger): the audit
log imports none of them.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_noop

from .models import AuditEvent

LEDGER_ACTIONS = ("ledger.entry_posted", "ledger.entry_reversed")
# action -> the plain message, same params as the recorded one
PLAIN = {
    "document.issued": gettext_noop("%(document)s issued, %(total)s € incl. VAT"),  # kind unknown
    "ledger.entry_posted": gettext_noop("Recorded in the accounts: %(label)s, %(amount)s €"),
    "ledger.entry_reversed": gettext_noop("Cancelled in the accounts: %(label)s, %(amount)s €"),
}
# a document's own history knows its kind (``document_kind`` set by sales.selectors.document_history)
ISSUED = {
    "invoice": gettext_noop("Invoice %(document)s issued, %(total)s € incl. VAT"),
    "deposit": gettext_noop("Deposit invoice %(document)s issued, %(total)s € incl. VAT"),
    "credit_note": gettext_noop("Credit note %(document)s issued, %(total)s € incl. VAT"),
}
AMOUNT_PARAMS = ("amount", "total")
DECIMAL = re.compile(r"^-?\d+\.\d+$")


def _amount(value):
    if isinstance(value, str) and DECIMAL.match(value):
        return number_format(Decimal(value), decimal_pos=2, force_grouping=True)
    return value


def plain_text(event: AuditEvent, *, entries: bool = False) -> str:
    """The event in the reader's language and words. ``entries``: the reader keeps the books and
    reads ledger entries as recorded."""
    if not isinstance(event, AuditEvent):
        return str(getattr(event, "text", event))
    if entries and event.action in LEDGER_ACTIONS:
        return event.text
    message = PLAIN.get(event.action)
    if event.action == "document.issued":
        message = ISSUED.get(getattr(event, "document_kind", ""), message)
    params = {key: AuditEvent._translate(value) for key, value in (event.params or {}).items()}
    for key in AMOUNT_PARAMS:
        if key in params:
            params[key] = _amount(params[key])
    try:
        return gettext(message or event.message) % params
    except (KeyError, TypeError, ValueError):
        return event.text


def reads_entries(scope) -> bool:
    """Whether the reader keeps the books (accountant or administrator of an entity). ``scope`` is
    the permission scope the navigation puts in every page's context (``None`` when logged out)."""
    return bool(scope is not None and (getattr(scope, "is_accountant", False) or getattr(scope, "is_admin", False)))

