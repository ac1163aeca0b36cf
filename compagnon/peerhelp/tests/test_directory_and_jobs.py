"""Members who answer are "helpers" in the directory (a badge, a filter; one query for the page's
badges), and the asker calls the author of an answer in on a job through the jobs' hand-over."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from compagnon.jobs import handover
from compagnon.jobs import selectors as job_selectors
from compagnon.jobs.models import Job

from .. import services
from .helpers import asked, coop

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    c = coop()
    q = asked(c)
    c["a"] = services.answer(actor=c["yanis"], question=q, body="En septembre.")
    services.accept(actor=c["camille"], answer=c["a"])
    return c


def test_helpers_show_a_badge_and_can_be_filtered(client, c):
    client.force_login(c["lea"])
    page = client.get(reverse("directory-search"), {"q": ""}).content.decode()
    assert "Helpers only" in page
    found = client.get(reverse("directory-search"), {"helper": "1"})
    names = [card.name for card in found.context["cards"]]
    assert names == ["Yanis Martin"]
    body = found.content.decode()
    assert "Helper" in body and "1 answer to colleagues" in body and "1 accepted" in body and "Gardening" in body
    member = client.get(reverse("directory-member", args=[c["yanis_m"].pk])).content.decode()
    assert "Helper" in member and "1 answer to colleagues" in member
    assert client.get(reverse("directory-search"), {"helper": "maybe"}).status_code == 400
    api = client.get(reverse("api-directory-member-list"), {"helper": "true"}).json()
    assert [r["name"] for r in api["results"]] == ["Yanis Martin"]


def test_the_badges_of_a_page_cost_one_query(client, c, django_assert_num_queries):
    from compagnon.directory.hooks import badges_for

    ids = [c[k].pk for k in ("yanis_m", "ines_m", "lea_m", "camille_m")]
    badges_for(ids)  # trades read once per process
    with django_assert_num_queries(1):
        assert list(badges_for(ids)) == [c["yanis_m"].pk]


def _job(c):
    from compagnon.core.tests.factories import ActivityFactory
    from compagnon.members.models import ActivityMembership, ActivityRole

    activity = ActivityFactory(entity=c["entity"])
    ActivityMembership.objects.create(activity=activity, member=c["camille_m"], role=ActivityRole.HOLDER)
    return Job.objects.create(entity=c["entity"], activity=activity, member=c["camille_m"],
                              description="Haie de 40 m à Rezé", client_name="M. Girard", amount=Decimal("800"),
                              starts_on=datetime.date(2026, 12, 14), ends_on=datetime.date(2026, 12, 15))


def test_the_asker_calls_the_author_in_on_a_job(client, c):
    job = _job(c)
    client.force_login(c["yanis"])
    assert client.get(reverse("peerhelp-call-in", args=[c["a"].pk])).status_code == 403
    client.force_login(c["camille"])
    page = client.get(reverse("peerhelp-call-in", args=[c["a"].pk]))
    offer_url = f"{reverse('jobs-offer', args=[job.pk])}?colleague={c['yanis_m'].pk}"
    assert offer_url in page.content.decode()
    form = client.get(offer_url).context["form"]
    assert form.initial["colleague"] == c["yanis_m"].pk
    assert client.get(reverse("jobs-offer", args=[job.pk]), {"colleague": "x"}).status_code == 400
    offer = handover.offer_job(actor=c["camille"], job=job, client_agreed=True, colleague=c["yanis_m"])
    assert list(job_selectors.open_offers(c["yanis"])) == [offer]
    assert list(job_selectors.open_offers(c["hugo"])) == []  # same trade, but offered to Yanis only
