"""E-reporting: what each report of a period holds, proven equal to the books, written as valid XML,
built once (corrected as a new version), sent to a certified platform over its standard API and
followed; supplier invoices and invoice statuses received from it; and only the entity's
accountants see any of it (pages and API)."""

import datetime
from decimal import Decimal as D

import pytest
from lxml import etree

from compagnon.core.tests.factories import OfficeFactory, member_with_activity
from compagnon.einvoice.tests.scenarios import business_client, individual_client
from compagnon.ereporting import builder, inbox, lifecycle, pdp, services, xml
from compagnon.ereporting.models import (
    EReportingSettings,
    LifecycleStatus,
    PlatformFlow,
    Regime,
    Report,
    ReportKind,
    ReportState,
)
from compagnon.notifications.models import Notification
from compagnon.payments.tests.helpers import World, invoice
from compagnon.purchases.models import SupplierInvoice
from compagnon.sales import services as sales
from compagnon.sales.models import Kind

from .fake_platform import FakePlatform, cdar

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def _line(net, rate="20", category="S"):
    return {"description": "Taille de haie", "quantity": D("1"), "unit": "HUR", "unit_price": D(net),
            "vat_category": category, "vat_rate": D(rate)}


@pytest.fixture
def coop():
    """A French seller with an individual client, a Belgian business client and a French one."""
    world = World("FR")
    world.individual = individual_client(world.activity)
    world.belgian = business_client(world.activity, "BE")
    return world


def issue(world, client, lines, **fields):
    document = sales.create_document(actor=world.member.user, activity=world.activity, client=client,
                                     kind=Kind.INVOICE, lines=lines, **fields)
    return sales.issue_document(actor=world.member.user, document=document)


def period(world, kind):
    regime = services.settings_for(world.entity).regime
    return builder.period_containing(regime, kind, TODAY)


@pytest.fixture
def later(monkeypatch):
    """Forty days on: today's periods are over and can be reported."""
    monkeypatch.setattr(services, "today", lambda: TODAY + datetime.timedelta(days=40))


def test_sales_to_individuals_are_summed_per_day_and_rate_and_equal_the_books(coop):
    issue(coop, coop.individual, [_line("100"), _line("50", "10")])
    second = issue(coop, coop.individual, [_line("200")])
    sales.issue_document(actor=coop.member.user, document=sales.credit_note_for(actor=coop.member.user,
                                                                                invoice=second))
    invoice(coop.member, coop.activity, coop.client, "999")  # a French business: e-invoiced, not reported
    start, end = period(coop, ReportKind.TRANSACTIONS_DAILY)
    figures = builder.figures_for(coop.entity, ReportKind.TRANSACTIONS_DAILY, start, end)
    assert figures.as_json()["rates"] == [
        {"category": "TPS1", "rate": "20.00", "base": "100.00", "tax": "20.00"},  # 100 + 200 − 200
        {"category": "TPS1", "rate": "10.00", "base": "50.00", "tax": "5.00"},
    ]
    assert [(day["date"], day["count"]) for day in figures.lines] == [(TODAY.isoformat(), 3)]
    proof = services.proof.prove(coop.entity, ReportKind.TRANSACTIONS_DAILY, figures)
    assert proof["ok"], proof


def test_a_sale_to_a_business_abroad_is_reported_invoice_by_invoice(coop):
    sold = issue(coop, coop.belgian, [_line("500", "0", "AE")])
    issue(coop, coop.individual, [_line("80")])
    start, end = period(coop, ReportKind.TRANSACTIONS)
    figures = builder.figures_for(coop.entity, ReportKind.TRANSACTIONS, start, end)
    assert [line["number"] for line in figures.lines] == [sold.number]
    line = figures.lines[0]
    assert line["buyer"]["country"] == "BE" and line["type_code"] == "380"
    assert line["rates"] == [{"category": "TNT1", "vat_category": "AE", "rate": "0.00", "base": "500.00",
                              "tax": "0.00"}]
    assert services.proof.prove(coop.entity, ReportKind.TRANSACTIONS, figures)["ok"]


