"""A client asks for work on the public page; the sector's members are offered it; one takes it."""

import datetime
import io
import time

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from compagnon.clients.models import Client
from compagnon.core.tests.factories import TradeFactory
from compagnon.fieldwork import antispam, services
from compagnon.fieldwork.models import Request, RequestState, Visit, VisitState
from compagnon.notifications.models import Notification

from .factories import ClientFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def jpeg(size=(2400, 1800)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (40, 120, 40)).save(out, "JPEG")
    return out.getvalue()


def form_data(**extra):
    data = {
        "name": "Agnès Caillaud",
        "email": "agnes@example.org",
        "phone": "0611223344",
        "street": "11 rue Mondésir",
        "postcode": "44000",
        "city": "Nantes",
        "description": "A hedge of 25 m to trim.",
        "started": antispam.started_token(time.time() - 60),
        "website": "",
    }
    data.update(extra)
    return data


def test_a_client_sends_a_request_that_is_offered_to_the_sector(
    client, nantes, django_capture_on_commit_callbacks
):
    service = ServiceFactory(entity=nantes.entity)
    url = reverse("fieldwork-request-page", args=[nantes.entity.pk])
    assert client.get(url).status_code == 200
    photo = io.BytesIO(jpeg())
    photo.name = "hedge.jpg"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form_data(services=[service.pk], photos=[photo]))
    req = Request.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "fieldwork-track", args=[req.token]
    )
    assert (
        req.sector == nantes.sector
        and req.state == RequestState.OFFERED
        and req.trade == service.trade
    )
    stored = req.photos.get().file
    with stored.open("rb"), Image.open(stored) as kept:  # downscaled, kept as JPEG
        assert max(kept.size) == 1600 and kept.format == "JPEG"
    told = set(
        Notification.objects.filter(key=f"fieldwork-offer-{req.pk}").values_list(
            "user_id", flat=True
        )
    )
    assert told == {nantes.lead.user_id, nantes.member.user_id}  # not the other sector's member
    acknowledgement = next(m for m in mail.outbox if m.to == ["agnes@example.org"])
    assert reverse("fieldwork-track", args=[req.token]) in acknowledgement.body
    # the tracking page shows the state and the photo
    page = client.get(reverse("fieldwork-track", args=[req.token]))
    assert b"offered to the sector" in page.content
    shown = client.get(reverse("fieldwork-track-photo", args=[req.token, req.photos.get().pk]))
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    shown.close()


def test_robots_are_refused_without_losing_what_was_typed(client, nantes):
    url = reverse("fieldwork-request-page", args=[nantes.entity.pk])
    honeypot = client.post(url, form_data(website="http://spam.example"))
    assert honeypot.status_code == 400 and Request.objects.count() == 0
    too_fast = client.post(url, form_data(started=antispam.started_token(time.time())))
    assert too_fast.status_code == 400 and b"too fast" in too_fast.content
    assert b"A hedge of 25 m to trim." in too_fast.content  # kept in the form
    forged = client.post(url, form_data(started="12345"))
    assert forged.status_code == 400 and Request.objects.count() == 0


def test_one_address_sends_at_most_five_requests_an_hour(client, nantes):
    url = reverse("fieldwork-request-page", args=[nantes.entity.pk])
    codes = [client.post(url, form_data()).status_code for _ in range(7)]
    assert codes[:5] == [302] * 5 and codes[5:] == [400, 400]
    assert Request.objects.count() == 5


def test_photos_are_checked_by_their_content(client, nantes):
    url = reverse("fieldwork-request-page", args=[nantes.entity.pk])
    fake = io.BytesIO(b"%PDF-1.4 not a photo")
    fake.name = "photo.jpg"
    response = client.post(url, form_data(photos=[fake]))
    assert response.status_code == 400 and b"JPEG, PNG or WebP" in response.content
    assert Request.objects.count() == 0


def test_missing_fields_name_the_field(client, nantes):
    response = client.post(
        reverse("fieldwork-request-page", args=[nantes.entity.pk]),
        form_data(postcode="", description=""),
    )
    assert response.status_code == 400
    assert response.context["form"].errors.keys() >= {"postcode", "description"}


