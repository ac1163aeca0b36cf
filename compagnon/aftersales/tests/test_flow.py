"""Members take in hand, decline, answer, resolve; the desk gives declined cases to a qualified
colleague; warranty per trade or service; times measured in working hours; results per activity."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from compagnon.directory.models import DirectoryProfile
from compagnon.notifications.models import Notification
from compagnon.procedures import sources as procedure_sources

from .. import selectors, services
from ..models import Origin, Starts, State, WarrantyRule
from ..views import procedure_link
from .helpers import coop, reported

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    return coop()


def test_member_takes_answers_and_resolves_the_client_follows(client, c, mailoutbox,
                                                             django_capture_on_commit_callbacks):
    case = reported(c)
    client.force_login(c.gardener.user)
    page = client.get(reverse("aftersales-case", args=[case.pk]))
    assert page.status_code == 200 and "I take it" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("aftersales-accept", args=[case.pk])).status_code == 302
        client.post(reverse("aftersales-answer", args=[case.pk]), {"body": "I come on Monday to look at it."})
    case.refresh_from_db()
    assert case.state == State.IN_PROGRESS and case.assigned_member == c.gardener
    assert case.first_answer_at is not None and case.first_answer_seconds is not None
    assert any("I come on Monday" not in m.body and "taken in hand" in m.body for m in mailoutbox)
    missing = client.post(reverse("aftersales-resolve", args=[case.pk]), {"resolution": ""})
    assert missing.status_code == 400
    client.post(reverse("aftersales-resolve", args=[case.pk]), {"resolution": "Replanted two shrubs."})
    case.refresh_from_db()
    assert case.state == State.RESOLVED and case.resolution_seconds is not None
    assert client.post(reverse("aftersales-close", args=[case.pk])).status_code == 302
    case.refresh_from_db()
    assert case.state == State.CLOSED
    client.logout()
    from ..tokens import make_token
    text = client.get(reverse("aftersales-client", args=[make_token(case)])).content.decode()
    assert "I come on Monday to look at it." in text and "Replanted two shrubs." in text


def test_declined_case_goes_to_the_queue_and_the_desk_gives_it_to_a_colleague(client, c,
                                                                             django_capture_on_commit_callbacks):
    case = reported(c)
    client.force_login(c.gardener.user)
    assert client.post(reverse("aftersales-decline", args=[case.pk]), {"reason": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("aftersales-decline", args=[case.pk]), {"reason": "I am on leave for three weeks."})
    case.refresh_from_db()
    assert case.state == State.REPORTED and case.in_queue and case.decline_reason.startswith("I am on leave")
    assert Notification.objects.filter(user=c.desk, title__contains="waits for a colleague").exists()
    assert Notification.objects.filter(user=c.admin).exists()
    assert not Notification.objects.filter(user=c.legal).exists()
    client.force_login(c.desk)
    queue = client.get(reverse("aftersales-queue"))
    assert queue.status_code == 200 and str(case) in queue.content.decode()
    page = client.get(reverse("aftersales-case", args=[case.pk])).content.decode()
    assert str(c.colleague) in page and str(c.techie) not in page  # same trade only
    refused = client.post(reverse("aftersales-assign", args=[case.pk]), {"member": c.techie.pk})
    assert refused.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("aftersales-assign", args=[case.pk]), {"member": c.colleague.pk})
    case.refresh_from_db()
    assert case.state == State.WITH_MEMBER and case.assigned_member == c.colleague and not case.in_queue
    assert Notification.objects.filter(user=c.colleague.user, title__contains="given to you").exists()
    client.force_login(c.colleague.user)
    assert client.get(reverse("aftersales-case", args=[case.pk])).status_code == 200
    client.post(reverse("aftersales-accept", args=[case.pk]))
    case.refresh_from_db()
    assert case.state == State.IN_PROGRESS
    client.force_login(c.gardener.user)  # still sees it, no longer works it
    assert client.get(reverse("aftersales-case", args=[case.pk])).status_code == 200
    assert client.post(reverse("aftersales-answer", args=[case.pk]), {"body": "Hi"}).status_code == 403


def test_colleagues_are_suggested_nearest_first_by_their_zone(c):
    near = c.colleague
    far = __import__("compagnon.core.tests.factories", fromlist=["MemberFactory"]).MemberFactory(office=c.office)
    far.trades.add(c.gardening)
    DirectoryProfile.objects.create(member=near, entity=c.entity, office=c.office, zone_lat=47.22, zone_lon=-1.55)
    DirectoryProfile.objects.create(member=far, entity=c.entity, office=c.office, zone_lat=48.85, zone_lon=2.35)
    case = reported(c)
    found = selectors.colleagues(case)
    assert [x.member for x in found][:2] == [near, far]
    assert found[0].km < 20 < found[1].km


def test_warranty_by_trade_and_by_service(c):
    WarrantyRule.objects.create(entity=c.entity, trade=c.gardening, days=365, starts_from=Starts.INVOICE)
    case = reported(c)
    assert case.under_warranty and case.warranty_until == c.invoice.issue_date + datetime.timedelta(days=365)
    WarrantyRule.objects.create(entity=c.entity, service=c.service, days=5, starts_from=Starts.VISIT)
    by_visit = reported(c, origin=Origin.VISIT)
    assert by_visit.warranty_until == c.visit.day + datetime.timedelta(days=5)
    assert not by_visit.under_warranty  # the visit was 10 days ago


def test_desk_keeps_the_warranty_rules(client, c):
    client.force_login(c.desk)
    response = client.post(reverse("aftersales-warranty"), {"entity": c.entity.pk, "trade": c.gardening.pk, "service": "",
                                                            "days": 180, "starts_from": "invoice"})
    assert response.status_code == 302
    rule = WarrantyRule.objects.get()
    assert rule.days == 180 and rule.trade == c.gardening
    bad = client.post(reverse("aftersales-warranty"), {"entity": c.entity.pk, "trade": "", "service": "", "days": 0,
                                                       "starts_from": "invoice"})
    assert bad.status_code == 400
    client.force_login(c.gardener.user)
    assert "180" in client.get(reverse("aftersales-warranty")).content.decode()  # members read them
    assert client.post(reverse("aftersales-warranty-delete", args=[rule.pk])).status_code == 404
    client.force_login(c.admin)
    client.post(reverse("aftersales-warranty-delete", args=[rule.pk]))
    assert not WarrantyRule.objects.exists()


def test_times_are_counted_in_working_hours(c):
    case = reported(c)
    monday = timezone.make_aware(datetime.datetime(2026, 11, 30, 10, 0))
    case.created_at = monday
    case.save(update_fields=["created_at"])
    friday_evening = timezone.make_aware(datetime.datetime(2026, 11, 27, 18, 0))
    assert services.working_seconds(case, friday_evening, monday) == 3600  # the weekend does not count
    assert services.working_seconds(case, monday, monday + datetime.timedelta(hours=2)) == 7200


def test_results_of_my_activities_over_twelve_months(client, c, django_assert_max_num_queries):
    first = reported(c)
    services.accept(actor=c.gardener.user, case=first)
    services.answer(actor=c.gardener.user, case=first, body="On my way")
    services.resolve(actor=c.gardener.user, case=first, resolution="Done")
    second = reported(c)
    services.reject(actor=c.gardener.user, case=second, reason="Storm damage, not our work")
    reported(c)
    results = selectors.results_of(selectors.Case.objects.filter(activity=c.activity))
    assert (results.count, results.open, results.resolved, results.rejected) == (3, 1, 1, 1)
    assert results.median_first_answer is not None and results.median_resolution is not None
    client.force_login(c.gardener.user)
    for _ in range(10):
        reported(c)
    with django_assert_max_num_queries(22):
        page = client.get(reverse("aftersales-list"))
    text = page.content.decode()
    assert page.status_code == 200 and "Results over the last 12 months" in text and c.activity.name in text


def test_a_resolved_case_becomes_a_procedure(c):
    case = reported(c)
    services.accept(actor=c.gardener.user, case=case)
    case = services.resolve(actor=c.gardener.user, case=case, resolution="Watered twice a week")
    link = procedure_link(case)
    assert f"source=aftersales.case%3A{case.pk}" in link and f"trade={c.gardening.pk}" in link
    assert "Watered+twice+a+week" in link
    # the procedure says where it was written from: linked for the gardener, in plain words for a
    # member of another entity
    source = f"aftersales.case:{case.pk}"
    assert procedure_sources.describe(c.gardener.user, source)["url"] == f"/after-sales/{case.pk}/"
    assert procedure_sources.describe(c.outsider.user, source) == {"label": "an after-sales case", "url": ""}
