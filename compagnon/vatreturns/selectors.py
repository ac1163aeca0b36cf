"""Reads of VAT returns for a user: the entities whose returns they file, the filed returns, the
entries and documents behind a box. Everything starts from ``rules.vat_entity_ids`` (the
accountants of the entity): anybody else gets nothing, so views answer 404."""

from __future__ import annotations

from django.db.models import QuerySet

from compagnon import permissions
from compagnon.ledger.models import EntryLine
from compagnon.organisation.models import Entity

from . import sources
from .boxes import FromAccounts, FromDocuments
from .models import VatReturn
from .rules import vat_entity_ids


def vat_entities(user) -> QuerySet[Entity]:
    return permissions.entities(user).filter(pk__in=vat_entity_ids(user)).order_by("name")


def entity(user, pk) -> Entity:
    """The entity if ``user`` files its returns; DoesNotExist otherwise (404)."""
    return vat_entities(user).get(pk=pk)


def filed_returns(user, entity) -> QuerySet[VatReturn]:
    return VatReturn.objects.filter(
        entity=entity, entity_id__in=vat_entity_ids(user)
    ).select_related("filed_by", "settlement_entry__journal")


def filed(user, entity, form: str, period_key: str) -> VatReturn | None:
    return filed_returns(user, entity).filter(form=form, period=period_key).first()


def later_lines(vat_return: VatReturn) -> QuerySet[EntryLine]:
    """Lines dated in the return's period but posted after it was filed (settlement aside)."""
    lines = sources.period_lines(vat_return.entity, vat_return.period_start, vat_return.period_end)
    if vat_return.last_line_id is not None:
        lines = lines.filter(id__gt=vat_return.last_line_id)
    return lines


def box_lines(entity, period, source: FromAccounts) -> QuerySet[EntryLine]:
    """The ledger lines behind a box drawn from accounts."""
    if source.before_period:
        lines = EntryLine.objects.filter(account__entity_id=entity.pk, date__lt=period.start)
    else:
        lines = sources.period_lines(entity, period.start, period.end)
    lines = lines.filter(account_id__in=source.account_ids)
    if source.side == "debit":
        lines = lines.filter(debit__gt=0)
    elif source.side == "credit":
        lines = lines.filter(credit__gt=0)
    if source.journal:
        lines = lines.filter(journal__role=source.journal)
    return lines.select_related("entry__journal", "account", "activity").order_by(
        "date", "entry_id", "id"
    )


def box_documents(entity, period, source: FromDocuments):
    """The issued documents behind a box drawn from the documents' VAT breakdown."""
    docs = sources.issued_documents(entity, period.start, period.end)
    rows = {"vat_breakdown__category__in": source.categories}
    if source.rates:
        rows["vat_breakdown__rate__in"] = source.rates
    docs = docs.filter(**rows)
    if source.kinds:
        docs = docs.filter(kind__in=source.kinds)
    if source.abroad is True:
        docs = docs.exclude(client__country__iexact=entity.jurisdiction)
    elif source.abroad is False:
        docs = docs.filter(client__country__iexact=entity.jurisdiction)
    return docs.distinct().select_related("client", "activity").order_by("issue_date", "number")
