import pytest


@pytest.fixture
def setting(db):
    from .factories import refund_setting

    return refund_setting()
