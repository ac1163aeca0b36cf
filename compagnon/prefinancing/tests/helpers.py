"""A cooperative with a member who invoices a client, an accountant, a bank account, and a
prefinancing policy; the invoices are issued and paid through the real services."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

from django.utils import timezone

from compagnon.dunning.models import CaseDocument, CollectionCase
from compagnon.ledger import services as ledger
from compagnon.payments import services as payments
from compagnon.payments.tests.helpers import World, balance  # noqa: F401 - re-exported
from compagnon.prefinancing import services
from compagnon.prefinancing.models import Policy


class Coop(World):
    def __init__(self, country="BE", **policy):
        super().__init__(country)
        self.member.maturity = policy.pop("maturity", "established")
        self.member.save(update_fields=["maturity"])
        values = {"enabled": True, "share_percent": D("80"), "fee_percent": D("2"), "auto_up_to": D("2000"),
                  **policy}
        self.policy = Policy.objects.create(entity=self.entity, **values)

    def pay(self, document, amount, *, booking_date=None):
        t = self.receive(str(amount), booking_date=booking_date)
        return payments.allocate(actor=self.accountant, transaction=t, items=[(document, D(str(amount)))])

    def ask(self, document, amount=None):
        return services.request_advance(actor=self.member.user, document=document, amount=amount)

    def endow_fund(self, amount):
        ledger.post_entry(actor=None, entity=self.entity, journal_code="misc", date=timezone.localdate(),
                          label="Fund endowment", lines=[ledger.LineSpec(role="misc_expense", debit=D(amount)),
                                                         ledger.LineSpec(role="prefinancing_fund", credit=D(amount))])

    def litigation(self, document, days_ago: int):
        case = CollectionCase.objects.create(entity=self.entity, activity=document.activity, client=document.client,
                                             amount_due=document.payable)
        link = CaseDocument.objects.create(case=case, document=document)
        CaseDocument.objects.filter(pk=link.pk).update(
            added_at=timezone.now() - datetime.timedelta(days=days_ago))
        return case


def entries_balance(entity) -> None:
    """Every entry of the entity balances, and so do its books as a whole."""
    from django.db.models import Sum

    from compagnon.ledger.models import Entry

    for entry in Entry.objects.filter(entity=entity).annotate(d=Sum("lines__debit"), c=Sum("lines__credit")):
        assert entry.d == entry.c, entry.label