def test_payments_are_split_per_rate_and_add_up_to_what_the_bank_received(coop):
    sold = issue(coop, coop.individual, [_line("100"), _line("50", "10")])  # 120 + 55 = 175 incl. VAT
    t = coop.receive("100.00")
    from compagnon.payments import services as payments

    payments.allocate(actor=coop.accountant, transaction=t, items=[(sold, D("100.00"))])
    start, end = period(coop, ReportKind.PAYMENTS_DAILY)
    figures = builder.figures_for(coop.entity, ReportKind.PAYMENTS_DAILY, start, end)
    rates = figures.as_json()["rates"]
    assert sum(D(r["base"]) + D(r["tax"]) for r in rates) == D("100.00")
    assert rates[0] == {"category": "TPS1", "rate": "20.00", "base": "57.14", "tax": "11.43"}  # 68.57 of 100
    proof = services.proof.prove(coop.entity, ReportKind.PAYMENTS_DAILY, figures)
    assert proof["ok"], proof
    # a business abroad's payments are not in the individuals' report
    assert builder.figures_for(coop.entity, ReportKind.PAYMENTS, start, end).lines == []


@pytest.mark.parametrize("regime,kind,expected", [
    (Regime.NORMAL, ReportKind.TRANSACTIONS_DAILY, [(1, 10), (11, 20), (21, 30)]),
    (Regime.NORMAL, ReportKind.PAYMENTS_DAILY, [(1, 30)]),
    (Regime.SIMPLIFIED, ReportKind.TRANSACTIONS, [(1, 30)]),
])
def test_periods_follow_the_vat_regime(regime, kind, expected):
    got = builder.periods(regime, kind, 2026, 11)
    assert [(s.day, e.day) for s, e in got] == expected
    assert builder.periods(Regime.FRANCHISE, kind, 2026, 11) == [(datetime.date(2026, 11, 1),
                                                                  datetime.date(2026, 12, 31))]
    assert builder.periods(Regime.FRANCHISE, kind, 2026, 12) == []


def test_a_report_is_built_once_valid_and_corrected_as_a_new_version(coop, later):
    issue(coop, coop.individual, [_line("100")])
    start, end = period(coop, ReportKind.TRANSACTIONS_DAILY)
    report = services.build_report(actor=coop.accountant, entity=coop.entity, kind=ReportKind.TRANSACTIONS_DAILY,
                                   start=start, end=end)
    assert report.proof["ok"] and report.version == 1 and report.state == ReportState.READY
    with report.file.open("rb") as f:
        data = f.read()
    xml.check(data)  # the schema
    root = etree.fromstring(data)
    assert root.findtext(f"{{{xml.NS}}}ReportDocument/{{{xml.NS}}}FlowNumber") == "10.3"
    # nothing changed: the same report
    again = services.build_report(actor=coop.accountant, entity=coop.entity, kind=ReportKind.TRANSACTIONS_DAILY,
                                  start=start, end=end)
    assert again.pk == report.pk
    # sent, then a late invoice of the period: a correction, the first one replaced
    Report.objects.filter(pk=report.pk).update(state=ReportState.SENT)
    issue(coop, coop.individual, [_line("30")])
    correction = services.build_report(actor=coop.accountant, entity=coop.entity,
                                       kind=ReportKind.TRANSACTIONS_DAILY, start=start, end=end)
    assert correction.version == 2 and correction.figures["rates"][0]["base"] == "130.00"
    report.refresh_from_db()
    assert report.state == ReportState.REPLACED


