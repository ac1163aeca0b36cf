import pytest
from django.db import transaction

from .helpers import coop


@pytest.fixture(autouse=True)
def _after_commit_at_once(monkeypatch):
    """Tests run inside a transaction that never commits: what services do after commit
    (notifications, emails) happens at once instead, as it would after a real commit."""
    monkeypatch.setattr(transaction, "on_commit", lambda fn, using=None, robust=False: fn())


@pytest.fixture
def c(db):
    return coop()
