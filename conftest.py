import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
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



# Models that Django recreates itself after each flush (post_migrate): dumped by natural key only.
_RECREATED = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]


@pytest.fixture(scope="session")
def _demo_dump(tmp_path_factory):
    """Where the demo seeded by the first test that needs it is kept for the next ones."""
    return {"dir": tmp_path_factory.mktemp("demo-dump")}


@pytest.fixture
def demo_data(request, settings, _demo_dump, django_capture_on_commit_callbacks):
    """The whole demo cooperative (``seed_demo``) in the test's database, uploaded files included.

    Seeding takes most of a minute with its documents; the first test of the run that asks for
    the demo seeds it for real (the work each transaction leaves for after its commit runs too, as
    in ``make run``), dumps the rows (natural keys for what Django recreates after each flush) and
    the files, and every later test loads that dump: the same data in a fraction of the time. A
    test that ``transactional_db`` or ``db`` asks for first decides how the rows are written."""
    if "transactional_db" not in request.fixturenames and "live_server" not in request.fixturenames:
        request.getfixturevalue("db")
    dump_dir = Path(_demo_dump["dir"])
    rows, media_copy = dump_dir / "demo.json", dump_dir / "media"
    media = Path(settings.MEDIA_ROOT)
    if rows.exists():
        call_command("loaddata", str(rows), verbosity=0)
        if media_copy.exists():
            shutil.copytree(media_copy, media, dirs_exist_ok=True)
        return
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", verbosity=0)
    call_command(
        "dumpdata", natural_foreign=True, natural_primary=True, exclude=_RECREATED,
        output=str(rows), verbosity=0,
    )
    if media.exists():
        shutil.copytree(media, media_copy)
