"""Pages and API: a member sees only their own activities' claims, advisors their offices',
accountants their entities'; bad input answers with the field and the rule, nothing typed lost."""

import pytest
from django.utils import timezone

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import (
    OfficeFactory,
    advisor_of,
    api_token_for,
    member_with_activity,
    staff,
)
from compagnon.expenses import services
from compagnon.expenses.models import ClaimState, ExpenseClaim

from .helpers import cooperative, jpeg, upload

pytestmark = pytest.mark.django_db


def make(member, activity, **kw):
    values = {"kind": "receipt", "date": timezone.localdate(), "category": "supplies", "amount": "9.90",
              "supplier": kw.pop("supplier", "Shop"), "receipt": upload(jpeg()), "submit": True}
    values.update(kw)
    return services.save_claim(actor=member.user, activity=activity, **values)


@pytest.fixture
def two():
    coop = cooperative()
    mine = make(coop["camille"], coop["activity"], supplier="Mine SARL")
    theirs = make(coop["yanis"], coop["yanis_activity"], supplier="Theirs BV", amount="500.00")
    return coop, mine, theirs


def test_a_member_never_reaches_another_members_claims(client, two):
    coop, mine, theirs = two
    client.force_login(coop["camille"].user)
    page = client.get("/expenses/").content.decode()
    assert "Mine SARL" in page and "Theirs BV" not in page
    assert client.get(f"/expenses/{mine.pk}/").status_code == 200
    preview = client.get(f"/expenses/{mine.pk}/preview/")
    assert preview.status_code == 200 and preview["Content-Type"] == "image/jpeg"
    b"".join(preview.streaming_content)
    for url in (f"/expenses/{theirs.pk}/", f"/expenses/{theirs.pk}/receipt/", f"/expenses/{theirs.pk}/preview/",
                f"/expenses/{theirs.pk}/edit/", f"/activities/{coop['yanis_activity'].pk}/expenses/new/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/expenses/{theirs.pk}/approve/").status_code == 404
    assert client.post(f"/expenses/{mine.pk}/approve/").status_code == 403  # never one's own
    headers = {"HTTP_AUTHORIZATION": f"Token {api_token_for(coop['camille'].user)}"}
    listed = client.get("/api/v1/expense-claims/", **headers).json()
    assert [c["id"] for c in listed["results"]] == [mine.pk]
    assert client.get(f"/api/v1/expense-claims/{theirs.pk}/", **headers).status_code == 404
    assert client.get(f"/api/v1/expense-claims/{theirs.pk}/receipt/", **headers).status_code == 404
    assert client.post(f"/api/v1/expense-claims/{theirs.pk}/approve/", **headers).status_code == 404


def test_advisors_see_their_offices_and_accountants_their_entities(client, two):
    coop, mine, theirs = two
    elsewhere = advisor_of(OfficeFactory(entity=coop["entity"]))
    client.force_login(elsewhere)
    assert client.get(f"/expenses/{mine.pk}/").status_code == 404
    assert "Mine SARL" not in client.get("/expenses/review/").content.decode()
    client.force_login(coop["advisor"])
    queue = client.get("/expenses/review/").content.decode()
    assert "Mine SARL" in queue and "Theirs BV" in queue
    response = client.post(f"/expenses/{theirs.pk}/refuse/", {"reason": ""})
    assert response.status_code == 400
    client.post(f"/expenses/{theirs.pk}/refuse/", {"reason": "Not an expense of the activity."})
    theirs.refresh_from_db()
    assert theirs.state == ClaimState.REFUSED
    other_coop_accountant = staff(Role.ACCOUNTANT, OfficeFactory().entity)
    headers = {"HTTP_AUTHORIZATION": f"Token {api_token_for(other_coop_accountant)}"}
    assert client.get(f"/api/v1/expense-claims/{mine.pk}/", **headers).status_code == 404


