"""Pages and API: a member sees only their own activities' advances, advisors their offices',
accountants their entities'; asking from the phone; the queue, the fund and the policy pages."""

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import (
    OfficeFactory,
    advisor_of,
    api_token_for,
    member_with_activity,
    staff,
)
from compagnon.einvoice.tests.scenarios import business_client
from compagnon.payments.tests.helpers import invoice
from compagnon.prefinancing import services
from compagnon.prefinancing.models import Advance, AdvanceState, Policy

from .helpers import Coop

pytestmark = pytest.mark.django_db


def api(user):
    return {"HTTP_AUTHORIZATION": f"Token {api_token_for(user)}"}


@pytest.fixture
def two():
    """Camille (the Coop's member, established) and Yanis (new) in the same office, each with an
    invoice; Camille's advance is approved, Yanis's waits for a decision."""
    c = Coop()
    yanis, yanis_activity = member_with_activity(c.member.office, maturity="new")
    client = business_client(yanis_activity, "BE")
    mine = c.ask(c.invoice("1000"))
    theirs = services.request_advance(actor=yanis.user, document=invoice(yanis, yanis_activity, client, "500"))
    return c, yanis, mine, theirs


def test_a_member_never_reaches_another_members_advances(client, two):
    c, yanis, mine, theirs = two
    assert mine.state == AdvanceState.APPROVED and theirs.state == AdvanceState.REQUESTED
    client.force_login(c.member.user)
    page = client.get("/prefinancing/").content.decode()
    assert mine.document.number in page and theirs.document.number not in page
    assert client.get(f"/prefinancing/{mine.pk}/").status_code == 200
    for url in (f"/prefinancing/{theirs.pk}/", f"/prefinancing/invoices/{theirs.document_id}/",
                "/prefinancing/fund/", "/prefinancing/review/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/prefinancing/{theirs.pk}/approve/").status_code == 404
    listed = client.get("/api/v1/advances/", **api(c.member.user)).json()
    assert [a["id"] for a in listed["results"]] == [mine.pk]
    assert client.get(f"/api/v1/advances/{theirs.pk}/", **api(c.member.user)).status_code == 404
    assert client.post(f"/api/v1/advances/{theirs.pk}/approve/", **api(c.member.user)).status_code == 404
    assert client.post("/api/v1/advances/", {"invoice": theirs.document_id}, content_type="application/json",
                       **api(c.member.user)).status_code == 404
    assert client.get("/api/v1/prefinancing-fund/", **api(c.member.user)).status_code == 404


def test_a_member_cannot_decide_their_own_request(client):
    c = Coop(maturity="new")
    advance = c.ask(c.invoice("1000"))
    client.force_login(c.member.user)
    assert client.post(f"/prefinancing/{advance.pk}/approve/").status_code == 403
    assert client.post(f"/api/v1/advances/{advance.pk}/approve/", **api(c.member.user)).status_code == 403
    advance.refresh_from_db()
    assert advance.state == AdvanceState.REQUESTED


def test_asking_from_the_phone_shows_the_limit_then_the_answer(client):
    c = Coop()
    doc = c.invoice("1000")
    client.force_login(c.member.user)
    home = client.get("/prefinancing/").content.decode()
    assert doc.number in home and f"/prefinancing/invoices/{doc.pk}/" in home
    page = client.get(f"/prefinancing/invoices/{doc.pk}/").content.decode()
    assert "800.00" in page and "approved at once" in page
    too_much = client.post(f"/prefinancing/invoices/{doc.pk}/", {"amount": "950"})
    assert too_much.status_code == 400 and "At most 800.00" in too_much.content.decode()
    assert 'value="950"' in too_much.content.decode()  # nothing typed lost
    done = client.post(f"/prefinancing/invoices/{doc.pk}/", {"amount": "600"}, follow=True)
    advance = Advance.objects.get(document=doc)
    assert advance.amount == D("600.00") and advance.state == AdvanceState.APPROVED
    assert "Advance of 588.00\u00a0€ approved" in done.content.decode()


def test_the_advisor_decides_with_the_reasons_and_an_outsider_sees_nothing(client, two):
    c, yanis, mine, theirs = two
    other_advisor = advisor_of(OfficeFactory(entity=c.entity))
    client.force_login(other_advisor)
    assert client.get(f"/prefinancing/{theirs.pk}/").status_code == 404
    advisor = advisor_of(c.member.office)
    client.force_login(advisor)
    queue = client.get("/prefinancing/review/").content.decode()
    assert theirs.document.number in queue and "yours is “new”" in queue
    assert client.post(f"/prefinancing/{theirs.pk}/approve/").status_code == 302
    theirs.refresh_from_db()
    assert theirs.state == AdvanceState.APPROVED
    stranger = staff(Role.ACCOUNTANT, OfficeFactory().entity)
    assert client.get(f"/api/v1/advances/{mine.pk}/", **api(stranger)).status_code == 404


