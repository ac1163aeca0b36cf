"""The accountants' pages and API: figures, drill-down, filing (frozen), settlement, downloads;
nobody else reaches them (404), pages and API alike."""

import pytest
from django.utils import timezone

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import advisor_of, api_token_for, staff
from compagnon.ledger.models import EntryLine
from compagnon.vatreturns import intervat
from compagnon.vatreturns.models import VatReturn

from .helpers import D, coop, in_period, last_quarter, post_purchase, post_sale

pytestmark = pytest.mark.django_db


def auth(user):
    return {"HTTP_AUTHORIZATION": f"Token {api_token_for(user)}"}


@pytest.fixture
def books():
    c = coop()
    period = last_quarter()
    post_sale(c["activity"], net=D("1000.00"), date=in_period(period, 1))
    post_purchase(c["activity"], net=D("100.00"), vat=D("20.00"), date=in_period(period, 2))
    c["period"] = period
    c["url"] = f"/vat-returns/{c['entity'].pk}/CA3/{period.key}/"
    return c


def test_the_accountant_reads_the_return_and_drills_down_to_the_entries(client, books):
    client.force_login(books["accountant"])
    page = client.get(f"/vat-returns/{books['entity'].pk}/")
    assert page.status_code == 200 and books["period"].key.encode() in page.content
    page = client.get(books["url"])
    assert page.status_code == 200
    assert "200,00" in page.content.decode() or "200.00" in page.content.decode()
    box = client.get(books["url"] + "box/08/")
    assert box.status_code == 200
    assert "445712" in box.content.decode()
    assert client.get(books["url"] + "box/99/").status_code == 404


def test_filing_freezes_the_figures_and_later_postings_are_flagged(client, books):
    client.force_login(books["accountant"])
    response = client.post(books["url"] + "file/", {"reference": "DGFiP 42"})
    assert response.status_code == 302
    filed = VatReturn.objects.get(entity=books["entity"], form="CA3", period=books["period"].key)
    assert filed.amount("08") == D("200.00") and filed.amount("28") == D("180.00")
    assert filed.filed_by == books["accountant"] and filed.reference == "DGFiP 42"

    post_sale(books["activity"], net=D("50.00"), date=books["period"].end)
    page = client.get(books["url"]).content.decode()
    assert "after the return was filed" in page
    filed.refresh_from_db()
    assert filed.amount("08") == D("200.00")
    api = client.get(f"/api/v1{books['url']}", **auth(books["accountant"])).json()
    assert api["filed"] is True and api["later_lines"] == 3
    box08 = next(b for b in api["boxes"] if b["code"] == "08")
    assert box08["amount"] == "200.00" and box08["changed_since_filing"] is True
    # filed once only
    client.post(books["url"] + "file/")
    assert VatReturn.objects.filter(entity=books["entity"]).count() == 1


def test_the_settlement_entry_closes_the_vat_accounts_once(client, books):
    client.force_login(books["accountant"])
    client.post(books["url"] + "file/")
    assert client.post(books["url"] + "settle/").status_code == 302
    filed = VatReturn.objects.get(entity=books["entity"])
    entry = filed.settlement_entry
    assert entry.is_balanced and entry.date == books["period"].end
    lines = {
        line.account.code: (line.debit, line.credit)
        for line in entry.lines.select_related("account")
    }
    assert lines == {
        "445712": (D("200.00"), D("0")),
        "44566": (D("0"), D("20.00")),
        "44551": (D("0"), D("180.00")),
    }
    client.post(books["url"] + "settle/")
    assert EntryLine.objects.filter(entry__source_type="vatreturns.vatreturn").count() == 3
    # the figures of the period leave their own settlement out
    page = client.get(f"/api/v1{books['url']}", **auth(books["accountant"])).json()
    assert page["later_lines"] == 0


def test_a_period_not_over_cannot_be_filed(client, books):
    client.force_login(books["accountant"])
    today = timezone.localdate()
    current = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    client.post(f"/vat-returns/{books['entity'].pk}/CA3/{current}/file/")
    assert not VatReturn.objects.exists()


def test_downloads(client, books):
    client.force_login(books["accountant"])
    csv = client.get(books["url"] + "download.csv")
    assert csv.status_code == 200 and b"08;" in csv.content
    pdf = client.get(books["url"] + "download.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(books["url"] + "download.xml").status_code == 404  # French return: no XML


def test_belgian_xml_download_through_the_api():
    from django.test import Client

    c = coop("BE")
    period = last_quarter()
    post_purchase(c["activity"], net=D("100.00"), vat=D("21.00"), date=in_period(period))
    response = Client().get(
        f"/api/v1/vat-returns/{c['entity'].pk}/BE/{period.key}/xml/", **auth(c["accountant"])
    )
    assert response.status_code == 200
    assert intervat.errors(response.content, "VATConsignment") == []
    assert b'GridNumber="72">21.00<' in response.content


def test_nobody_else_reaches_the_returns(client, books):
    other = coop()
    member = books["member"].user
    outsiders = [
        member,
        other["accountant"],
        advisor_of(books["member"].office),
        staff(Role.SUPPORT, books["entity"], service="legal"),
    ]
    urls = [
        books["url"],
        books["url"] + "box/08/",
        books["url"] + "download.csv",
        f"/vat-returns/{books['entity'].pk}/",
    ]
    for user in outsiders:
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(books["url"] + "file/").status_code == 404
        api = client.get(f"/api/v1{books['url']}", **auth(user))
        assert api.status_code == 404
        assert (
            client.get(f"/api/v1/vat-returns/{books['entity'].pk}/", **auth(user)).status_code
            == 404
        )
    assert not VatReturn.objects.exists()
    client.force_login(books["accountant"])
    assert client.get(books["url"]).status_code == 200
    assert (
        client.get(
            f"/api/v1/vat-returns/{books['entity'].pk}/", **auth(books["accountant"])
        ).status_code
        == 200
    )


def test_the_demo_files_the_previous_quarter_of_each_entity():
    from compagnon.vatreturns.demo import seed_demo_vat_returns

    french, belgian = coop(), coop("BE")
    post_sale(french["activity"], net=D("100.00"), date=in_period(last_quarter()))
    filed = seed_demo_vat_returns([french["entity"]], french["accountant"])
    filed += seed_demo_vat_returns([belgian["entity"]], belgian["accountant"])
    assert [(r.form, r.period) for r in filed] == [
        ("CA3", last_quarter().key),
        ("BE", last_quarter().key),
    ]
    assert filed[0].amount("08") == D("20.00")


def test_the_return_page_costs_the_same_queries_however_many_entries(client, books):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(books["accountant"])
    client.post(books["url"] + "file/")
    client.get(books["url"])
    with CaptureQueriesContext(connection) as few:
        assert client.get(books["url"]).status_code == 200
    for i in range(12):
        post_sale(books["activity"], net=D("10.00"), date=in_period(books["period"], 20 + i))
    with CaptureQueriesContext(connection) as many:
        assert client.get(books["url"]).status_code == 200
    assert len(many) == len(few)
