"""Signals of the interventions app (floor 5, above fieldwork). Upper apps listen; this app never
imports them.

``sheet_validated`` (``sender=Sheet, sheet=<Sheet>``) is sent once nothing more is awaited on a
sheet (the member validated it, and the client too when the contract or the member asked for it),
**after the transaction commits**. ``compagnon.homeservices`` listens to keep the period's draft
invoice up to date.
"""

from django.dispatch import Signal

sheet_validated = Signal()
