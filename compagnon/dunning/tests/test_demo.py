"""The demo lets anyone try collections: after seed_demo, Camille (member1) and Yanis (member2) see,
on their activity's money page, reminders of overdue invoices waiting for their OK, and Camille an
automatic reminder announced today that she can still hold."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from compagnon.accounts.models import User
from compagnon.dunning.models import ActionState, AutomatedAction, CollectionPlan
from compagnon.members.models import Activity
from compagnon.sales.models import Document

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=__import__("io").StringIO())


def _money_page(client, email, activity_name):
    client.force_login(User.objects.get(email=email))
    activity = Activity.objects.get(name=activity_name)
    page = client.get(f"/activities/{activity.pk}/money/")
    assert page.status_code == 200
    return activity, page.content.decode()


def _waits_for_ok(email):
    """The badge, in the member's language."""
    from django.utils import translation

    with translation.override(User.objects.get(email=email).language):
        return translation.gettext("waits for your OK")


def test_after_seed_demo_members_see_reminders_waiting_for_their_ok_and_can_decide(demo, client):
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
    # the OK works from the page
    pk = waiting.get().pk
    response = client.post(f"/collections/actions/{pk}/approve/", {"next": f"/activities/{activity.pk}/money/"})
    assert response.status_code == 302 and response.url == f"/activities/{activity.pk}/money/"
    assert AutomatedAction.objects.get(pk=pk).state == ActionState.APPROVED
    # Yanis asks before every step: his overdue invoice's reminder waits for him too
    yanis, html = _money_page(client, "member2@demo.coop", "Yanis Informatique")
    assert AutomatedAction.objects.filter(activity=yanis, order=1, needs_approval=True, state=ActionState.SCHEDULED,
                                          document__due_date__lt=today).exists()
    assert _waits_for_ok("member2@demo.coop") in html
    # nothing went to a client while seeding, and a second seed_demo changes nothing
    assert not AutomatedAction.objects.filter(state=ActionState.EXECUTED).exists()
    count = AutomatedAction.objects.count()
    call_command("seed_demo", stdout=__import__("io").StringIO())
    assert AutomatedAction.objects.count() == count
