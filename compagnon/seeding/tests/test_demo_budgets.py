"""The demo's money adds up: the members paid a salary month have clients who paid them this year,
so their "available to pay myself" stays positive after the cooperative's contribution, their
salary, expenses and supplier invoices; and the books are sound."""

import io

import pytest
from django.core.management import call_command

from compagnon.budget import selectors
from compagnon.members.models import Activity
from compagnon.payroll.models import SalaryRequest
from compagnon.sales.models import Document, PaymentState
from compagnon.seeding.revenue import MARK, seed_demo_revenue

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())


def test_the_salaried_demo_members_have_cashed_enough_for_their_salary(demo):
    requests = list(SalaryRequest.objects.select_related("activity__entity", "member"))
    assert sorted(r.activity.entity.jurisdiction for r in requests) == ["BE", "FR"]
    for request in requests:
        budget = selectors.compute(request.activity)
        paid = Document.objects.filter(activity=request.activity, payment_state=PaymentState.PAID)
        assert paid.count() >= 3  # their clients paid through the demo statement
        assert budget.cashed > request.employer_cost * 3, budget.as_dict()
        assert budget.contribution > 0 and budget.salaries == request.employer_cost
        assert budget.available >= 0, (request.activity.name, budget.as_dict())
    call_command("check_books", stdout=io.StringIO())  # raises when the books are not sound


def test_the_revenue_demo_runs_once(demo):
    camille = Activity.objects.get(name="Les Jardins de Camille")
    statements = camille.entity.bank_accounts.get().statements.filter(filename__startswith=MARK)
    assert statements.count() == 1 and statements.get().matched == 3
    assert seed_demo_revenue([camille]) == []
    assert statements.count() == 1
