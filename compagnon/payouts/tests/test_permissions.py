"""Outgoing transfers exist only for the accountants and administrators of their entity: members,
advisors, support agents and the staff of another entity get 404 on every page and route."""

import pytest

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import (
    OfficeFactory,
    advisor_of,
    api_token_for,
    member_with_activity,
    staff,
)
from compagnon.payouts import services
from compagnon.payouts.models import BatchState

from .factories import CLIENT_IBAN, refund_setting, tomorrow

pytestmark = pytest.mark.django_db


def api(user):
    return {"HTTP_AUTHORIZATION": f"Token {api_token_for(user)}"}


@pytest.fixture
def world():
    """A batch with a refund in a Belgian entity, generated; a draft beside it; outsiders."""
    setting = refund_setting()
    batch = services.create_batch(actor=setting.accountant, account=setting.account,
                                  requested_execution_date=tomorrow())
    line = services.add_refund_line(actor=setting.accountant, batch=batch, credit_note=setting.note,
                                    iban=CLIENT_IBAN)
    draft = services.create_batch(actor=setting.accountant, account=setting.account,
                                  requested_execution_date=tomorrow())
    services.generate(actor=setting.accountant, batch=batch)
    office = OfficeFactory(entity=setting.entity)
    member, _ = member_with_activity(office)
    outsiders = {
        "member": member.user,
        "advisor": advisor_of(office),
        "support": staff(Role.SUPPORT, setting.entity, service="collections"),
        "other entity's accountant": refund_setting().accountant,
        "other entity's admin": staff(Role.ADMIN, refund_setting().entity),
    }
    return setting, batch, draft, line, outsiders


def pages(setting, batch, draft, line):
    gets = [
        f"/payouts/{batch.pk}/",
        f"/payouts/{batch.pk}/download/",
        f"/payouts/{draft.pk}/",
        f"/payouts/{draft.pk}/lines/new/",
        f"/payouts/{draft.pk}/refunds/{setting.note.pk}/",
    ]
    posts = [
        (f"/payouts/{draft.pk}/edit/", {"requested_execution_date": tomorrow().isoformat(),
                                        "scheme": "pain.001.001.03"}),
        (f"/payouts/{draft.pk}/lines/new/", {"purpose": "supplier", "creditor_name": "Spy", "iban": CLIENT_IBAN,
                                             "amount": "10", "remittance_kind": "text", "remittance": "x"}),
        (f"/payouts/{draft.pk}/generate/", {}),
        (f"/payouts/{batch.pk}/lines/{line.pk}/remove/", {}),
        (f"/payouts/{batch.pk}/sent/", {}),
        (f"/payouts/{batch.pk}/cancel/", {}),
    ]
    return gets, posts


def test_outsiders_get_404_on_every_page(client, world):
    setting, batch, draft, line, outsiders = world
    gets, posts = pages(setting, batch, draft, line)
    for who, user in outsiders.items():
        client.force_login(user)
        for url in gets:
            assert client.get(url).status_code == 404, (who, url)
        for url, data in posts:
            assert client.post(url, data).status_code == 404, (who, url)
        new = {"account": setting.account.pk, "requested_execution_date": tomorrow().isoformat()}
        if "other entity" in who:  # their own list and form, without anything of this entity
            listing = client.get("/payouts/").content.decode()
            assert f"/payouts/{batch.pk}/" not in listing and f"/payouts/{draft.pk}/" not in listing
            assert setting.account.iban not in client.get("/payouts/new/").content.decode()
            assert client.post("/payouts/new/", new).status_code == 400
        else:  # no money role at all: the pages do not exist
            assert client.get("/payouts/").status_code == 404, who
            assert client.get("/payouts/new/").status_code == 404, who
            assert client.post("/payouts/new/", new).status_code == 404, who
    assert setting.account.payout_batches.count() == 2
    batch.refresh_from_db()
    draft.refresh_from_db()
    assert batch.state == BatchState.GENERATED and draft.state == BatchState.DRAFT
    assert not draft.lines.exists() and draft.scheme == "pain.001.001.09"


def test_outsiders_get_404_through_the_api(client, world):
    setting, batch, draft, line, outsiders = world
    base = "/api/v1/payout-batches/"
    for who, user in outsiders.items():
        auth = api(user)
        if "other entity" in who:
            assert client.get(base, **auth).json()["results"] == []
            refused = client.post(base, {"account": setting.account.pk, "requested_execution_date":
                                         tomorrow().isoformat()}, content_type="application/json", **auth)
            assert refused.status_code == 400 and "account" in refused.json()["error"]["fields"]
        else:
            assert client.get(base, **auth).status_code == 404
        for url in (f"{base}{batch.pk}/", f"{base}{batch.pk}/download/", f"{base}{batch.pk}/lines/",
                    f"{base}{batch.pk}/lines/{line.pk}/", f"{base}{draft.pk}/refund-candidates/"):
            response = client.get(url, **auth)
            assert response.status_code == 404, (who, url)
            assert response.json() == {"error": {"status": 404, "code": "not_found", "message": "Not found."}}
        for url, data in (
            (f"{base}{draft.pk}/lines/", {"credit_note": setting.note.pk, "iban": CLIENT_IBAN}),
            (f"{base}{draft.pk}/generate/", {}),
            (f"{base}{batch.pk}/mark-sent/", {}),
            (f"{base}{batch.pk}/cancel/", {}),
        ):
            assert client.post(url, data, content_type="application/json", **auth).status_code == 404, (who, url)
        assert client.delete(f"{base}{batch.pk}/lines/{line.pk}/", **auth).status_code == 404
        assert client.patch(f"{base}{draft.pk}/", {"scheme": "pain.001.001.03"}, content_type="application/json",
                            **auth).status_code == 404
    batch.refresh_from_db()
    assert batch.state == BatchState.GENERATED and batch.lines.count() == 1 and not draft.lines.exists()
    assert setting.account.payout_batches.count() == 2


def test_staff_of_two_entities_see_only_what_they_work(client, world):
    setting, batch, draft, line, outsiders = world
    other = refund_setting()
    mine = services.create_batch(actor=other.accountant, account=other.account, requested_execution_date=tomorrow())
    client.force_login(other.accountant)
    assert client.get(f"/payouts/{mine.pk}/").status_code == 200
    assert client.get(f"/payouts/{batch.pk}/").status_code == 404
    listing = client.get("/api/v1/payout-batches/", **api(other.accountant)).json()
    assert [b["id"] for b in listing["results"]] == [mine.pk]
    # a credit note of another entity is not refundable from my batch
    assert client.get(f"/payouts/{mine.pk}/refunds/{setting.note.pk}/").status_code == 404
    response = client.post(f"/api/v1/payout-batches/{mine.pk}/lines/",
                           {"credit_note": setting.note.pk, "iban": CLIENT_IBAN},
                           content_type="application/json", **api(other.accountant))
    assert response.status_code == 400 and "credit_note" in response.json()["error"]["fields"]


def test_the_entitys_administrator_and_accountant_reach_everything(client, world):
    setting, batch, draft, line, outsiders = world
    for user in (setting.accountant, staff(Role.ADMIN, setting.entity)):
        client.force_login(user)
        for url in ("/payouts/", "/payouts/new/", f"/payouts/{batch.pk}/", f"/payouts/{batch.pk}/download/",
                    f"/payouts/{draft.pk}/lines/new/"):
            assert client.get(url).status_code == 200, url
        assert client.get(f"/api/v1/payout-batches/{batch.pk}/download/", **api(user)).status_code == 200
