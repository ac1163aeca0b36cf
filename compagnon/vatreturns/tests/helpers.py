"""Books for VAT-return tests: entries through the posting service, documents through sales."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from compagnon.accounts.models import Role
from compagnon.core.demo import kbo_from
from compagnon.core.tests.factories import EntityFactory, OfficeFactory, member_with_activity, staff
from compagnon.ledger import services as ledger
from compagnon.ledger.models import Account
from compagnon.ledger.services import LineSpec
from compagnon.ledger.tests.factories import books, post_sale
from compagnon.vatreturns import periods

D = Decimal


def last_quarter():
    return periods.containing(timezone.localdate(), "quarter").previous()


def this_quarter():
    return periods.containing(timezone.localdate(), "quarter")


def in_period(period, day=10) -> datetime.date:
    return period.start + datetime.timedelta(days=day)


def coop(jurisdiction="FR"):
    """An entity with its books, a member holding an activity, and its accountant."""
    if jurisdiction == "BE":
        entity = EntityFactory(
            jurisdiction="BE",
            country="BE",
            company_number=kbo_from(4242 + EntityFactory._meta.model.objects.count()),
            city="Liège",
            postcode="4000",
            street="Rue Féronstrée 12",
            email="compta@example.be",
        )
    else:
        entity = EntityFactory()
    office = OfficeFactory(entity=entity)
    books(entity)
    member, activity = member_with_activity(office)
    return {
        "entity": entity,
        "member": member,
        "activity": activity,
        "accountant": staff(Role.ACCOUNTANT, entity),
    }


def account(entity, code, *, name="Test account", kind="liability", rate=None) -> Account:
    found = Account.objects.filter(entity=entity, code=code).first()
    return found or Account.objects.create(
        entity=entity, code=code, name=name, kind=kind, vat_rate=rate
    )


def post_purchase(activity, *, net, vat, date, expense="604", vat_code=None, journal="purchases"):
    """A supplier invoice: expense and deductible VAT against the supplier."""
    entity = activity.entity
    vat_code = vat_code or ("44566" if entity.jurisdiction == "FR" else "411")
    lines = [LineSpec(code=expense, debit=net, activity=activity)]
    if vat:
        lines.append(
            LineSpec(account=account(entity, vat_code, kind="asset"), debit=vat, activity=activity)
        )
    lines.append(LineSpec(role="supplier", credit=net + vat, activity=activity))
    return ledger.post_entry(
        actor=None,
        entity=entity,
        journal_code=journal,
        date=date,
        label="Supplier invoice",
        lines=lines,
    )


def post_reverse_charge(activity, *, net, rate, code, date, expense="604", deductible=None):
    """A purchase under reverse charge: VAT due (``code``) and the same VAT deductible."""
    entity = activity.entity
    deductible = deductible or ("44566" if entity.jurisdiction == "FR" else "411")
    vat = (net * rate / 100).quantize(D("0.01"))
    return ledger.post_entry(
        actor=None,
        entity=entity,
        journal_code="purchases",
        date=date,
        label="Reverse charge",
        lines=[
            LineSpec(code=expense, debit=net, activity=activity),
            LineSpec(
                account=account(entity, deductible, kind="asset"), debit=vat, activity=activity
            ),
            LineSpec(account=account(entity, code, rate=rate), credit=vat, activity=activity),
            LineSpec(role="supplier", credit=net, activity=activity),
        ],
    )


__all__ = ["post_sale", "D"]
