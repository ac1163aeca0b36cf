"""The whole demo (seeded once per test run by the first test that needs it, with its PDFs, and
loaded from that seeding's dump by the others: ``demo_data``): each part checked for what its
people see, then seeded again to prove nothing doubles.

- **Money adds up**: the members paid a salary have clients who paid them this year, so their
  "available to pay myself" stays positive after the contribution, salary, expenses and supplier
  invoices; the books are sound; the revenue statement is imported once.
- **Collections**: Camille (member1) and Yanis (member2) see, on their activity's money page,
  reminders of overdue invoices waiting for their OK, and Camille an automatic reminder announced
  today that she can still hold; the OK works from the page.
- **Support**: requests in every state, one late, canned answers, the collections case of the
  French entity as a request answered by the service, each where its people look.
"""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from compagnon.accounts.models import User
from compagnon.budget import selectors as budgets
from compagnon.dunning.models import (
    ActionState,
    AutomatedAction,
    CaseNote,
    CollectionCase,
    CollectionPlan,
)
from compagnon.members.models import Activity
from compagnon.organisation.models import Entity
from compagnon.payroll.models import SalaryRequest
from compagnon.sales.models import Document, PaymentState
from compagnon.seeding.revenue import MARK, seed_demo_revenue
from compagnon.support import clock
from compagnon.support.demo import seed_demo_support
from compagnon.support.models import CannedAnswer, Kind, State, SupportRequest

pytestmark = pytest.mark.django_db


def test_the_demo_seeded_once_shows_each_part_and_seeding_again_adds_nothing(
    django_capture_on_commit_callbacks, client, demo_data
):
    salaried_members_cashed_enough()
    revenue_imported_once()
    support_requests_where_people_look(client)
    collections_wait_for_the_members_ok(client)
    automated = AutomatedAction.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
        again = seed_demo_support(list(Entity.objects.order_by("id")))
    assert AutomatedAction.objects.count() == automated
    assert again == {"requests": 0, "canned": 0, "cases": 0}
    assert SupportRequest.objects.filter(kind=Kind.QUESTION).count() == 10 and CannedAnswer.objects.count() == 12


def salaried_members_cashed_enough():
    requests = list(SalaryRequest.objects.select_related("activity__entity", "member"))
    assert sorted(r.activity.entity.jurisdiction for r in requests) == ["BE", "FR"]
    for request in requests:
        budget = budgets.compute(request.activity)
        paid = Document.objects.filter(activity=request.activity, payment_state=PaymentState.PAID)
        assert paid.count() >= 3  # their clients paid through the demo statement
        assert budget.cashed > request.employer_cost * 3, budget.as_dict()
        assert budget.contribution > 0 and budget.salaries == request.employer_cost
        assert budget.available >= 0, (request.activity.name, budget.as_dict())
    call_command("check_books", stdout=io.StringIO())  # raises when the books are not sound


def revenue_imported_once():
    camille = Activity.objects.get(name="Les Jardins de Camille")
    statements = camille.entity.bank_accounts.get().statements.filter(filename__startswith=MARK)
    assert statements.count() == 1 and statements.get().matched == 3
    assert seed_demo_revenue([camille]) == []
    assert statements.count() == 1


def support_requests_where_people_look(client):
    assert SupportRequest.objects.filter(kind=Kind.QUESTION).count() == 10 and CannedAnswer.objects.count() == 12
    france = Entity.objects.get(jurisdiction="FR")
    camille = User.objects.get(email="member1@demo.coop")
    states = sorted(SupportRequest.objects.filter(entity=france, kind=Kind.QUESTION).values_list("state", flat=True))
    assert states == sorted([State.NEW, State.ANSWERED, State.WAITING, State.CLOSED, State.OPEN])
    now = timezone.now()
    late = [r for r in SupportRequest.objects.filter(entity=france) if clock.read(r, now).kind == "late"]
    assert [r.author for r in late] == [camille] and late[0].service == "accounting"
    case = CollectionCase.objects.get(entity=france)
    request = SupportRequest.objects.get(case=case)
    assert request.state == State.ANSWERED and CaseNote.objects.filter(case=case, for_member=True).count() == 1
    assert CannedAnswer.objects.filter(entity=france).count() == 6
    client.force_login(camille)
    assert f'data-request="{late[0].pk}"' in client.get(reverse("support-mine")).content.decode()
    client.force_login(User.objects.get(email="support@demo.coop"))
    queue = client.get(reverse("support-queue") + "?service=collections&show=answered").content.decode()
    assert f'data-request="{request.pk}"' in queue
    holder = case.activity.memberships.filter(role="holder").select_related("member__user").first().member.user
    assert holder.email == "member2@demo.coop"  # Yanis's invoice, the most overdue, was handed over
    client.force_login(holder)
    assert f'data-request="{request.pk}"' in client.get(reverse("support-mine")).content.decode()


def _money_page(client, email, activity_name):
    client.force_login(User.objects.get(email=email))
    activity = Activity.objects.get(name=activity_name)
    page = client.get(f"/activities/{activity.pk}/money/")
    assert page.status_code == 200
    return activity, page.content.decode()


def _waits_for_ok(email):
    """The badge, in the member's language."""
    with translation.override(User.objects.get(email=email).language):
        return translation.gettext("waits for your OK")


def collections_wait_for_the_members_ok(client):
    # one active plan per entity (France and Belgium), following each country's law
    assert sorted(CollectionPlan.objects.filter(active=True).values_list("entity__jurisdiction", flat=True)) == ["BE", "FR"]
    activity, html = _money_page(client, "member1@demo.coop", "Les Jardins de Camille")
    today = timezone.localdate()
    overdue = dict(activity=activity, order=1, state=ActionState.SCHEDULED, blocked=False,
                   document__due_date__lt=today)
    waiting = AutomatedAction.objects.filter(needs_approval=True, **overdue)
    automatic = AutomatedAction.objects.filter(needs_approval=False, announce_on__lte=today, **overdue)
    assert waiting.count() == 1 and automatic.count() == 1
    overdue = Document.objects.get(pk=waiting.get().document_id)
    assert _waits_for_ok("member1@demo.coop") in html and overdue.number in html
    assert f"/collections/actions/{waiting.get().pk}/approve/" in html  # the OK button
    assert f"/collections/actions/{automatic.get().pk}/hold/" in html  # the announced one can be held
    pk = waiting.get().pk
    response = client.post(f"/collections/actions/{pk}/approve/", {"next": f"/activities/{activity.pk}/money/"})
    assert response.status_code == 302 and response.url == f"/activities/{activity.pk}/money/"
    assert AutomatedAction.objects.get(pk=pk).state == ActionState.APPROVED
    # Yanis asks before every step: his overdue invoice's reminder waits for him too
    yanis, html = _money_page(client, "member2@demo.coop", "Yanis Informatique")
    assert AutomatedAction.objects.filter(activity=yanis, order=1, needs_approval=True, state=ActionState.SCHEDULED,
                                          document__due_date__lt=today).exists()
    assert _waits_for_ok("member2@demo.coop") in html
    # nothing went to a client while seeding
    assert not AutomatedAction.objects.filter(state=ActionState.EXECUTED).exists()