def test_a_request_outside_every_zone_waits_for_the_staff(nantes):
    req = services.submit_request(
        entity=nantes.entity,
        name="A",
        email="a@example.org",
        description="Lawn",
        postcode="75001",
        city="Paris",
    )
    assert req.sector is None and req.state == RequestState.NEW


def test_routing_by_commune_and_trade(nantes):
    nantes.other_sector.communes = ["Rezé"]
    nantes.other_sector.save()
    req = services.submit_request(
        entity=nantes.entity,
        name="A",
        email="a@example.org",
        description="Lawn",
        postcode="44400",
        city="REZE",
    )
    assert req.sector is None  # no accent-insensitive guess: "Rezé" ≠ "REZE"
    req = services.submit_request(
        entity=nantes.entity,
        name="A",
        email="a@example.org",
        description="Lawn",
        postcode="44400",
        city="rezé",
    )
    assert req.sector == nantes.other_sector
    it = TradeFactory(code="it-repair")
    req = services.submit_request(
        entity=nantes.entity,
        name="A",
        email="a@example.org",
        description="PC",
        postcode="44000",
        city="Nantes",
        trade=it,
    )
    assert req.sector is None  # the Nantes sector does gardening only


def _request(nantes, **kw):
    return services.submit_request(
        entity=nantes.entity,
        name="Agnès",
        email="agnes@example.org",
        phone="0611",
        description="Hedge",
        street="11 rue Mondésir",
        postcode="44000",
        city="Nantes",
        language="en",
        **kw,
    )


def test_a_member_of_the_sector_takes_it_for_their_activity(
    client, nantes, django_capture_on_commit_callbacks
):
    req = _request(nantes)
    client.force_login(nantes.member.user)
    page = client.get(reverse("fieldwork-request", args=[req.pk]))
    assert page.status_code == 200
    assert (
        b"Agn\xc3\xa8s" not in page.content and b"11 rue Mond" not in page.content
    )  # commune and work only
    assert b"44000 Nantes" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("fieldwork-request-take", args=[req.pk]), {"activity": nantes.activity.pk}
        )
    visit = Visit.objects.get(request=req)
    assert response.status_code == 302 and response.url == reverse(
        "fieldwork-visit", args=[visit.pk]
    )
    req.refresh_from_db()
    assert (
        req.state == RequestState.TAKEN
        and req.taken_by == nantes.member
        and req.client.activity == nantes.activity
    )
    assert (
        visit.state == VisitState.TO_PLAN
        and visit.member == nantes.member
        and visit.client.email == "agnes@example.org"
    )
    assert any(
        "takes care of your request" in m.body for m in mail.outbox if m.to == ["agnes@example.org"]
    )
    page = client.get(reverse("fieldwork-request", args=[req.pk]))
    assert b"Agn\xc3\xa8s" in page.content and b"11 rue Mond" in page.content  # now assigned
    # taken: nobody else takes it
    client.force_login(nantes.lead.user)
    again = client.post(
        reverse("fieldwork-request-take", args=[req.pk]), {"activity": nantes.lead_activity.pk}
    )
    assert again.status_code == 403


def test_taking_reuses_the_client_with_the_same_email(nantes):
    existing = ClientFactory(activity=nantes.activity, email="AGNES@example.org")
    req = _request(nantes)
    visit = services.take_request(actor=nantes.member.user, request=req, activity=nantes.activity)
    assert visit.client == existing and Client.objects.filter(activity=nantes.activity).count() == 1


def test_a_member_outside_the_sector_neither_sees_nor_takes(client, nantes):
    req = _request(nantes)
    client.force_login(nantes.outsider.user)
    assert client.get(reverse("fieldwork-request", args=[req.pk])).status_code == 404
    assert (
        client.post(
            reverse("fieldwork-request-take", args=[req.pk]),
            {"activity": nantes.outsider_activity.pk},
        ).status_code
        == 404
    )
    with pytest.raises(PermissionDenied):
        services.take_request(
            actor=nantes.outsider.user, request=req, activity=nantes.outsider_activity
        )


