"""The demo procedures: member1 referent of gardening, procedures in force in French and Dutch,
one draft waiting for member1's review, member1's sheet of the day with a ticked checklist;
seeding twice adds nothing."""

import pytest

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import (
    MemberFactory,
    OfficeFactory,
    TradeFactory,
    member_with_activity,
    staff,
)
from compagnon.interventions.tests.helpers import world

from ..demo import seed_demo_procedures
from ..models import Procedure, SheetChecklist, State, Tick, TradeReferent, Version

pytestmark = pytest.mark.django_db


def test_demo_procedures_once():
    gardening, _it = TradeFactory(code="gardening"), TradeFactory(code="it-repair")
    w = world()
    w.member.user.email = "member1@demo.coop"
    w.member.user.save()
    w.member.trades.add(gardening)
    member2, _a = member_with_activity(w.office)
    member2.user.email = "member2@demo.coop"
    member2.user.save()
    belgian = OfficeFactory(entity__belgian=True)
    staff(Role.ADMIN, belgian.entity)
    MemberFactory(office=belgian)
    entities = [w.entity, belgian.entity]
    assert seed_demo_procedures(entities) == {"in_force": 5, "waiting": 1, "checklists": 1}
    assert TradeReferent.objects.get(trade=gardening).member == w.member
    assert Procedure.objects.filter(current__isnull=False).count() == 5
    assert Procedure.objects.get(language="nl").title == "Veilig snoeien met de heggenschaar"
    assert Version.objects.get(state=State.REVIEW).procedure.trade == gardening
    checklist = SheetChecklist.objects.get()
    assert checklist.sheet.visit == w.visit and Tick.objects.filter(checklist=checklist).count() == 2
    assert Procedure.objects.get(title="Taille d'une haie").current.number == 2
    assert seed_demo_procedures(entities) == {"in_force": 0, "waiting": 0, "checklists": 0}
