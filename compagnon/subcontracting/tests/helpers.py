"""A cooperative where activity A (the seller of payments' World) works with activity B of the same
office, with a third activity, their advisor, an administrator and an outsider of another entity;
invoices are issued, paid and prefinanced through the real services."""

from __future__ import annotations

from decimal import Decimal as D

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import OfficeFactory, advisor_of, member_with_activity, staff
from compagnon.ledger.models import Entry
from compagnon.prefinancing.tests.helpers import Coop as PrefinancingCoop
from compagnon.sales.models import Kind
from compagnon.sales.tests.factories import draft

from .. import services


class Coop(PrefinancingCoop):
    def __init__(self, country="FR"):
        super().__init__(country)
        office = self.member.office
        self.a_member, self.a = self.member, self.activity
        self.b_member, self.b = member_with_activity(office)
        self.c_member, self.c = member_with_activity(office)
        self.admin = staff(Role.ADMIN, self.entity)
        self.advisor = advisor_of(office)
        self.outsider, self.outsider_activity = member_with_activity(OfficeFactory())
        self.foreign_admin = staff(Role.ADMIN, self.outsider_activity.entity)

    def invoice_draft(self, net="1000"):
        rate = D("21") if self.entity.jurisdiction == "BE" else D("20")
        return draft(self.a_member, self.a, self.client, kind=Kind.INVOICE, lines=[
            {"description": "Catalogue", "quantity": D("1"), "unit": "HUR", "unit_price": D(net),
             "vat_category": "S", "vat_rate": rate}])

    def ask(self, amount="400", document=None, description="Photos of the catalogue", provider=None):
        return services.ask(actor=self.a_member.user, ordering=self.a, provider=provider or self.b,
                            description=description, amount=D(amount), client_document=document)

    def accept(self, s):
        return services.accept(actor=self.b_member.user, subcontract=s)

    def issue_client(self, document):
        from compagnon.sales import services as sales

        return sales.issue_document(actor=self.a_member.user, document=document)

    def advance(self, document, amount=None):
        from compagnon.prefinancing import services as prefinancing

        return prefinancing.request_advance(actor=self.a_member.user, document=document, amount=amount)


def entries_balance(entity) -> None:
    from django.db.models import Sum

    for entry in Entry.objects.filter(entity=entity).annotate(d=Sum("lines__debit"), c=Sum("lines__credit")):
        assert entry.d == entry.c, entry.label
