"""CSV streamed and PDF printed, pages and API: what an accountant downloads."""

from decimal import Decimal

import pytest
from django.http import StreamingHttpResponse

from compagnon.ledger.models import Account

from .helpers import auth

pytestmark = pytest.mark.django_db
D = Decimal


def _csv(response) -> str:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_the_trial_balance_streams_as_csv_in_the_readers_conventions(client, coop):
    client.force_login(coop["accountant"])
    url = f"/reports/{coop['entity'].pk}/trial-balance/?year=2025&format=csv"
    text = _csv(client.get(url))
    lines = text.splitlines()
    assert lines[0].split(",")[:3] == ["Account", "Name", "Opening balance"]
    receivable = Account.objects.get(entity=coop["entity"], role="receivable")
    assert f"{receivable.code},Customers,600.00,1780.00,1200.00,1180.00" in lines
    assert lines[-1].startswith(",Total,")
    coop["accountant"].language = "fr"
    coop["accountant"].save()
    french = _csv(client.get(url))
    assert french.splitlines()[0].startswith("Compte;")
    assert "600,00;1780,00;1200,00;1180,00" in french


def test_the_general_ledger_exports_every_line_across_pages(client, coop):
    client.force_login(coop["accountant"])
    code = Account.objects.get(entity=coop["entity"], role="receivable").code
    text = _csv(client.get(f"/reports/{coop['entity'].pk}/ledger/{code}/?year=2025&format=csv"))
    rows = text.splitlines()
    assert len(rows) == 1 + 1 + 5 + 1  # headers, opening, 5 lines, total
    assert rows[-2].endswith(",1180.00")


def test_the_api_gives_json_pages_and_csv(client, coop):
    headers = auth(coop["accountant"])
    entity = coop["entity"].pk
    data = client.get(
        f"/api/v1/reports/{entity}/trial-balance/?year=2025&page_size=2", **headers
    ).json()
    assert (
        data["totals"]["balanced"] is True and data["totals"]["debit"] == data["totals"]["credit"]
    )
    assert len(data["results"]) == 2 and data["next"] and data["count"] > 2
    code = Account.objects.get(entity=coop["entity"], role="receivable").code
    first = client.get(
        f"/api/v1/reports/{entity}/ledger/{code}/?year=2025&page_size=3", **headers
    ).json()
    assert first["opening"] == "600.00" and len(first["results"]) == 3 and first["next_after"]
    rest = client.get(
        f"/api/v1/reports/{entity}/ledger/{code}/?year=2025&page_size=3&after={first['next_after']}",
        **headers,
    ).json()
    assert (
        rest["results"][-1]["balance"] == first["closing"] == "1180.00" and rest["next_after"] == ""
    )
    journal = client.get(f"/api/v1/reports/{entity}/journals/VT/?year=2025", **headers).json()
    assert [e["date"] for e in journal["results"]] == ["2025-01-10", "2025-02-15", "2025-03-20"]
    response = client.get(
        f"/api/v1/reports/{entity}/trial-balance/?year=2025&format=csv", **headers
    )
    assert response.status_code == 200 and "Opening balance" in _csv(response)


def test_the_income_statement_prints_to_pdf(client, coop):
    client.force_login(coop["a"].user)
    response = client.get(
        f"/activities/{coop['activity_a'].pk}/income-statement/?year=2025&format=pdf"
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"