def test_a_period_not_over_or_not_a_period_is_refused_in_words(coop):
    start, end = period(coop, ReportKind.TRANSACTIONS_DAILY)
    with pytest.raises(services.ValidationError) as exc:
        services.build_report(actor=coop.accountant, entity=coop.entity, kind=ReportKind.TRANSACTIONS_DAILY,
                              start=start, end=end)
    assert "period_end" in exc.value.message_dict
    with pytest.raises(services.ValidationError) as exc:
        services.build_report(actor=coop.accountant, entity=coop.entity, kind=ReportKind.TRANSACTIONS_DAILY,
                              start=start, end=start)
    assert "period_start" in exc.value.message_dict
    belgian = World("BE")
    with pytest.raises(services.ValidationError):
        services.build_report(actor=belgian.accountant, entity=belgian.entity,
                              kind=ReportKind.TRANSACTIONS_DAILY, start=start, end=end)


def test_reports_go_to_the_platform_and_its_answer_is_followed(coop, later):
    issue(coop, coop.individual, [_line("100")])
    start, end = period(coop, ReportKind.TRANSACTIONS_DAILY)
    report = services.build_report(actor=coop.accountant, entity=coop.entity,
                                   kind=ReportKind.TRANSACTIONS_DAILY, start=start, end=end)
    with FakePlatform() as platform:
        client = pdp.FlowClient(platform.url, platform.token)
        report = services.send_report(actor=coop.accountant, report=report, client=client)
        assert report.state == ReportState.SENT and report.flow_id
        flow = platform.flows[report.flow_id]
        assert flow["flowSyntax"] == "FRR" and flow["processingRule"] == "B2C"
        assert flow["flowType"] == "AggregatedCustomerTransactionReport"
        assert flow["trackingId"] == report.tracking_id
        with pytest.raises(services.ValidationError):  # sent once
            services.send_report(actor=coop.accountant, report=report, client=client)
        assert services.follow_reports(client=client) == 0  # still pending
        platform.acknowledge(report.flow_id, "Error", [{"reasonCode": "R12", "reasonMessage": "Période déjà déclarée"}])
        assert services.follow_reports(client=client) == 1
    report.refresh_from_db()
    assert report.state == ReportState.REFUSED and "Période déjà déclarée" in report.detail


def test_a_report_whose_amounts_differ_from_the_books_is_not_sent(coop, later):
    issue(coop, coop.individual, [_line("100")])
    start, end = period(coop, ReportKind.TRANSACTIONS_DAILY)
    report = services.build_report(actor=coop.accountant, entity=coop.entity,
                                   kind=ReportKind.TRANSACTIONS_DAILY, start=start, end=end)
    Report.objects.filter(pk=report.pk).update(proof={"ok": False, "checks": []})
    report.refresh_from_db()
    with FakePlatform() as platform, pytest.raises(services.ValidationError) as exc:
        services.send_report(actor=coop.accountant, report=report, client=pdp.FlowClient(platform.url, platform.token))
    assert "proof" in exc.value.message_dict and platform.sent() == []


def test_a_wrong_token_is_said_plainly(coop):
    with FakePlatform() as platform:
        client = pdp.FlowClient(platform.url, "not-the-token")
        with pytest.raises(pdp.PlatformError, match="401"):
            client.search()
        assert pdp.FlowClient(platform.url, platform.token).healthy()


def supplier_ubl(reference: str) -> bytes:
    from compagnon.purchases.tests.factories import example

    return example("peppol/base-example.xml").replace(b"<cbc:BuyerReference>0150abc</cbc:BuyerReference>",
                                                     f"<cbc:BuyerReference>{reference}</cbc:BuyerReference>".encode())