def test_refusing_through_the_api_gives_the_member_the_reason(client, two):
    c, yanis, mine, theirs = two
    answer = client.post(f"/api/v1/advances/{theirs.pk}/refuse/", {"reason": "Wait until the client signs."},
                         content_type="application/json", **api(c.accountant))
    assert answer.status_code == 200 and answer.json()["state"] == "refused"
    mine_now = client.get(f"/api/v1/advances/{theirs.pk}/", **api(yanis.user)).json()
    assert mine_now["refusal_reason"] == "Wait until the client signs."


def test_the_api_lists_eligible_invoices_and_asks(client):
    c = Coop(maturity="new")
    doc = c.invoice("1000")
    rows = client.get("/api/v1/advances/eligible-invoices/", **api(c.member.user)).json()
    assert rows[0]["invoice"] == doc.pk and rows[0]["maximum"] == "800.00" and not rows[0]["automatic"]
    assert rows[0]["concerns"] == ["Advances are automatic from the maturity “developing”; yours is “new”."]
    made = client.post("/api/v1/advances/", {"invoice": doc.pk, "amount": "400"}, content_type="application/json",
                       **api(c.member.user))
    assert made.status_code == 201 and made.json()["state"] == "requested"
    again = client.post("/api/v1/advances/", {"invoice": doc.pk}, content_type="application/json",
                        **api(c.member.user))
    assert again.status_code == 400 and "already has an advance" in str(again.json())


def test_the_fund_page_and_policy_for_the_bookkeepers(client, two):
    c, yanis, mine, theirs = two
    client.force_login(c.accountant)
    page = client.get("/prefinancing/fund/").content.decode()
    assert "16.00" in page and mine.document.number in page  # the fee fed the fund
    fund = client.get("/api/v1/prefinancing-fund/", **api(c.accountant)).json()
    assert fund["balance"] == "16.00" and fund["outstanding"] == "800.00"
    form = client.get(f"/prefinancing/fund/{c.entity.pk}/policy/")
    assert form.status_code == 200
    saved = client.post(f"/prefinancing/fund/{c.entity.pk}/policy/", {
        "enabled": "on", "share_percent": "70", "fee_percent": "1.5", "auto_up_to": "1500", "min_maturity": "new",
        "max_days_overdue": "10", "client_history": "5", "client_late_days": "30", "client_max_late": "1",
        "member_ceiling": "4000", "total_ceiling": "40000", "loss_after_days": "60", "loss_cover": "budget"})
    assert saved.status_code == 302
    assert Policy.objects.get(entity=c.entity).share_percent == D("70")
    client.force_login(c.member.user)
    assert client.get(f"/prefinancing/fund/{c.entity.pk}/policy/").status_code == 404


def test_money_is_written_the_french_way(client):
    c = Coop()
    doc = c.invoice("1500")
    c.member.user.language = "fr"
    c.member.user.save(update_fields=["language"])
    client.force_login(c.member.user)
    page = client.get(f"/prefinancing/invoices/{doc.pk}/").content.decode()
    translation.activate("en")
    assert "1\u00a0200,00\u00a0€" in page
    assert "Avance sur la facture" in page


def test_the_advance_list_costs_the_same_queries_for_one_or_many(client):
    c = Coop()
    c.ask(c.invoice("100"))
    headers = api(c.accountant)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/advances/", **headers).status_code == 200
        return len(ctx.captured_queries)

    count()
    one = count()
    for _n in range(4):
        c.ask(c.invoice("100"))
    assert count() == one
    client.force_login(c.member.user)

    def page():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/prefinancing/review/").status_code in (200, 404)
        return len(ctx.captured_queries)

    client.force_login(c.accountant)
    first = page()
    assert page() == first


def test_the_members_page_costs_the_same_queries_for_one_or_many_invoices(client):
    c = Coop()
    c.ask(c.invoice("100"))
    c.invoice("100")
    client.force_login(c.member.user)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/prefinancing/").status_code == 200
        return len(ctx.captured_queries)

    count()
    one = count()
    for _n in range(3):
        c.ask(c.invoice("100"))
        c.invoice("100")
    assert count() == one