def test_a_member_cannot_take_for_someone_elses_activity(client, nantes):
    req = _request(nantes)
    client.force_login(nantes.member.user)
    response = client.post(
        reverse("fieldwork-request-take", args=[req.pk]), {"activity": nantes.lead_activity.pk}
    )
    assert response.status_code == 400
    assert Request.objects.get().state == RequestState.OFFERED


def test_the_lead_proposes_and_the_member_declines_or_accepts(
    client, nantes, django_capture_on_commit_callbacks
):
    req = _request(nantes)
    client.force_login(nantes.member.user)
    assert (
        client.post(
            reverse("fieldwork-request-propose", args=[req.pk]), {"member": nantes.member.pk}
        ).status_code
        == 403
    )
    client.force_login(nantes.lead.user)
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            client.post(
                reverse("fieldwork-request-propose", args=[req.pk]), {"member": nantes.member.pk}
            ).status_code
            == 302
        )
    assert Notification.objects.filter(
        user=nantes.member.user, key__startswith="fieldwork-proposed"
    ).exists()
    bad = client.post(
        reverse("fieldwork-request-propose", args=[req.pk]), {"member": nantes.outsider.pk}
    )
    assert bad.status_code == 400
    client.force_login(nantes.member.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("fieldwork-request-decline", args=[req.pk]), {"reason": "Too far"})
    req.refresh_from_db()
    assert req.proposed_member is None and req.state == RequestState.OFFERED
    assert Notification.objects.filter(
        user=nantes.lead.user, key__startswith="fieldwork-declined"
    ).exists()
    services.propose_member(actor=nantes.lead.user, request=req, member=nantes.member)
    services.take_request(actor=nantes.member.user, request=req, activity=nantes.activity)
    assert Request.objects.get().taken_by == nantes.member


def test_the_client_cancels_and_the_member_is_told(
    client, nantes, django_capture_on_commit_callbacks
):
    req = _request(nantes)
    visit = services.take_request(actor=nantes.member.user, request=req, activity=nantes.activity)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("fieldwork-track-cancel", args=[req.token]))
    assert Request.objects.get().state == RequestState.CANCELLED
    assert Visit.objects.get(pk=visit.pk).state == VisitState.CANCELLED
    assert Notification.objects.filter(
        user=nantes.member.user, key=f"fieldwork-cancel-{req.pk}"
    ).exists()
    photo = io.BytesIO(jpeg((200, 200)))
    photo.name = "p.jpg"
    client.post(reverse("fieldwork-track-add-photo", args=[req.token]), {"photo": photo})
    assert req.photos.count() == 0  # closed


def test_the_client_adds_a_photo_from_the_tracking_page(client, nantes):
    req = _request(nantes)
    photo = io.BytesIO(jpeg((300, 200)))
    photo.name = "p.jpg"
    assert (
        client.post(
            reverse("fieldwork-track-add-photo", args=[req.token]), {"photo": photo}
        ).status_code
        == 302
    )
    assert req.photos.count() == 1
    assert client.get(reverse("fieldwork-track", args=["not-a-token"])).status_code == 404


def test_untaken_requests_are_flagged_once(nantes):
    req = _request(nantes)
    Request.objects.filter(pk=req.pk).update(
        offered_at=timezone.now() - datetime.timedelta(hours=49)
    )
    call_command("flag_untaken_requests")
    call_command("flag_untaken_requests")  # the same day: nothing more
    call_command("flag_untaken_requests", "--again")  # forced: still told once
    req.refresh_from_db()
    assert req.flagged_at is not None
    assert (
        Notification.objects.filter(key=f"fieldwork-flag-{req.pk}").count() == 2
    )  # lead and member
    fresh = _request(nantes)
    assert (
        services.flag_untaken_requests() == 0
        and Request.objects.get(pk=fresh.pk).flagged_at is None
    )


def test_the_request_list_costs_the_same_for_many_rows(
    client, nantes, django_assert_max_num_queries
):
    client.force_login(nantes.member.user)
    for _ in range(3):
        _request(nantes)
    url = reverse("fieldwork-requests")
    client.get(url)
    with django_assert_max_num_queries(14) as few:
        assert client.get(url).status_code == 200
    for _ in range(15):
        _request(nantes)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
