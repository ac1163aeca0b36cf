"""With STORAGE_URL=s3://…, every file lives in the private bucket that all machines share, and
people get them through the app, which checks who may see what. The bucket is moto's in-process
S3 (no network): what the tests read in it is what a real bucket would hold."""

from __future__ import annotations

import datetime
import json
from io import StringIO

import boto3
import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone
from moto import mock_aws

from compagnon.accounts.models import Role
from compagnon.banking import services as banking
from compagnon.banking.models import BankStatement
from compagnon.banking.tests.helpers import BE_IBAN, bank_account
from compagnon.banking.tests.helpers import data as statement_file
from compagnon.core.demo import logo_png
from compagnon.core.management.commands.orphan_files import orphans
from compagnon.core.storage_url import storages_from_url
from compagnon.core.tests.factories import EntityFactory, member_with_activity, staff
from compagnon.einvoice.models import Transmission
from compagnon.einvoice.tests import scenarios
from compagnon.sales import services as sales

pytestmark = pytest.mark.django_db
BUCKET, PREFIX, REGION = "compagnon-files", "acme", "eu-west-1"


class Bucket:
    """The bucket as an operator sees it (boto3 directly, not through the app)."""

    def __init__(self):
        self.s3 = boto3.client("s3", region_name=REGION)

    def keys(self, folder: str = "") -> list[str]:
        pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=f"{PREFIX}/{folder}")
        return sorted(o["Key"] for page in pages for o in page.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()

    def put(self, key: str, body: bytes) -> None:
        self.s3.put_object(Bucket=BUCKET, Key=key, Body=body)


@pytest.fixture
def bucket(settings):
    with mock_aws():
        boto3.client("s3", region_name=REGION).create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        settings.STORAGES = {**settings.STORAGES, **storages_from_url(f"s3://{BUCKET}/{PREFIX}?region={REGION}")}
        yield Bucket()


def nothing_on_the_local_disk():
    root = django_settings.MEDIA_ROOT
    return not root.exists() or not any(p.is_file() for p in root.rglob("*"))


def issued(builder, capture):
    with capture(execute=True):
        doc = builder()
    doc.refresh_from_db()
    return doc


def test_an_issued_invoice_keeps_its_pdf_and_e_invoice_in_the_bucket_and_the_member_downloads_them(
    bucket, client, django_capture_on_commit_callbacks
):
    doc = issued(scenarios.be_b2b_two_rates, django_capture_on_commit_callbacks)
    pdf_key, xml_key = f"{PREFIX}/media/{doc.pdf.name}", f"{PREFIX}/media/{doc.einvoice.xml.name}"
    assert bucket.keys("media/") == sorted([pdf_key, xml_key])
    assert nothing_on_the_local_disk()

    client.force_login(doc.created_by)
    pdf = client.get(f"/documents/{doc.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content) == bucket.read(pdf_key)
    ubl = client.get(f"/documents/{doc.pk}/einvoice/ubl/")
    assert ubl.status_code == 200 and ubl.content == bucket.read(xml_key)

    outsider, _activity = member_with_activity()
    client.force_login(outsider.user)
    assert client.get(f"/documents/{doc.pk}/pdf/").status_code == 404
    assert client.get(f"/documents/{doc.pk}/einvoice/ubl/").status_code == 404


def test_peppol_messages_go_to_the_buckets_outbox_and_any_machine_reads_the_answer(
    bucket, client, django_capture_on_commit_callbacks
):
    doc = issued(scenarios.be_b2b_two_rates, django_capture_on_commit_callbacks)
    client.force_login(doc.created_by)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/documents/{doc.pk}/einvoice/peppol/").status_code == 302
    transmission = Transmission.objects.get(document=doc, channel="peppol")
    message = f"{PREFIX}/peppol-outbox/{transmission.message_id}"
    assert bucket.keys("peppol-outbox/") == [f"{message}.json", f"{message}.xml"]
    assert json.loads(bucket.read(f"{message}.json"))["recipient"] == transmission.recipient
    # the provider answers in the bucket; the poll (whichever machine runs it) reads it there
    bucket.put(f"{message}.status", b"delivered\nAS4 receipt 7")
    call_command("poll_einvoices", stdout=StringIO())
    transmission.refresh_from_db()
    assert (transmission.status, transmission.detail) == ("delivered", "AS4 receipt 7")
    assert bucket.keys("media/") == sorted(f"{PREFIX}/media/{n}" for n in (doc.pdf.name, doc.einvoice.xml.name))


def test_a_bank_statement_that_fails_is_kept_in_the_bucket_and_the_accountant_downloads_it(bucket, client):
    entity = EntityFactory(belgian=True)
    accountant = staff(Role.ACCOUNTANT, entity)
    account = bank_account(entity, BE_IBAN)
    statement = banking.import_statement(actor=accountant, account=account, data=b"%PDF-1.4 not a statement",
                                         filename="june.pdf")
    assert statement.is_rejected
    assert bucket.keys("media/") == [f"{PREFIX}/media/{statement.file.name}"]
    assert nothing_on_the_local_disk()
    client.force_login(accountant)
    response = client.get(f"/bank/statements/{statement.pk}/file/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 not a statement"


def test_an_import_failing_after_writing_keeps_only_the_rejected_copy_in_the_bucket(bucket, monkeypatch):
    entity = EntityFactory(belgian=True)
    accountant = staff(Role.ACCOUNTANT, entity)

    def crash(transactions, *, actor=None):
        raise RuntimeError("matcher bug")

    monkeypatch.setattr("compagnon.banking.hooks.MATCHERS", [crash])
    statement = banking.import_statement(actor=accountant, account=bank_account(entity, BE_IBAN),
                                         data=statement_file("camt053_v08_kbc.xml"), filename="k.xml")
    assert statement.is_rejected
    assert bucket.keys("media/") == [f"{PREFIX}/media/{statement.file.name}"]
    assert BankStatement.objects.count() == 1


def test_orphan_files_walks_the_bucket_and_removes_only_what_nothing_points_to(
    bucket, django_capture_on_commit_callbacks
):
    doc = issued(scenarios.be_b2b_two_rates, django_capture_on_commit_callbacks)
    orphan = default_storage.save("statements/1/left-behind.xml", ContentFile(b"<x/>"))
    kept = {doc.pdf.name, doc.einvoice.xml.name}
    bucket.put(f"{PREFIX}/peppol-outbox/abc.xml", b"<message/>")  # another storage: never looked at

    # every file is younger than a day: nothing is touched yet
    assert orphans(default_storage, min_age=datetime.timedelta(hours=24)) == []
    later = timezone.now() + datetime.timedelta(days=2)
    assert orphans(default_storage, min_age=datetime.timedelta(hours=24), now=later) == [orphan]

    out = StringIO()
    call_command("orphan_files", "--delete", "--min-age-hours", "0", stdout=out)
    assert out.getvalue().splitlines() == [orphan, "1 orphan file(s) removed"]
    assert bucket.keys("media/") == sorted(f"{PREFIX}/media/{name}" for name in kept)
    assert bucket.keys("peppol-outbox/") == [f"{PREFIX}/peppol-outbox/abc.xml"]


def test_logos_are_served_by_the_app_to_who_may_see_the_activity_never_linked_to_the_bucket(
    bucket, client, django_capture_on_commit_callbacks
):
    member, activity = member_with_activity()
    png = logo_png("JC", "#2f6f4f")
    activity.logo.save("logo.png", ContentFile(png))
    client.force_login(member.user)

    page = client.get(f"/activities/{activity.pk}/").content.decode()
    assert activity.logo_url in page and "amazonaws" not in page and BUCKET not in page
    settings_page = client.get(f"/activities/{activity.pk}/settings/").content.decode()
    assert "amazonaws" not in settings_page and activity.logo_url in settings_page
    logo = client.get(activity.logo_url)
    assert logo.status_code == 200 and logo["Content-Type"] == "image/png"
    assert b"".join(logo.streaming_content) == png and "private" in logo["Cache-Control"]

    # a draft's preview inlines the logo: the browser never needs the bucket
    from compagnon.einvoice.tests.scenarios import _line, business_client

    draft = sales.create_document(actor=member.user, activity=activity, client=business_client(activity),
                                  kind="invoice", lines=[_line("Work", "1", "100")])
    preview = client.get(f"/documents/{draft.pk}/preview/").content.decode()
    assert "data:image/png;base64," in preview and "storage:" not in preview and "amazonaws" not in preview

    outsider, _other = member_with_activity()
    client.force_login(outsider.user)
    assert client.get(activity.logo_url).status_code == 404
