from django.db import transaction
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core.services import require, snapshot

from .models import Entity, Office

ENTITY_FIELDS = [
    "name",
    "legal_name",
    "company_number",
    "vat_number",
    "street",
    "postcode",
    "city",
    "iban",
    "bic",
    "email",
    "default_language",
    "contribution_rate",
    "number_patterns",
    "send_by_peppol",
]


@transaction.atomic
def update_entity(*, actor, entity: Entity, **fields) -> Entity:
    entity = Entity.objects.select_for_update().get(pk=entity.pk)
    require(actor, "organisation.change_entity", entity)
    before = snapshot(entity, list(fields))
    for k, v in fields.items():
        setattr(entity, k, v)
    entity.full_clean()
    entity.save()
    record(
        actor=actor,
        action="entity.updated",
        obj=entity,
        entity=entity,
        message=gettext_noop("Settings of entity %(name)s updated"),
        params={"name": entity.name},
        before=before,
        after=snapshot(entity, list(fields)),
    )
    return entity


@transaction.atomic
def create_office(*, actor, entity: Entity, name: str, **fields) -> Office:
    require(actor, "organisation.add_office", entity)
    office = Office(entity=entity, name=name, country=entity.jurisdiction, **fields)
    office.full_clean()
    office.save()
    record(
        actor=actor,
        action="office.created",
        obj=office,
        entity=entity,
        message=gettext_noop("Office %(name)s opened"),
        params={"name": name},
    )
    return office
