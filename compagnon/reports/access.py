"""Who reads which report — every report starts here, from compagnon.permissions.

* the entity-wide reports (trial balance, general ledger, journals, aged balances, VAT): the
  entity's accountants and administrators (``books_entity_ids``). An entity the user cannot see
  answers 404; one they see without keeping its books answers 403 (as the ledger's pages do);
* an activity's income statement: whoever sees the activity (``permissions.activities``) — its
  members, the advisors of its members' offices, the entity's staff — 404 for anyone else;
* the cooperative's transparency page: everyone who belongs to or works for the entity.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from compagnon import permissions
from compagnon.core.params import BIGINT_MAX
from compagnon.ledger.selectors import books_entity_ids
from compagnon.members.models import Activity
from compagnon.organisation.models import Entity


def _pk(pk) -> int:
    try:
        value = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < value <= BIGINT_MAX:
        raise Http404
    return value


def visible_entity(user, pk) -> Entity:
    try:
        return permissions.entities(user).get(pk=_pk(pk))
    except Entity.DoesNotExist:
        raise Http404 from None


def books_entity(user, pk) -> Entity:
    """The entity if ``user`` keeps its books: 404 when invisible, 403 when only visible."""
    entity = visible_entity(user, pk)
    if entity.pk not in books_entity_ids(user):
        raise PermissionDenied(
            _("Only the accountants and administrators of %(entity)s read its books.")
            % {"entity": entity.name}
        )
    return entity


def visible_activity(user, pk) -> Activity:
    try:
        return permissions.activities(user).select_related("entity", "trade").get(pk=_pk(pk))
    except Activity.DoesNotExist:
        raise Http404 from None


def entity_activity(entity, pk) -> Activity | None:
    """An activity filter on an entity-wide report: one of the entity's activities, or nothing
    (an id of another entity matches no line, as core.params wants)."""
    return Activity.objects.filter(entity=entity, pk=_pk(pk)).first() if pk else None