def test_supplier_invoices_arrive_in_the_activity_they_name_or_wait_for_an_accountant(coop, client):
    with FakePlatform() as platform:
        platform.receive("SupplierInvoice", "UBL", supplier_ubl(f"A-{coop.activity.pk}"), "facture-fournisseur.xml")
        platform.receive("SupplierInvoice", "UBL", supplier_ubl("chantier Dupont"), "sans-reference.xml")
        api = pdp.FlowClient(platform.url, platform.token)
        counts = inbox.pull(client=api)
        assert counts["invoices"] == 1 and counts["waiting"] == 1
        assert inbox.pull(client=api)["invoices"] == 0  # each flow once
    received = SupplierInvoice.objects.get()
    assert received.activity == coop.activity
    waiting = PlatformFlow.objects.get(invoice__isnull=True)
    client.force_login(coop.accountant)
    page = client.get(f"/ereporting/{coop.entity.pk}/inbox/")
    assert page.status_code == 200 and "sans-reference.xml" in page.content.decode()
    answer = client.post(f"/ereporting/{coop.entity.pk}/inbox/{waiting.pk}/route/",
                         {f"f{waiting.pk}-activity": coop.activity.pk})
    assert answer.status_code == 302
    assert SupplierInvoice.objects.count() == 2
    waiting.refresh_from_db()
    assert waiting.invoice_id is not None


def test_invoice_statuses_are_recorded_told_to_the_member_and_read_by_the_access_point(
        coop, django_capture_on_commit_callbacks):
    sent = invoice(coop.member, coop.activity, coop.client, "300")
    from compagnon.einvoice.models import Transmission

    Transmission.objects.create(document=sent, channel="peppol", format="ubl", recipient="0009:123",
                                status="sent", message_id="flow-1")
    with FakePlatform() as platform:
        platform.receive("CustomerInvoiceLC", "CDAR", cdar([(sent.number, "203", ""), (sent.number, "205", "")]))
        api = pdp.FlowClient(platform.url, platform.token)
        with django_capture_on_commit_callbacks(execute=True):
            assert inbox.pull(client=api)["statuses"] == 2
        assert pdp.PdpAccessPoint(api).status("flow-1").status == "delivered"
        platform.receive("CustomerInvoiceLC", "CDAR", cdar([(sent.number, "213", "SIRET inconnu")],
                                                           when="20261204090000"))
        with django_capture_on_commit_callbacks(execute=True):
            inbox.pull(client=api)
        receipt = pdp.PdpAccessPoint(api).status("flow-1")
    assert receipt.status == "failed" and "SIRET inconnu" in receipt.detail
    assert [s.code for s in LifecycleStatus.objects.filter(document=sent).order_by("at", "code")] == ["203", "205",
                                                                                                   "213"]
    titles = list(Notification.objects.filter(user=coop.member.user).values_list("title", flat=True))
    assert any("approved" in t for t in titles) and any("rejected" in t for t in titles)
    assert not any("made available" in t for t in titles)  # not worth a notification


def test_a_message_that_is_not_a_status_is_logged_not_fatal():
    with pytest.raises(lifecycle.CdarError):
        lifecycle.parse(b"<Invoice/>")
    with pytest.raises(lifecycle.CdarError):
        lifecycle.parse(b"not xml")


def test_the_access_point_sends_e_invoices_as_platform_flows(coop):
    with FakePlatform() as platform:
        point = pdp.PdpAccessPoint(pdp.FlowClient(platform.url, platform.token))
        flow_id = point.submit(sender="0009:1", recipient="0009:2", document_type="invoice",
                               xml=b'<?xml version="1.0"?><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>')
        assert platform.flows[flow_id]["flowSyntax"] == "UBL" and platform.flows[flow_id]["processingRule"] == "B2B"
        assert point.status(flow_id).status == "sent"
        platform.acknowledge(flow_id, "Error", [{"reasonMessage": "schéma invalide"}])
        assert point.status(flow_id).status == "failed"


