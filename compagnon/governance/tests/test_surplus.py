"""Surplus sharing: last year's result cut by the rules into parts that sum to it to the cent,
split among workers and associates, posted once as one balanced entry; only the entity's
administrators simulate and post; every member reads the transparency page, nobody else."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from compagnon.accounts.models import Role
from compagnon.audit.models import AuditEvent
from compagnon.core.tests.factories import MemberFactory, OfficeFactory, api_token_for, staff
from compagnon.ledger.services import LineSpec, lock_period, post_entry

from .. import register, surplus, voting
from ..demo import seed_demo_governance
from ..models import AllocationState, DistributionRules, SurplusAllocation, WorkerSplit
from .helpers import open_assembly

pytestmark = pytest.mark.django_db
D = Decimal
Y = timezone.localdate().year - 1


def day(month, d):
    return datetime.date(Y, month, d)


def _auth(user):
    return {"HTTP_AUTHORIZATION": f"Token {api_token_for(user)}"}


def make_coop(*, income="10000.00", expenses="2000.00", lock=True):
    income, expenses = D(income), D(expenses)
    office = OfficeFactory()
    entity = office.entity
    admin = staff(Role.ADMIN, entity)
    register.save_settings(actor=admin, entity=entity, share_nominal=D("100.00"), max_proxies=2)
    workers = register.add_category(actor=admin, entity=entity, name="Workers")
    members = [MemberFactory(office=office), MemberFactory(office=office)]
    associates = []
    for member, joined in zip(members, [day(1, 1), day(7, 2)], strict=True):
        a = register.admit_associate(actor=admin, member=member, category=workers, joined_on=joined, shares=10)
        register.record_payment(actor=admin, associate=a, amount=D("1000.00"), date=joined)
        associates.append(a)
    post_entry(
        actor=admin, entity=entity, journal_code="misc", date=day(12, 30), label="Sales",
        lines=[LineSpec.dr("bank", income), LineSpec.cr("revenue_services", income)],
    )
    if expenses:
        post_entry(
            actor=admin, entity=entity, journal_code="misc", date=day(12, 31), label="Costs",
            lines=[LineSpec.dr("misc_expense", expenses), LineSpec.cr("bank", expenses)],
        )
    if lock:
        lock_period(actor=admin, entity=entity, until=day(12, 31))
    return {
        "entity": entity,
        "admin": admin,
        "accountant": staff(Role.ACCOUNTANT, entity),
        "members": members,
        "associates": associates,
        "outsider": MemberFactory(office=OfficeFactory()),
    }


RULES = {
    "name": "Statutes 2020",
    "legal_reserve": D("15"),
    "legal_reserve_until_capital": True,
    "statutory_reserve": D("10"),
    "worker_share": D("40"),
    "min_worker_share": D("25"),
    "share_interest": D("5"),
    "share_interest_cap": D("6"),
    "interest_within_shares": True,
    "worker_split": WorkerSplit.SALARY,
}


def rules_for(c, **overrides):
    return surplus.save_rules(actor=c["admin"], entity=c["entity"], **{**RULES, **overrides})


def _days_in_year():
    return (datetime.date(Y, 12, 31) - datetime.date(Y, 1, 1)).days + 1


def test_the_split_sums_to_the_total_to_the_cent():
    parts = surplus.split(D("100.00"), {1: 1, 2: 1, 3: 1})
    assert sorted(parts.values()) == [D("33.33"), D("33.33"), D("33.34")]
    assert sum(surplus.split(D("1234.57"), {1: D("1800.10"), 2: D("2500"), 3: D("777.77")}).values()) == D("1234.57")
    assert surplus.split(D("10.00"), {}) == {}


def test_the_simulation_shows_every_part_summing_to_the_result():
    c = make_coop()
    rules_for(c)
    a = surplus.simulate(actor=c["admin"], entity=c["entity"], year=Y)
    assert a.result == D("8000.00") and a.capital == D("2000.00")
    assert (a.legal_reserve, a.statutory_reserve, a.worker_share) == (D("1200.00"), D("800.00"), D("3200.00"))
    second = (D("1000") * 183 / _days_in_year() * D("0.05")).quantize(D("0.01"))
    assert a.share_interest == D("50.00") + second
    assert a.parts_total == a.result
    assert a.free_reserve == D("8000.00") - D("5200.00") - a.share_interest
    # no salary recorded: equal parts, and it says so
    assert a.detail["split"] == WorkerSplit.EQUAL
    assert [w["amount"] for w in a.detail["workers"]] == ["1600.00", "1600.00"]
    assert sorted(x["amount"] for x in a.detail["associates"]) == sorted(["50.00", str(second)])
    assert a.state == AllocationState.SIMULATED
    assert AuditEvent.objects.filter(action="governance.surplus_simulated").exists()
    # simulating again replaces the draft
    again = surplus.simulate(actor=c["admin"], entity=c["entity"], year=Y)
    assert again.pk == a.pk and SurplusAllocation.objects.count() == 1


def test_the_legal_reserve_stops_at_the_capital_and_interest_at_the_workers_share():
    c = make_coop(income=D("200.00"), expenses=D("0"))
    rules_for(c, legal_reserve=D("60"), worker_share=D("25"), statutory_reserve=D("0"))
    a = surplus.simulate(actor=c["admin"], entity=c["entity"], year=Y)
    assert a.legal_reserve == D("120.00") and a.worker_share == D("50.00")
    assert a.share_interest == D("30.00")  # 75 € owed, at most what is left (200 − 120 − 50)
    assert sum(D(x["amount"]) for x in a.detail["associates"]) == D("30.00")
    assert a.parts_total == D("200.00") and a.free_reserve == D("0.00")
    assert a.detail["notes"]
    c2 = make_coop(income=D("3000.00"), expenses=D("0"))
    rules_for(
        c2, legal_reserve=D("100"), statutory_reserve=D("0"), worker_share=D("0"), min_worker_share=D("0"),
        share_interest=D("0"),
    )
    capped = surplus.simulate(actor=c2["admin"], entity=c2["entity"], year=Y)
    assert capped.legal_reserve == D("2000.00")  # the capital
    assert capped.free_reserve == D("1000.00")
    assert "The legal reserve is capped: it now equals the capital." in capped.detail["notes"]


def test_a_loss_cannot_be_distributed_and_bad_rules_are_named():
    c = make_coop(income=D("1000.00"), expenses=D("1500.00"))
    rules_for(c)
    with pytest.raises(ValidationError) as exc:
        surplus.simulate(actor=c["admin"], entity=c["entity"], year=Y)
    assert "loss" in exc.value.message_dict["year"][0]
    assert not SurplusAllocation.objects.exists()
    with pytest.raises(ValidationError) as exc:
        rules_for(c, worker_share=D("20"))
    assert "at least" in exc.value.message_dict["worker_share"][0]
    with pytest.raises(ValidationError) as exc:
        rules_for(c, share_interest=D("7"))
    assert "share_interest" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        rules_for(c, legal_reserve=D("50"), statutory_reserve=D("30"))
    assert "worker_share" in exc.value.message_dict
    with pytest.raises(ValidationError):
        surplus.simulate(actor=c["admin"], entity=c["entity"], year=Y + 1)  # not over
    assert DistributionRules.objects.count() == 1


def test_posting_writes_one_balanced_entry_once_then_nothing_changes():
    c = make_coop(lock=False)
    rules_for(c)
    a = surplus.simulate(actor=c["admin"], entity=c["entity"], year=Y)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        surplus.post(actor=c["admin"], allocation=a, date=today)
    assert "not closed" in exc.value.message_dict["year"][0]
    lock_period(actor=c["admin"], entity=c["entity"], until=day(12, 31))
    with pytest.raises(ValidationError):
        surplus.post(actor=c["admin"], allocation=a, date=day(12, 31))
    with pytest.raises(PermissionDenied):
        surplus.post(actor=c["accountant"], allocation=a, date=today)
    a = surplus.post(actor=c["admin"], allocation=a, date=today)
    assert a.posted and a.entry is not None
    lines = {(line.account.code, line.debit, line.credit) for line in a.entry.lines.select_related("account")}
    assert ("120", D("8000.00"), D("0.00")) in lines
    assert ("1061", D("0.00"), D("1200.00")) in lines and ("424", D("0.00"), D("3200.00")) in lines
    assert ("457", D("0.00"), a.share_interest) in lines and ("1063", D("0.00"), D("800.00")) in lines
    assert sum(x[1] for x in lines) == sum(x[2] for x in lines) == D("8000.00")
    with pytest.raises(ValidationError):
        surplus.post(actor=c["admin"], allocation=a, date=today)
    with pytest.raises(ValidationError):
        surplus.simulate(actor=c["admin"], entity=c["entity"], year=Y)
    assert AuditEvent.objects.filter(action="governance.surplus_posted").count() == 1


def test_an_administrator_uses_the_pages(client):
    c = make_coop()
    client.force_login(c["admin"])
    url = reverse("governance-surplus", args=[c["entity"].pk])
    assert client.get(url).status_code == 200
    bad = client.post(reverse("governance-surplus-rules", args=[c["entity"].pk]), {**RULES, "worker_share": "10"})
    assert bad.status_code == 400 and "Statutes 2020" in bad.content.decode()
    r = client.post(reverse("governance-surplus-rules", args=[c["entity"].pk]), RULES)
    assert r.status_code == 302
    r = client.post(reverse("governance-surplus-simulate", args=[c["entity"].pk]), {"year": Y})
    a = SurplusAllocation.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("governance-allocation", args=[a.pk])
    page = client.get(r["Location"]).content.decode()
    assert "1\N{NO-BREAK SPACE}200,00" in page or "1,200.00" in page
    r = client.post(reverse("governance-allocation-post", args=[a.pk]), {"date": timezone.localdate().isoformat()})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.posted


def test_members_and_accountants_cannot_simulate_or_post_outsiders_see_nothing(client):
    c = make_coop()
    rules = rules_for(c)
    a = surplus.simulate(actor=c["admin"], entity=c["entity"], year=Y)
    member = c["members"][0].user
    e = c["entity"].pk
    for user, code in [(member, 403), (c["accountant"], 403), (c["outsider"].user, 404)]:
        client.force_login(user)
        assert client.get(reverse("governance-surplus", args=[e])).status_code == code
        assert client.post(reverse("governance-surplus-simulate", args=[e]), {"year": Y}).status_code == code
        assert client.post(reverse("governance-surplus-rules", args=[e]), RULES).status_code == code
        assert client.get(reverse("governance-allocation", args=[a.pk])).status_code == 404
        r = client.post(reverse("governance-allocation-post", args=[a.pk]), {"date": timezone.localdate().isoformat()})
        assert r.status_code == 404
        client.logout()
        h = _auth(user)
        r = client.post("/api/v1/governance/allocations/simulate/", {"entity": e, "year": Y}, **h)
        assert r.status_code == code
        assert client.post(f"/api/v1/governance/allocations/{a.pk}/post/", {"date": "2030-01-01"}, **h).status_code == 404
        assert client.get("/api/v1/governance/allocations/", **h).json()["results"] == []
        assert client.get(f"/api/v1/governance/distribution-rules/?entity={e}", **h).json()["results"] == []
        r = client.post("/api/v1/governance/distribution-rules/", {**RULES, "entity": e}, **h)
        assert r.status_code == code
    a.refresh_from_db()
    assert not a.posted and DistributionRules.objects.get() == rules


def test_the_api_simulates_and_posts_for_the_administrator(client):
    c = make_coop()
    h = _auth(c["admin"])
    r = client.post("/api/v1/governance/distribution-rules/", {**RULES, "entity": c["entity"].pk}, **h)
    assert r.status_code == 201, r.content
    r = client.post("/api/v1/governance/allocations/simulate/", {"entity": c["entity"].pk, "year": Y}, **h)
    assert r.status_code == 201 and r.json()["result"] == "8000.00"
    assert len(r.json()["workers"]) == 2
    pk = r.json()["id"]
    r = client.post(f"/api/v1/governance/allocations/{pk}/post/", {"date": "1999-01-01"}, **h)
    assert r.status_code == 400 and "date" in r.json()["error"]["fields"]
    r = client.post(f"/api/v1/governance/allocations/{pk}/post/", {"date": timezone.localdate().isoformat()}, **h)
    assert r.status_code == 200 and r.json()["state"] == "posted" and r.json()["entry"]


def test_every_member_reads_the_transparency_page_nobody_else(client, django_assert_max_num_queries):
    c = make_coop()
    rules_for(c)
    a = surplus.simulate(actor=c["admin"], entity=c["entity"], year=Y)
    surplus.post(actor=c["admin"], allocation=a, date=timezone.localdate())
    assembly, _res = open_assembly(c, resolutions=2)
    voting.close(actor=c["admin"], assembly=assembly)
    url = reverse("governance-transparency", args=[c["entity"].pk])
    api = f"/api/v1/governance/transparency/{c['entity'].pk}/"
    client.force_login(c["members"][1].user)
    with django_assert_max_num_queries(17):
        page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Statutes 2020" in text and "Resolution 2" in text
    assert str(c["members"][0]) not in text  # aggregated figures only
    client.logout()
    body = client.get(api, **_auth(c["members"][1].user)).json()
    assert body["associates"] == 2 and body["members"] == 2 and body["capital"] == "2000.00"
    assert [y["result"] for y in body["years"]][0] == "8000.00"
    assert body["allocations"][0]["worker_share"] == "3200.00"
    assert "workers" not in body["allocations"][0]
    client.force_login(c["outsider"].user)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(api, **_auth(c["outsider"].user)).status_code == 404


def test_the_demo_records_rules_and_simulates_last_year():
    office = OfficeFactory()
    admin = staff(Role.ADMIN, office.entity)
    for _ in range(3):
        MemberFactory(office=office)
    post_entry(
        actor=admin, entity=office.entity, journal_code="misc", date=day(3, 1), label="Sales",
        lines=[LineSpec.dr("bank", D("5000")), LineSpec.cr("revenue_services", D("5000"))],
    )
    seed_demo_governance([office.entity])
    rules = DistributionRules.objects.get(entity=office.entity)
    assert rules.resolution is not None and rules.resolution.adopted
    allocation = SurplusAllocation.objects.get(entity=office.entity, year=Y)
    assert allocation.parts_total == D("5000.00") and not allocation.posted
    seed_demo_governance([office.entity])
    assert DistributionRules.objects.filter(entity=office.entity).count() == 1
