import pytest
from hypothesis import HealthCheck, settings

# Property tests check what is true, not how fast: on a shared 2-core machine (CI runs the suite
# twice while other work goes on) generating fifteen-line documents can exceed Hypothesis's
# timing checks, which would fail a correct build.
settings.register_profile("compagnon", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("compagnon")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files (logos) go to a scratch folder per test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EINVOICE_OUTBOX_DIR = str(tmp_path / "peppol-outbox")


@pytest.fixture(autouse=True)
def _english(settings):
    """Assertions read English messages unless a test switches language itself."""
    settings.LANGUAGE_CODE = "en"