def test_only_the_entitys_accountants_see_e_reports_pages_and_api(coop, later, client):
    issue(coop, coop.individual, [_line("100")])
    start, end = period(coop, ReportKind.TRANSACTIONS_DAILY)
    report = services.build_report(actor=coop.accountant, entity=coop.entity,
                                   kind=ReportKind.TRANSACTIONS_DAILY, start=start, end=end)
    other = World("FR")
    member, _activity = member_with_activity(OfficeFactory(entity=coop.entity))
    for user in (coop.member.user, member.user, other.accountant):
        client.force_login(user)
        assert client.get(f"/ereporting/reports/{report.pk}/").status_code == 404
        assert client.get(f"/ereporting/reports/{report.pk}/download/").status_code == 404
        assert client.get(f"/api/v1/ereports/{report.pk}/").status_code == 404
        assert client.get("/api/v1/ereports/").json()["results"] == []
        assert client.get(f"/ereporting/{coop.entity.pk}/").status_code in (403, 404)
        assert client.post(f"/ereporting/{coop.entity.pk}/build/", {"kind": "transactions_daily",
                                                                    "start": start, "end": end}).status_code in (403,
                                                                                                                404)
    client.force_login(coop.accountant)
    page = client.get(f"/ereporting/{coop.entity.pk}/")
    assert page.status_code == 200
    detail = client.get(f"/ereporting/reports/{report.pk}/").content.decode()
    assert "Every amount of the report equals the books." in detail
    download = client.get(f"/ereporting/reports/{report.pk}/download/")
    assert download.status_code == 200 and b"<Report" in b"".join(download.streaming_content)  # read: closes it


def test_the_api_builds_reads_and_downloads_reports(coop, later, client):
    issue(coop, coop.individual, [_line("100")])
    start, end = period(coop, ReportKind.TRANSACTIONS_DAILY)
    client.force_login(coop.accountant)
    made = client.post("/api/v1/ereports/", {"entity": coop.entity.pk, "kind": "transactions_daily",
                                             "period_start": start.isoformat(), "period_end": end.isoformat()},
                       content_type="application/json")
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["matches_books"] is True and body["flow_number"] == "10.3"
    again = client.post("/api/v1/ereports/", {"entity": coop.entity.pk, "kind": "transactions_daily",
                                              "period_start": start.isoformat(), "period_end": end.isoformat()},
                        content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    download = client.get(f"/api/v1/ereports/{body['id']}/file/")
    assert download.status_code == 200 and b"urn:compagnon:ereporting:1" in b"".join(download.streaming_content)
    listed = client.get(f"/api/v1/ereports/?entity={coop.entity.pk}&kind=transactions_daily").json()
    assert [r["id"] for r in listed["results"]] == [body["id"]]


def test_the_daily_pass_builds_and_sends_for_entities_that_asked(coop, monkeypatch):
    from compagnon.ereporting import daily

    issue(coop, coop.individual, [_line("100")])
    EReportingSettings.objects.create(entity=coop.entity, regime=Regime.SIMPLIFIED, send_automatically=True)
    monkeypatch.setattr(services, "today", lambda: TODAY + datetime.timedelta(days=40))
    monkeypatch.setattr(pdp, "configured", lambda: True)
    with FakePlatform() as platform:
        done = daily.run(today=TODAY + datetime.timedelta(days=40), client=pdp.FlowClient(platform.url, platform.token))
        assert done["sent"] >= 1 and done["not_sent"] == 0
        again = daily.run(today=TODAY + datetime.timedelta(days=40),
                          client=pdp.FlowClient(platform.url, platform.token))
        assert again["sent"] == 0  # nothing sent twice
    start, _end = builder.period_containing(Regime.SIMPLIFIED, ReportKind.TRANSACTIONS_DAILY, TODAY)
    sent = Report.objects.filter(entity=coop.entity, kind=ReportKind.TRANSACTIONS_DAILY, period_start=start)
    assert [(r.state, r.version, r.figures["count"]) for r in sent] == [(ReportState.SENT, 1, 1)]
    # an earlier period with no sale is reported too, as empty (the report says there was nothing)
    assert Report.objects.filter(entity=coop.entity, period_start__lt=start, figures__count=0).exists()
