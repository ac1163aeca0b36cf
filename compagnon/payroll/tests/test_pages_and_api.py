"""Pages and API: a member sees only their own salary requests, payslips and contracts; advisors
their offices' members'; accountants their entities'. Never a colleague's salary."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compagnon.core.tests.factories import api_token_for, member_with_activity
from compagnon.payroll import payslips, services
from compagnon.payroll.models import RequestState

from .helpers import ask, cooperative, fund, hire, pdf_upload, this_month

pytestmark = pytest.mark.django_db


@pytest.fixture
def coop():
    coop = cooperative()
    coop["mine"] = ask(coop["camille"], coop["activity"], "2000.00")
    coop["theirs"] = ask(coop["yanis"], coop["yanis_activity"], "1800.00")
    pages = [["Matricule X" + coop["camille"].number], ["Matricule X" + coop["yanis"].number]]
    payslips.upload_payslips(actor=coop["accountant"], entity=coop["entity"], month=this_month(),
                             upload=pdf_upload(pages))
    coop["my_slip"] = coop["camille"].payslips.get()
    coop["their_slip"] = coop["yanis"].payslips.get()
    return coop


def api(client, user):
    return {"HTTP_AUTHORIZATION": f"Token {api_token_for(user)}"}


def _close_file(response):
    """Close the streamed file, not the response: response.close() sends request_finished, which
    would close the test's database connection on PostgreSQL."""
    for close in response._resource_closers:
        close()


