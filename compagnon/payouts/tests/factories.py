"""Bank accounts to pay from and credit notes to refund, made as the business makes them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory
from schwifty import IBAN

from compagnon.accounts.models import Role
from compagnon.banking.models import BankAccount
from compagnon.core.tests.factories import EntityFactory, staff
from compagnon.einvoice.tests.scenarios import credit_note
from compagnon.organisation.models import Entity
from compagnon.sales.models import Document


def belgian_iban(n: int) -> str:
    return str(IBAN.generate("BE", bank_code="539", account_code=f"{n:07d}"))


class BankAccountFactory(DjangoModelFactory):
    class Meta:
        model = BankAccount

    entity = factory.SubFactory(EntityFactory, belgian=True)
    name = factory.Sequence(lambda n: f"Current account {n}")
    iban = factory.Sequence(lambda n: belgian_iban(1000 + n))
    bic = "GKCCBEBB"


# Client accounts used by the tests (valid, SEPA).
CLIENT_IBAN = "BE71096123456769"
FR_IBAN = "FR7630006000011234567890189"
OGM = "090933755493"  # +++090/9337/55493+++
RF = "RF18539007547034"


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


@dataclass
class Setting:
    """A Belgian entity with an issued credit note, a bank account and its accountant."""

    entity: Entity
    invoice: Document
    note: Document
    account: BankAccount
    accountant: object


def refund_setting(country: str = "BE", **account) -> Setting:
    invoice, note = credit_note(country)
    entity = note.entity
    bank_account = BankAccountFactory(entity=entity, **account)
    return Setting(entity=entity, invoice=invoice, note=note, account=bank_account,
                   accountant=staff(Role.ACCOUNTANT, entity))


def another_credit_note(entity: Entity) -> Document:
    """A second issued credit note in ``entity`` (a fresh member, client and invoice)."""
    from compagnon.core.tests.factories import OfficeFactory, member_with_activity
    from compagnon.einvoice.tests.scenarios import _line, business_client, issue
    from compagnon.sales import services

    member, activity = member_with_activity(office=OfficeFactory(entity=entity))
    client = business_client(activity, entity.country)
    invoice = issue(member, activity, client, [_line("Consultance", "2", "100", rate="21")])
    note = services.credit_note_for(actor=member.user, invoice=invoice)
    return services.issue_document(actor=member.user, document=note)
