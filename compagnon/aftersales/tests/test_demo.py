"""The demo after-sales: warranty rules, and for member1 a case in every state (one given to a
colleague, one waiting in the queue), a few for member2; seeding twice adds nothing."""

import pytest

from compagnon.accounts.models import Role, RoleAssignment, SupportService
from compagnon.core.tests.factories import UserFactory

from ..demo import seed_demo_aftersales
from ..models import Case, State, WarrantyRule
from .helpers import coop

pytestmark = pytest.mark.django_db


def test_demo_cases_in_every_state_once():
    c = coop()
    c.gardener.user.email = "member1@demo.coop"
    c.gardener.user.save(update_fields=["email"])
    c.techie.user.email = "member2@demo.coop"
    c.techie.user.save(update_fields=["email"])
    from compagnon.sales.tests.factories import ClientFactory, issued_invoice
    issued_invoice(c.techie, c.it_activity, ClientFactory(activity=c.it_activity))
    support = UserFactory(email="support@demo.coop")
    out = seed_demo_aftersales([c.entity])
    assert out["rules"] == 3 and WarrantyRule.objects.count() == 3
    states = set(Case.objects.filter(activity=c.activity).values_list("state", flat=True))
    assert {State.WITH_MEMBER, State.IN_PROGRESS, State.RESOLVED, State.REJECTED, State.CLOSED, State.REPORTED} <= states
    assert Case.objects.filter(assigned_member=c.colleague, state=State.IN_PROGRESS).exists()
    assert Case.objects.filter(in_queue=True).count() == 1
    assert Case.objects.filter(activity=c.it_activity).count() == 3
    assert Case.objects.filter(under_warranty=True).exists() and Case.objects.filter(photos__isnull=False).exists()
    assert Case.objects.filter(origin="visit").exists()
    assert RoleAssignment.objects.filter(user=support, role=Role.SUPPORT, service=SupportService.CLIENT_RELATIONS).exists()
    assert seed_demo_aftersales([c.entity]) == {"rules": 0, "cases": 0}