def test_a_member_reaches_only_their_own_salary(client, coop):
    client.force_login(coop["camille"].user)
    page = client.get("/salary/")
    assert page.status_code == 200
    text = page.content.decode()
    assert f"/salary/requests/{coop['mine'].pk}/" in text and f"/salary/requests/{coop['theirs'].pk}/" not in text
    assert client.get(f"/salary/requests/{coop['mine'].pk}/").status_code == 200
    download = client.get(f"/salary/payslips/{coop['my_slip'].pk}/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    b"".join(download.streaming_content)
    _close_file(download)
    for url in (f"/salary/requests/{coop['theirs'].pk}/", f"/salary/payslips/{coop['their_slip'].pk}/",
                f"/payroll/{coop['entity'].pk}/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/salary/requests/{coop['theirs'].pk}/approve/").status_code == 404
    assert client.post(f"/salary/requests/{coop['mine'].pk}/approve/").status_code == 403  # never one's own
    headers = api(client, coop["camille"].user)
    listed = client.get("/api/v1/salary-requests/", **headers).json()
    assert [r["id"] for r in listed["results"]] == [coop["mine"].pk]
    assert client.get(f"/api/v1/salary-requests/{coop['theirs'].pk}/", **headers).status_code == 404
    slips = client.get("/api/v1/payslips/", **headers).json()
    assert [s["id"] for s in slips["results"]] == [coop["my_slip"].pk]
    assert client.get(f"/api/v1/payslips/{coop['their_slip'].pk}/download/", **headers).status_code == 404
    mine = client.get(f"/api/v1/payslips/{coop['my_slip'].pk}/download/", **headers)
    assert mine.status_code == 200
    b"".join(mine.streaming_content)
    _close_file(mine)
    contracts = client.get("/api/v1/employment-contracts/", **headers).json()["results"]
    assert {c["member"] for c in contracts} == {coop["camille"].pk}


def test_a_colleague_in_the_same_collective_does_not_see_the_salary(client, coop):
    from compagnon.members.models import ActivityMembership

    ActivityMembership.objects.create(activity=coop["activity"], member=coop["yanis"], role="contributor")
    client.force_login(coop["yanis"].user)
    assert client.get(f"/salary/requests/{coop['mine'].pk}/").status_code == 404
    assert client.get(f"/salary/payslips/{coop['my_slip'].pk}/").status_code == 404


def test_advisors_see_and_decide_their_offices_accountants_their_entities(client, coop):
    other = cooperative()
    client.force_login(coop["advisor"])
    queue = client.get("/salary/review/").content.decode()
    assert f"/salary/requests/{coop['mine'].pk}/" in queue
    response = client.post(f"/salary/requests/{coop['mine'].pk}/approve/")
    assert response.status_code == 302
    coop["mine"].refresh_from_db()
    assert coop["mine"].state == RequestState.APPROVED
    headers = api(client, other["advisor"])
    assert client.get(f"/api/v1/salary-requests/{coop['mine'].pk}/", **headers).status_code == 404
    assert client.get(f"/api/v1/payslips/{coop['my_slip'].pk}/", **headers).status_code == 404
    headers = api(client, coop["accountant"])
    ids = {r["id"] for r in client.get("/api/v1/salary-requests/", **headers).json()["results"]}
    assert ids == {coop["mine"].pk, coop["theirs"].pk}
    assert client.post(f"/api/v1/salary-requests/{coop['theirs'].pk}/approve/", **headers).status_code == 403
    client.force_login(coop["accountant"])
    month = client.get(f"/payroll/{coop['entity'].pk}/?month={this_month():%Y-%m}")
    assert month.status_code == 200
    assert client.get(f"/payroll/{other['entity'].pk}/").status_code == 404


def test_the_member_asks_from_the_phone_and_a_wrong_amount_keeps_what_was_typed(client, coop):
    client.force_login(coop["camille"].user)
    coop["mine"].state = RequestState.CANCELLED
    coop["mine"].save()
    data = {"month": this_month().strftime("%Y-%m"), "activity": str(coop["activity"].pk), "asked": "employer_cost",
            "amount": "999999", "note": "June work"}
    response = client.post("/salary/", data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "can pay at most" in text and "June work" in text
    response = client.post("/salary/", {**data, "amount": "1500"})
    assert response.status_code == 302
    assert coop["camille"].salary_requests.filter(state=RequestState.SUBMITTED).count() == 1


def test_simulation_page_and_api_are_labelled_an_estimate(client, coop):
    client.force_login(coop["camille"].user)
    page = client.get("/salary/simulate/?asked=employer_cost&amount=3000")
    assert page.status_code == 200 and "estimate" in page.content.decode().lower()
    headers = api(client, coop["camille"].user)
    answer = client.post("/api/v1/salary-simulations/", {"net": "1500.00"}, content_type="application/json",
                         **headers)
    assert answer.status_code == 200
    body = answer.json()
    assert body["estimate"] is True and body["country"] == "FR" and body["lines"]
    assert client.post("/api/v1/salary-simulations/", {}, content_type="application/json",
                       **headers).status_code == 400


def test_api_request_within_the_budget(client, coop):
    headers = api(client, coop["yanis"].user)
    services.cancel_request(actor=coop["yanis"].user, request=coop["theirs"])
    made = client.post("/api/v1/salary-requests/", {"activity": coop["yanis_activity"].pk,
                                                    "month": this_month().strftime("%Y-%m"), "net": "1200.00"},
                       content_type="application/json", **headers)
    assert made.status_code == 201, made.content
    too_much = client.post("/api/v1/salary-requests/", {"activity": coop["activity"].pk,
                                                        "month": this_month().strftime("%Y-%m"),
                                                        "employer_cost": "100.00"},
                           content_type="application/json", **headers)
    assert too_much.status_code in (400, 403)


def test_french_pages_read_the_french_way(client, coop):
    client.force_login(coop["camille"].user)
    client.cookies["django_language"] = "fr"
    page = client.get("/salary/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "\u00a0€" in page


def test_the_request_list_costs_the_same_queries_whatever_its_length(client, coop):
    client.force_login(coop["advisor"])
    client.get("/salary/review/")
    with CaptureQueriesContext(connection) as few:
        client.get("/salary/review/")
    for _i in range(2):
        member, activity = member_with_activity(coop["office"])
        fund(activity)
        hire(member, activity)
        ask(member, activity, "1000.00")
    with CaptureQueriesContext(connection) as many:
        client.get("/salary/review/")
    assert len(many) == len(few)


def test_contracts_on_the_member_page_for_the_advisor(client, coop):
    client.force_login(coop["advisor"])
    page = client.get(f"/members/{coop['camille'].pk}/").content.decode()
    assert "CESA" in page and f"/members/{coop['camille'].pk}/contracts/new/" in page
    response = client.post(f"/members/{coop['camille'].pk}/contracts/new/",
                           {"kind": "cesa", "start": "2020-01-01", "end": "2019-01-01"})
    assert response.status_code == 400
    client.force_login(cooperative()["advisor"])
    assert client.get(f"/members/{coop['camille'].pk}/contracts/new/").status_code == 404
