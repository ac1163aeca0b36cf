"""Every state change of an activity's catalogue (the items lines are made from)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.jurisdictions.base import ZERO_RATE_CATEGORIES

from .models import CatalogueItem

CATALOGUE_FIELDS = [
    "name",
    "description",
    "unit",
    "unit_price",
    "vat_category",
    "vat_rate",
    "is_goods",
]


@transaction.atomic
def save_catalogue_item(
    *, actor, activity, item: CatalogueItem | None = None, **fields
) -> CatalogueItem:
    """Add an item to ``activity``'s catalogue, or change ``item``. Lines already made from it keep
    their own copy."""
    require(actor, "members.work_in_activity", activity)
    if item is None:
        item = CatalogueItem(activity=activity)
    else:
        item = CatalogueItem.objects.select_for_update().get(pk=item.pk, activity=activity)
    for k, v in fields.items():
        if k not in CATALOGUE_FIELDS:
            raise ValueError(f"not a catalogue field: {k}")
        setattr(item, k, v)
    if item.vat_category in ZERO_RATE_CATEGORIES and item.vat_rate != 0:
        raise ValidationError(
            {
                "vat_rate": _("The VAT rate must be 0 for category %(cat)s.")
                % {"cat": item.vat_category}
            }
        )
    if item.vat_category == "S" and item.vat_rate <= 0:
        raise ValidationError({"vat_rate": _("A standard-rated item needs a VAT rate above 0.")})
    created = item.pk is None
    item.full_clean()
    item.save()
    record(
        actor=actor,
        action="catalogue.created" if created else "catalogue.updated",
        obj=item,
        activity=activity,
        entity=activity.entity,
        params={"name": item.name},
        message=gettext_noop("Catalogue item %(name)s added")
        if created
        else gettext_noop("Catalogue item %(name)s changed"),
    )
    return item


@transaction.atomic
def set_catalogue_item_active(*, actor, item: CatalogueItem, active: bool) -> CatalogueItem:
    """Deactivate an item (it no longer appears when adding lines) or bring it back."""
    item = (
        CatalogueItem.objects.select_for_update(of=("self",)).select_related("activity__entity").get(pk=item.pk)
    )
    require(actor, "members.work_in_activity", item.activity)
    if item.active != active:
        item.active = active
        item.save(update_fields=["active"])
        record(
            actor=actor,
            action="catalogue.activated" if active else "catalogue.deactivated",
            obj=item,
            activity=item.activity,
            entity=item.activity.entity,
            params={"name": item.name},
            message=gettext_noop("Catalogue item %(name)s back in use")
            if active
            else gettext_noop("Catalogue item %(name)s deactivated"),
        )
    return item
