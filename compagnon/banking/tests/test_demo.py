"""The demo gives each entity its current account, through the services; run twice, once."""

import pytest

from compagnon.accounts.models import Role
from compagnon.banking.demo import seed_demo_banking
from compagnon.banking.models import BankAccount, CsvMapping
from compagnon.core.tests.factories import EntityFactory, staff

pytestmark = pytest.mark.django_db


def test_one_account_per_entity_with_its_iban_and_csv_columns():
    french = EntityFactory()
    belgian = EntityFactory(belgian=True)
    for entity in (french, belgian):
        staff(Role.ADMIN, entity)
    assert seed_demo_banking([french, belgian]) == 2
    assert seed_demo_banking([french, belgian]) == 0
    accounts = {a.entity_id: a for a in BankAccount.objects.all()}
    assert accounts[french.pk].iban == french.iban and accounts[french.pk].name == "Compte courant"
    assert accounts[belgian.pk].bic == "GKCCBEBB" and accounts[belgian.pk].name == "Zichtrekening"
    assert CsvMapping.objects.get(account=accounts[belgian.pk]).amount == "Bedrag"
