"""Who may see and send e-reports and work the platform's inbox: the accountants and the
administrators of the entity (``permissions.money_entities``); nobody else sees them."""

from __future__ import annotations

import rules

from compagnon.permissions import _entity_id, money_entities


def entity_ids(user) -> frozenset[int]:
    return money_entities(user)


@rules.predicate
def keeps_books_of(user, obj) -> bool:
    return _entity_id(obj) in money_entities(user)


rules.add_perm("ereporting.view_report", keeps_books_of)
rules.add_perm("ereporting.send_report", keeps_books_of)
rules.add_perm("ereporting.route_invoice", keeps_books_of)
