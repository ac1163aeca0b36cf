"""Accountants (and administrators) download the files, streamed, from the page and the API;
members and other entities' accountants get 404. WinBooks and generic files have their structure."""

import csv
import io
from collections import defaultdict
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from compagnon.accounts.models import Role
from compagnon.audit.models import AuditEvent
from compagnon.core.tests.factories import EntityFactory, api_token_for, staff
from compagnon.exports import fec_check, generic, winbooks
from compagnon.ledger.models import EntryLine

from .helpers import year_of_books

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def body(response) -> bytes:
    assert response.streaming
    return b"".join(response.streaming_content)


def api_for(user) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_for(user)}")
    return api


def test_the_accountant_lists_and_downloads_the_fec_from_the_page_and_the_api(client):
    w = year_of_books("FR")
    client.force_login(w.accountant)
    index = client.get(reverse("exports-index"))
    assert w.entity.name in index.text and 'href="/exports/"' in index.text  # in the menu too
    page = client.get(reverse("exports-entity", args=[w.entity.pk]))
    assert page.status_code == 200
    assert f"/exports/{w.entity.pk}/fec/?year={YEAR}" in page.text and "winbooks" not in page.text

    response = client.get(reverse("exports-download", args=[w.entity.pk, "fec"]), {"year": YEAR})
    name = f"{w.entity.company_number}FEC{YEAR}1231.txt"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    data = body(response)
    assert fec_check.check(data, year=YEAR, name=name) == []
    assert AuditEvent.objects.filter(action="exports.downloaded", entity=w.entity).exists()

    api = api_for(w.accountant)
    listing = api.get(f"/api/v1/exports/{w.entity.pk}/").json()
    assert {f["key"] for f in listing["files"]} == {"fec", "entries", "accounts", "third-parties"}
    assert body(api.get(f"/api/v1/exports/{w.entity.pk}/fec/", {"year": YEAR})) == data


def test_members_and_other_entities_get_404_and_a_bad_year_is_400(client):
    w = year_of_books("FR")
    for user in (w.member.user, staff(Role.ACCOUNTANT, EntityFactory())):
        client.force_login(user)
        assert client.get(reverse("exports-entity", args=[w.entity.pk])).status_code == 404
        assert client.get(reverse("exports-download", args=[w.entity.pk, "fec"])).status_code == 404
        api = api_for(user)
        assert api.get(f"/api/v1/exports/{w.entity.pk}/").status_code == 404
        assert api.get(f"/api/v1/exports/{w.entity.pk}/entries/").status_code == 404
    client.force_login(w.accountant)
    assert (
        client.get(
            reverse("exports-download", args=[w.entity.pk, "fec"]), {"year": "x"}
        ).status_code
        == 400
    )
    assert (
        client.get(reverse("exports-download", args=[w.entity.pk, "winbooks-act"])).status_code
        == 404
    )


def test_winbooks_files_for_a_belgian_entity_have_the_import_structure(client):
    w = year_of_books("BE")
    client.force_login(w.accountant)
    act = body(
        client.get(
            reverse("exports-download", args=[w.entity.pk, "winbooks-act"]),
            {"year": YEAR, "bookyear": "3"},
        )
    ).decode("cp1252")
    csf = body(client.get(reverse("exports-download", args=[w.entity.pk, "winbooks-csf"]))).decode(
        "cp1252"
    )

    parties = list(csv.reader(io.StringIO(csf)))
    assert all(len(r) == len(winbooks.CSF_FIELDS) == 22 for r in parties)
    assert all(
        line.startswith('"') and line.endswith('"') for line in csf.split("\r\n") if line
    )  # all quoted
    customer = next(r for r in parties if r[2] == w.client.name[:40])
    assert (
        customer[1] == "1"
        and customer[20] == "400"
        and customer[10] == w.client.vat_number.replace(".", "")
    )

    records = list(csv.reader(io.StringIO(act)))
    assert len(records) == EntryLine.objects.filter(entry__entity=w.entity).count()
    assert all(len(r) == len(winbooks.ACT_FIELDS) == 36 for r in records)
    by_document = defaultdict(D)
    for r in records:
        f = dict(zip(winbooks.ACT_FIELDS, r, strict=True))
        by_document[(f["DBKCODE"], f["DOCNUMBER"], f["DATE"])] += D(f["AMOUNTEUR"])
        assert f["BOOKYEAR"] == "3" and len(f["DATE"]) == 8
        if f["DOCTYPE"] == "1":
            assert f["ACCOUNTRP"] == customer[0] and f["ACCOUNTGL"] == "400"
        else:
            assert f["ACCOUNTRP"] == ""
    assert all(total == 0 for total in by_document.values())
    sales = [
        dict(zip(winbooks.ACT_FIELDS, r, strict=True))
        for r in records
        if r[1] == "VT" or r[2] in "23"
    ]
    assert {"2", "3"} <= {s["DBKTYPE"] for s in sales}  # invoices and credit notes
    assert any(dict(zip(winbooks.ACT_FIELDS, r, strict=True))["MATCHNO"] for r in records)
    assert [r for r in records if r[9] == "00"]  # the opening entry in period 00


def test_the_generic_csv_files_carry_the_documented_columns():
    w = year_of_books("BE")
    entries = list(
        csv.DictReader(io.StringIO(b"".join(generic.entries(w.entity, YEAR, "en")).decode()))
    )
    assert list(entries[0]) == list(generic.ENTRY_COLUMNS)
    assert len(entries) == EntryLine.objects.filter(entry__entity=w.entity).count()
    assert sum(D(r["debit"]) for r in entries) == sum(D(r["credit"]) for r in entries) > 0
    assert {r["activity_id"] for r in entries if r["client_id"]} == {str(w.activity.pk)}
    assert any(r["lettering_code"] for r in entries)
    accounts = list(
        csv.DictReader(io.StringIO(b"".join(generic.accounts(w.entity, "nl")).decode()))
    )
    assert list(accounts[0]) == list(generic.ACCOUNT_COLUMNS) and any(
        a["role"] == "receivable" for a in accounts
    )
    parties = list(csv.DictReader(io.StringIO(b"".join(generic.parties(w.entity)).decode())))
    assert any(p["code"] == f"C{w.client.pk:06d}" and p["kind"] == "client" for p in parties)
