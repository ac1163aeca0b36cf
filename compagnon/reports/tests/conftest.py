import pytest

from .helpers import build_coop


@pytest.fixture
def coop(db):
    return build_coop()
