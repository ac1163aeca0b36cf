import pytest

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import EntityFactory, staff

from .helpers import BE_IBAN, FR_IBAN, bank_account


@pytest.fixture
def be_entity(db):
    return EntityFactory(belgian=True, name="Samenwerken")


@pytest.fixture
def fr_entity(db):
    return EntityFactory(name="Compagnons de Loire")


@pytest.fixture
def accountant(be_entity):
    return staff(Role.ACCOUNTANT, be_entity)


@pytest.fixture
def admin(be_entity):
    return staff(Role.ADMIN, be_entity)


@pytest.fixture
def be_account(be_entity):
    return bank_account(be_entity, BE_IBAN, name="Belfius", bic="GKCCBEBB")


@pytest.fixture
def fr_account(fr_entity):
    return bank_account(fr_entity, FR_IBAN, name="Crédit Agricole")


@pytest.fixture
def fr_accountant(fr_entity):
    return staff(Role.ACCOUNTANT, fr_entity)


def placeholder_match(transactions, *, actor=None):
    """The matching contract as the placeholder keeps it: nothing matched automatically, every
    money-in transaction left to match. The payments work replaces the real one concurrently;
    these tests are about the import, so they do not depend on it."""
    from compagnon.banking.hooks import MatchCounts

    return MatchCounts(matched=0, to_match=len([t for t in transactions if t.amount > 0]))


@pytest.fixture(autouse=True)
def _placeholder_matcher(monkeypatch):
    monkeypatch.setattr("compagnon.banking.hooks.MATCHERS", [placeholder_match])
