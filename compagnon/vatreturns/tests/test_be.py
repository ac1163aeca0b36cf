"""The Belgian periodic return from the books, its grid rules, and the Intervat files checked
against the schemas in xsd/."""

import pytest
from django.utils import timezone
from lxml import etree

from compagnon.sales.tests.factories import ClientFactory, issued_invoice
from compagnon.vatreturns import be, intervat

from .helpers import (
    D,
    coop,
    in_period,
    last_quarter,
    post_purchase,
    post_reverse_charge,
    post_sale,
    this_quarter,
)

pytestmark = pytest.mark.django_db


def lines(rate, price, category="S"):
    return [
        {
            "description": "Coaching",
            "quantity": D("1"),
            "unit": "LS",
            "unit_price": D(price),
            "vat_category": category,
            "vat_rate": D(rate),
        }
    ]


def grids(figures):
    return {b.code: b.amount for b in figures.boxes}


@pytest.fixture
def belgian():
    c = coop("BE")
    activity = c["activity"]
    liege = ClientFactory(activity=activity, country="BE", vat_number="BE0403019261", city="Liège")
    issued_invoice(c["member"], activity, liege, lines=lines("21", "1000"))
    issued_invoice(c["member"], activity, liege, lines=lines("6", "200"))
    paris = ClientFactory(activity=activity, country="FR", vat_number="FR40303265045")
    issued_invoice(c["member"], activity, paris, lines=lines("0", "800", "K"))
    post_purchase(
        activity, net=D("400.00"), vat=D("84.00"), date=timezone.localdate(), expense="602"
    )
    return c


def test_the_grids_come_from_the_documents_and_the_ledger(belgian):
    f = be.periodic(belgian["entity"], this_quarter())
    g = grids(f)
    assert g["03"] == D("1000.00") and g["01"] == D("200.00")
    assert g["46"] == D("800.00")
    assert g["54"] == D("222.00")  # 210 + 12
    assert g["82"] == D("400.00") and g["81"] == D("0")
    assert g["59"] == D("84.00")
    assert g["71"] == D("138.00") and g["72"] == D("0")
    assert be.grid_rules(f) == []
    assert f.warnings == []


def test_reverse_charge_fills_86_88_87_and_55_56():
    c = coop("BE")
    period = last_quarter()
    day = in_period(period)
    post_reverse_charge(
        c["activity"], net=D("1000.00"), rate=D("21"), code="451121", date=day, expense="604"
    )
    post_reverse_charge(
        c["activity"], net=D("500.00"), rate=D("21"), code="451221", date=day, expense="602"
    )
    post_reverse_charge(
        c["activity"], net=D("100.00"), rate=D("21"), code="451421", date=day, expense="602"
    )
    g = grids(be.periodic(c["entity"], period))
    assert (g["86"], g["88"], g["87"]) == (D("1000.00"), D("500.00"), D("100.00"))
    assert g["55"] == D("315.00") and g["56"] == D("21.00")
    assert g["59"] == D("336.00")
    assert g["81"] == D("1000.00") and g["82"] == D("600.00")
    assert g["71"] == g["72"] == D("0")


def test_71_and_72_follow_the_grids_when_the_state_owes():
    c = coop("BE")
    period = last_quarter()
    post_sale(c["activity"], net=D("100.00"), rate=D("21"), date=in_period(period))
    post_purchase(c["activity"], net=D("1000.00"), vat=D("210.00"), date=in_period(period, 2))
    f = be.periodic(c["entity"], period)
    g = grids(f)
    assert g["72"] == g["59"] - g["54"] == D("189.00")
    assert g["71"] == D("0")
    # the sale was posted by hand, with no document behind it: no base in 01 to 03
    assert be.grid_rules(f) == ["54 > 0 ⇒ 01 + 02 + 03 > 0"]
    assert any("by hand" in str(w) for w in f.warnings)
    f.box("71").amount = D("1.00")
    assert "71 × 72 = 0" in be.grid_rules(f)


def test_the_periodic_return_xml_follows_the_schema(belgian):
    period = this_quarter()
    f = be.periodic(belgian["entity"], period)
    xml = intervat.vat_declaration(belgian["entity"], period, grids(f), reference="ref-1")
    assert intervat.errors(xml, "VATConsignment") == []
    tree = etree.fromstring(xml)
    ns = {"v": intervat.NS["VATConsignment"], "c": intervat.NS_COMMON}
    sent = {a.get("GridNumber"): a.text for a in tree.iterfind(".//v:Data/v:Amount", ns)}
    assert sent["3"] == "1000.00" and sent["54"] == "222.00" and sent["71"] == "138.00"
    assert "72" not in sent  # grids at zero are left out
    assert tree.findtext(".//v:Period/v:Quarter", namespaces=ns) == str(period.quarter)
    assert tree.findtext(".//c:VATNumber", namespaces=ns) == belgian["entity"].company_number


def test_the_schema_refuses_what_intervat_refuses(belgian):
    period = this_quarter()
    xml = intervat.vat_declaration(
        belgian["entity"], period, {"03": D("10.00"), "71": D("2.10")}, reference="r"
    )
    assert intervat.errors(xml, "VATConsignment") == []
    bad_grid = xml.replace(b'GridNumber="3"', b'GridNumber="99"')
    negative = xml.replace(b">10.00<", b">-10.00<")
    twice = xml.replace(b'GridNumber="71"', b'GridNumber="3"')
    for broken in (bad_grid, negative, twice):
        assert intervat.errors(broken, "VATConsignment")


def test_the_client_listing_and_the_intra_listing_follow_their_schemas(belgian):
    year = timezone.localdate().year
    rows = intervat.client_listing_rows(belgian["entity"], year)
    assert rows == [{"vat_number": "0403019261", "turnover": D("1200.00"), "vat": D("222.00")}]
    xml = intervat.client_listing(belgian["entity"], year, reference="cl")
    assert intervat.errors(xml, "ClientListingConsignment") == []
    assert b'TurnOverSum="1200.00"' in xml and b'ClientsNbr="1"' in xml

    intra = intervat.intra_listing_rows(belgian["entity"], this_quarter())
    assert intra == [
        {"country": "FR", "vat_number": "40303265045", "code": "L", "amount": D("800.00")}
    ]
    xml = intervat.intra_listing(belgian["entity"], this_quarter(), reference="il")
    assert intervat.errors(xml, "IntraConsignment") == []
    assert intervat.errors(xml.replace(b"<ns2:Code>L<", b"<ns2:Code>X<"), "IntraConsignment")
