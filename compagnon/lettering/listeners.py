"""Lettering follows payments as they are written: after each allocation (or its undoing), the
clients of the documents whose paid amount changed are lettered again, in the payment's transaction.

Payments announces it through ``payments.hooks`` (a listener registry) or, once it is a Django
signal, through ``payments.signals``; whichever this checkout has is used.
"""

from __future__ import annotations

from compagnon.sales.models import Document


def documents_paid_changed(document_ids, *, actor=None, **kwargs) -> None:
    from .automatic import letter_entity

    rows = (
        Document.objects.filter(pk__in=list(document_ids))
        .values_list("entity_id", "client_id")
        .distinct()
    )
    by_entity: dict[int, set[int]] = {}
    for entity_id, client_id in rows:
        if client_id:
            by_entity.setdefault(entity_id, set()).add(client_id)
    if not by_entity:
        return
    from compagnon.organisation.models import Entity

    for entity in Entity.objects.filter(pk__in=list(by_entity)).order_by("pk"):
        letter_entity(entity, actor=actor, client_ids=sorted(by_entity[entity.pk]))


def _from_signal(sender=None, *, document_ids=(), actor=None, **kwargs) -> None:
    documents_paid_changed(document_ids, actor=actor)


def connect() -> None:
    try:
        from compagnon.payments import signals
    except ImportError:
        signals = None
    signal = None
    for name in (
        "paid_amounts_changed",
        "documents_paid_changed",
        "paid_changed",
        "payments_changed",
    ):
        signal = getattr(signals, name, None) if signals else None
        if signal is not None:
            break
    if signal is not None:
        signal.connect(_from_signal, dispatch_uid="lettering.documents_paid")
        return
    from compagnon.payments import hooks

    if hasattr(hooks, "register_paid_listener"):
        hooks.register_paid_listener(documents_paid_changed)
