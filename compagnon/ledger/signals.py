"""What contexts above the ledger hear when an entry is posted, in the same transaction.

The ledger imports nobody above it; a context that must act on every posting connects a receiver
from its ``AppConfig.ready()``::

    from compagnon.ledger.signals import entry_posted

    def charge_on_cash(sender, *, entry, lines, **kwargs):
        ...

    entry_posted.connect(charge_on_cash, dispatch_uid="budget.contribution")

``entry_posted`` (``sender=Entry``, ``entry=``, ``lines=``) is sent by ``post_entry`` and
``reverse_entry`` (a reversal is ``entry.kind == "reversal"``) inside their transaction, once the
entry, its lines and their month totals are written and before the posting is audited.
``entry.journal``, ``entry.entity`` and each ``line.account`` are loaded: a receiver that finds
nothing to do should cost no query. A receiver may post entries of its own: the signal is sent for
them too, nested inside the first send, so a receiver must recognise its own entries and do
nothing for them. It is sent with ``send`` (not ``send_robust``): an exception in a receiver rolls
the whole posting back.

Order (the guarantee the former ``hooks.register_after_post`` registry gave, run in a fixed order):
receivers run in the order they are connected, that is the order of ``INSTALLED_APPS`` whose
``ready()`` connects them — fixed for a deployment, the same in every process. Connect with a
``dispatch_uid`` ("<app>.<what>"): connecting again under the same uid is ignored (module reloads
stay idempotent), as registering a name again was.
"""

from __future__ import annotations

from django.dispatch import Signal

entry_posted = Signal()  # sender=Entry, entry=, lines=
