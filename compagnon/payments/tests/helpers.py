"""A cooperative with invoices issued through the sales services, a bank account, and incoming or
outgoing transactions booked as the bank import books them (bank / suspense)."""

from __future__ import annotations

import datetime
import io
import itertools
import uuid
from decimal import Decimal as D

import schwifty
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from compagnon.accounts.models import Role
from compagnon.banking.models import BankAccount, BankStatement, BankTransaction
from compagnon.core.tests.factories import staff
from compagnon.einvoice.tests.scenarios import business_client, issue, seller
from compagnon.ledger import services as ledger
from compagnon.ledger.models import EntryLine
from compagnon.sales import payment

_accounts = itertools.count(1)


def rate_of(activity) -> str:
    return "21" if activity.entity.jurisdiction == "BE" else "20"


def invoice(member, activity, client, net="100", *, rate=None):
    """An issued invoice of one line: ``net`` excl. VAT at the country's standard rate."""
    return issue(member, activity, client, [{"description": "Travail", "quantity": D("1"), "unit": "HUR",
                                             "unit_price": D(net), "vat_category": "S",
                                             "vat_rate": D(rate or rate_of(activity))}])


def account(entity) -> BankAccount:
    n = next(_accounts)
    iban = str(schwifty.IBAN.generate("BE", bank_code="539", account_code=f"{n:07d}"))
    return BankAccount.objects.create(entity=entity, name=f"Current {n}", iban=iban)


def statement(account) -> BankStatement:
    return BankStatement.objects.create(account=account, format="camt053", file="statements/x.xml",
                                        filename="x.xml", sha256="0" * 64)


def transaction(account, amount, *, remittance="", structured="", name="", iban="", bank_code="",
                booking_date=None, book=True) -> BankTransaction:
    """A transaction as the import leaves it: unmatched, its amount booked bank / suspense."""
    st = statement(account)
    t = BankTransaction.objects.create(
        account=account, statement=st, fingerprint=uuid.uuid4().hex, amount=D(amount),
        booking_date=booking_date or timezone.localdate(), remittance=remittance, structured_reference=structured,
        counterparty_name=name, counterparty_iban=iban, bank_code=bank_code)
    if book:
        money = abs(D(amount))
        bank = ledger.LineSpec(role="bank", debit=money) if D(amount) > 0 else ledger.LineSpec(role="bank", credit=money)
        suspense = (ledger.LineSpec(role="suspense", credit=money) if D(amount) > 0
                    else ledger.LineSpec(role="suspense", debit=money))
        ledger.post_entry(actor=None, entity=account.entity, journal_code="bank", date=timezone.localdate(),
                          label=f"Bank {t.pk}", lines=[bank, suspense], source=t, kind="bank")
    return t


def ogm(document) -> str:
    return payment.display(payment.STRUCTURED, document.payment_reference)


def balance(entity, role, **filters) -> D:
    """Debit minus credit of the account playing ``role``."""
    totals = EntryLine.objects.filter(entry__entity=entity, account__role=role, **filters).aggregate(
        d=Sum("debit"), c=Sum("credit"))
    return (totals["d"] or D("0")) - (totals["c"] or D("0"))


def books_are_sound(entity) -> None:
    call_command("check_books", entity=[entity.pk], stdout=io.StringIO())


def accountant(entity):
    return staff(Role.ACCOUNTANT, entity)


class World:
    """A Belgian (default) or French seller with one business client, an accountant and a bank account."""

    def __init__(self, country="BE"):
        self.member, self.activity = seller(country)
        self.entity = self.activity.entity
        self.client = business_client(self.activity, country)
        self.accountant = accountant(self.entity)
        self.account = account(self.entity)

    def invoice(self, net="100", client=None):
        return invoice(self.member, self.activity, client or self.client, net)

    def receive(self, amount, **kw) -> BankTransaction:
        return transaction(self.account, amount, **kw)


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)