def test_a_claim_from_the_phone_page(client):
    coop = cooperative()
    client.force_login(coop["camille"].user)
    url = f"/activities/{coop['activity'].pk}/expenses/new/"
    page = client.get(url).content.decode()
    assert 'capture="environment"' in page and 'accept="image/*,application/pdf"' in page
    bad = client.post(url, {"kind": "receipt", "date": timezone.localdate().isoformat(), "supplier": "Café du Port",
                            "amount": "12,5O", "category": "supplies", "description": "Coffee for the workshop",
                            "submit": "1", "receipt": upload(jpeg())})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "Café du Port" in text and "Coffee for the workshop" in text and "Type a number" in text
    good = client.post(url, {"kind": "receipt", "date": timezone.localdate().isoformat(), "supplier": "Café du Port",
                             "amount": "12,50", "category": "supplies", "submit": "1", "receipt": upload(jpeg())})
    assert good.status_code == 302
    claim = ExpenseClaim.objects.get()
    assert claim.amount.to_eng_string() == "12.50" and claim.state == ClaimState.SUBMITTED


def test_a_queued_claim_gets_a_short_answer_and_is_created_once(client):
    coop = cooperative()
    client.force_login(coop["camille"].user)
    url = f"/activities/{coop['activity'].pk}/expenses/new/"
    data = {"kind": "receipt", "date": timezone.localdate().isoformat(), "supplier": "Bakery", "amount": "4.20",
            "category": "meals", "client_key": "6f1d8a4e-3f0b-4c1e-9a53-0d3b8e1f2a77"}
    for _ in range(2):
        answer = client.post(url, {**data, "receipt": upload(jpeg())}, HTTP_X_COMPAGNON_QUEUED="1")
        assert answer.status_code == 200 and "message" in answer.json()
    assert ExpenseClaim.objects.count() == 1
    refused = client.post(url, {**data, "client_key": "", "supplier": ""}, HTTP_X_COMPAGNON_QUEUED="1")
    assert refused.status_code == 400 and any("Supplier" in e for e in refused.json()["errors"])


def test_the_api_creates_a_claim_with_its_receipt_and_prices_trips(client):
    coop = cooperative()
    headers = {"HTTP_AUTHORIZATION": f"Token {api_token_for(coop['yanis'].user)}"}
    response = client.post("/api/v1/expense-claims/", {
        "activity": coop["yanis_activity"].pk, "date": timezone.localdate().isoformat(), "supplier": "Shop",
        "amount": "30.00", "category": "supplies", "vat_recoverable": "true", "vat_rates": ["20.0"],
        "vat_amounts": ["5.00"], "receipt": upload(jpeg()), "submit": "true"}, **headers)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "approved" and body["entry"] and body["vat"] == [{"rate": "20.00", "tax_amount": "5.00"}]
    bad = client.post("/api/v1/expense-claims/", {"activity": coop["yanis_activity"].pk, "date": "2020-01-01",
                                                  "amount": "-1", "category": "x"}, **headers)
    assert bad.status_code == 400 and {"date", "amount"} <= set(bad.json()["error"]["fields"])
    categories = client.get(f"/api/v1/expense-categories/?activity={coop['yanis_activity'].pk}", **headers).json()
    assert {"key": "travel", "label": "Travel (train, plane, taxi, parking, tolls)", "account": "6251",
            "vat_recoverable": False} in categories
    price = client.post("/api/v1/expense-mileage/", {"activity": coop["yanis_activity"].pk, "date": "2024-03-04",
                                                      "distance_km": "100", "fiscal_power": 4},
                        content_type="application/json", **headers)
    assert price.status_code == 200 and price.json()["amount"] == "60.60"
    none = client.post("/api/v1/expense-mileage/", {"activity": coop["yanis_activity"].pk, "date": "2031-03-04",
                                                     "distance_km": "100", "fiscal_power": 4},
                       content_type="application/json", **headers)
    assert none.status_code == 400 and "2031" in none.json()["error"]["fields"]["date"][0]


def test_an_outsider_of_the_activity_cannot_claim_for_it(client):
    coop = cooperative()
    outsider, _activity = member_with_activity(coop["office"])
    headers = {"HTTP_AUTHORIZATION": f"Token {api_token_for(outsider.user)}"}
    response = client.post("/api/v1/expense-claims/", {"activity": coop["activity"].pk, "date": "2025-01-01",
                                                       "amount": "3", "supplier": "x", "category": "supplies"},
                           **headers)
    assert response.status_code == 400 and "activity" in response.json()["error"]["fields"]
