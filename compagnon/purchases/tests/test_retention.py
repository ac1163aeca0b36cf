"""An unreadable supplier invoice is kept REJECTED_UPLOAD_RETENTION_DAYS, then purged by the
daily task, file and row; a readable one is never purged."""

import datetime

import pytest
from django.utils import timezone

from compagnon.core.retention import purge_rejected_uploads_now
from compagnon.core.tests.factories import member_with_activity
from compagnon.purchases.models import SupplierInvoice

from .factories import example, upload

pytestmark = pytest.mark.django_db


def test_old_unreadable_supplier_invoices_are_purged_the_rest_kept(
    client, settings, django_capture_on_commit_callbacks
):
    settings.REJECTED_UPLOAD_RETENTION_DAYS = 30
    member, activity = member_with_activity()
    client.force_login(member.user)
    for data, name in [
        (b"Invoice 1: 100 EUR\n", "old.txt"),
        (b"Invoice 2: 200 EUR\n", "young.txt"),
        (example("peppol/base-example.xml"), "good.xml"),
    ]:
        client.post(
            f"/activities/{activity.pk}/supplier-invoices/", {"file": upload(data, name)}
        )
    old, young, good = SupplierInvoice.objects.order_by("id")
    assert (old.state, young.state) == ("rejected", "rejected") and good.state != "rejected"
    now = timezone.now()
    SupplierInvoice.objects.filter(pk__in=[old.pk, good.pk]).update(
        created_at=now - datetime.timedelta(days=31)
    )
    with django_capture_on_commit_callbacks(execute=True):
        done = purge_rejected_uploads_now(now=now)
    assert done["purchases.SupplierInvoice"] == 1
    assert set(SupplierInvoice.objects.values_list("pk", flat=True)) == {young.pk, good.pk}
    assert not old.file.storage.exists(old.file.name)
    assert young.file.storage.exists(young.file.name) and good.file.storage.exists(good.file.name)
