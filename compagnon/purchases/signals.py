"""What purchases announces to the apps above it or beside it (fixed assets), without importing them.

* ``invoice_booked(invoice, actor)``: an invoice or credit note was just posted (inside the
  posting's transaction: a receiver that raises undoes the approval).
* ``invoice_cancelled(invoice, actor)``: a booked invoice's entry was just reversed (same rule).
"""

from django.dispatch import Signal

invoice_booked = Signal()
invoice_cancelled = Signal()
