"""What other contexts hear about the transfers they pay through batches.

The contexts that pay through ``payouts.services.add_line`` (expenses: claims paid back;
purchases: supplier invoices; payroll: net salaries) keep a link to their ``PayoutLine`` and
connect to these signals in their ``AppConfig.ready()``; payouts never imports them::

    from compagnon.payouts.signals import line_returned, line_settled

    def invoice_paid(sender, *, line, transaction, **kwargs):
        ...  # find what ``line`` pays (e.g. Invoice.objects.filter(payout_line=line)) and mark it paid

    line_settled.connect(invoice_paid, dispatch_uid="purchases.invoice_paid")

``line_settled`` (``sender=PayoutLine``, ``line=``, ``transaction=``): the bank statement shows the
transfer left the account (``transaction``, a ``banking.BankTransaction`` of negative amount, or
``None`` when an accountant confirmed it without a bank line). Sent **once** per line, when it
moves from "on its way" to "paid".

``line_returned`` (``sender=PayoutLine``, ``line=``, ``transaction=``, ``reason=``): the bank
returned or rejected the transfer (``transaction``: the money-in bank line that brought it back,
or ``None`` when the accountant records a rejection). The line is then inactive: what it paid is
open again (the claim can be paid back, the invoice paid, in another batch) and the books have
re-opened the payable. Sent once per line.

Both are sent inside the database transaction that changed the line, after the books are posted:
a receiver's write commits or rolls back with it, and an exception in a receiver undoes the whole
settlement. Receivers must not do network input/output (use ``transaction.on_commit``).
"""

from __future__ import annotations

from django.dispatch import Signal

line_settled = Signal()  # sender=PayoutLine, line=, transaction=
line_returned = Signal()  # sender=PayoutLine, line=, transaction=, reason=
