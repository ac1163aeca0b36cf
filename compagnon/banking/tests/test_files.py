"""Stored files never orphan: a file written for an import that rolls back is removed, rejected
uploads are purged after the retention, and ``manage.py orphan_files`` finds what nothing points
to (and never a referenced file)."""

import datetime
import os
from io import StringIO

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from compagnon.banking import services
from compagnon.banking.models import BankStatement
from compagnon.core.retention import purge_rejected_uploads, purge_rejected_uploads_now
from compagnon.core.tests.factories import member_with_activity

from .helpers import data

pytestmark = pytest.mark.django_db


def files_under_media() -> list[str]:
    root = settings.MEDIA_ROOT
    return sorted(
        os.path.relpath(os.path.join(d, f), root) for d, _x, fs in os.walk(root) for f in fs
    )


def test_a_client_import_that_raises_after_writing_its_file_leaves_no_file(monkeypatch):
    from compagnon.clients import imports

    member, activity = member_with_activity()

    def crash(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(imports, "record", crash)
    upload = SimpleUploadedFile("clients.csv", b"kind,name\ncompany,ACME\n", "text/csv")
    with pytest.raises(RuntimeError):
        imports.import_clients_csv(
            actor=member.user, activity=activity, uploaded_file=upload, dry_run=True
        )
    assert files_under_media() == []


def test_a_statement_whose_refusal_cannot_be_saved_leaves_no_file(
    accountant, be_account, monkeypatch
):
    def crash(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(services, "record", crash)
    with pytest.raises(RuntimeError):
        services.import_statement(
            actor=accountant, account=be_account, data=b"%PDF-1.4 nope", filename="x.pdf"
        )
    assert files_under_media() == [] and not BankStatement.objects.exists()


def test_an_import_failing_after_writing_keeps_only_the_rejected_copy(
    accountant, be_account, monkeypatch
):
    def crash(transactions, *, actor=None):
        raise RuntimeError("matcher bug")

    monkeypatch.setattr("compagnon.banking.hooks.MATCHERS", [crash])
    statement = services.import_statement(
        actor=accountant, account=be_account, data=data("camt053_v08_kbc.xml"), filename="k.xml"
    )
    assert statement.is_rejected
    assert files_under_media() == [statement.file.name]


def _age(statement, days):
    BankStatement.objects.filter(pk=statement.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days)
    )


def test_rejected_uploads_older_than_the_retention_are_purged_younger_ones_kept(
    accountant, be_account, settings, django_capture_on_commit_callbacks
):
    settings.REJECTED_UPLOAD_RETENTION_DAYS = 90
    old = services.import_statement(
        actor=accountant, account=be_account, data=b"%PDF-1.4 old", filename="old.pdf"
    )
    young = services.import_statement(
        actor=accountant, account=be_account, data=b"%PDF-1.4 young", filename="young.pdf"
    )
    imported = services.import_statement(
        actor=accountant, account=be_account, data=data("camt053_v08_kbc.xml"), filename="k.xml"
    )
    _age(old, 91)
    _age(young, 89)
    _age(imported, 400)  # imported statements are the books' evidence: never purged
    old_name = old.file.name

    with django_capture_on_commit_callbacks(execute=True):  # files go after commit
        done = purge_rejected_uploads.enqueue().return_value
    assert done["banking.BankStatement"] == 1
    assert not BankStatement.objects.filter(pk=old.pk).exists()
    assert not default_storage.exists(old_name)
    assert default_storage.exists(young.file.name) and default_storage.exists(imported.file.name)
    # idempotent: a second run (another worker, the next day) finds nothing more
    assert purge_rejected_uploads_now()["banking.BankStatement"] == 0


def test_the_orphan_command_finds_a_planted_orphan_and_not_referenced_files(
    accountant, be_account
):
    statement = services.import_statement(
        actor=accountant, account=be_account, data=data("camt053_v08_kbc.xml"), filename="k.xml"
    )
    orphan = default_storage.save("statements/1/left-behind.xml", SimpleUploadedFile("x", b"x"))
    young = default_storage.save("statements/1/just-written.xml", SimpleUploadedFile("y", b"y"))
    logo = default_storage.save("brands/frozen/abc.png", SimpleUploadedFile("l", b"png"))
    # a frozen snapshot (any JSON field) pointing to the logo copy keeps it
    from compagnon.audit.models import AuditEvent

    AuditEvent.objects.filter(action="bank_statement.imported").update(
        params={"snapshot": {"brand": {"logo": logo}}}
    )
    old = (timezone.now() - datetime.timedelta(days=2)).timestamp()
    for name in (orphan, logo, statement.file.name):
        os.utime(default_storage.path(name), (old, old))

    out = StringIO()
    call_command("orphan_files", stdout=out)
    listed = out.getvalue().splitlines()
    assert orphan in listed
    assert statement.file.name not in listed and logo not in listed and young not in listed
    assert default_storage.exists(orphan)  # a dry run by default

    call_command("orphan_files", "--delete", stdout=StringIO())
    assert not default_storage.exists(orphan)
    assert default_storage.exists(statement.file.name) and default_storage.exists(logo)
