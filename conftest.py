import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files (logos) go to a scratch folder per test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EINVOICE_OUTBOX_DIR = str(tmp_path / "peppol-outbox")


@pytest.fixture(autouse=True)
def _english(settings):
    """Assertions read English messages unless a test switches language itself."""
    settings.LANGUAGE_CODE = "en"

