"""Clients book a member's slot and pay a deposit online (Mollie's API, here a fake over HTTP on
127.0.0.1); a paid deposit is kept for the final invoice, a failed one frees the slot."""

import datetime
import time
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from compagnon.fieldwork import antispam, services
from compagnon.fieldwork.models import (
    Deposit,
    DepositState,
    Request,
    RequestState,
    Slot,
    VisitState,
)

from .factories import at
from .fake_mollie import FakeMollie

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def mollie(settings):
    with FakeMollie() as fake:
        settings.FIELD_PAYMENT_PROVIDER = "mollie"
        settings.MOLLIE_API_KEY = fake.key
        settings.MOLLIE_API_URL = fake.url
        yield fake


def _slot(nantes, *, deposit="0", days=3, hour=9):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return services.publish_slot(
        actor=nantes.member.user,
        member=nantes.member,
        sector=nantes.sector,
        activity=nantes.activity,
        starts_at=at(day, hour),
        ends_at=at(day, hour + 2),
        deposit=Decimal(deposit),
    )


def _book_form(slot, **extra):
    data = {
        "slot": slot.pk,
        "name": "Agnès",
        "email": "agnes@example.org",
        "postcode": "44000",
        "city": "Nantes",
        "street": "11 rue Mondésir",
        "description": "Mow the lawn",
        "website": "",
        "started": antispam.started_token(time.time() - 30),
    }
    data.update(extra)
    return data


def test_a_client_books_a_free_slot_on_the_sectors_page(client, nantes):
    slot = _slot(nantes)
    page = client.get(reverse("fieldwork-book", args=[nantes.sector.pk]))
    assert page.status_code == 200 and f'value="{slot.pk}"'.encode() in page.content
    response = client.post(reverse("fieldwork-book", args=[nantes.sector.pk]), _book_form(slot))
    req = Request.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "fieldwork-track", args=[req.token]
    )
    slot.refresh_from_db()
    visit = slot.visit
    assert (
        visit.state == VisitState.PLANNED
        and visit.member == nantes.member
        and visit.starts_at == slot.starts_at
    )
    assert req.state == RequestState.PLANNED and req.client.activity == nantes.activity
    again = client.post(
        reverse("fieldwork-book", args=[nantes.sector.pk]), _book_form(slot, email="x@example.org")
    )
    assert again.status_code == 400 and Request.objects.count() == 1  # no longer free


def test_a_deposit_needs_a_payment_provider(nantes, settings):
    settings.FIELD_PAYMENT_PROVIDER = ""
    with pytest.raises(ValidationError) as error:
        _slot(nantes, deposit="30")
    assert "deposit" in error.value.message_dict


def test_the_deposit_is_paid_through_mollie(client, nantes, mollie):
    slot = _slot(nantes, deposit="30")
    response = client.post(reverse("fieldwork-book", args=[nantes.sector.pk]), _book_form(slot))
    deposit = Deposit.objects.get()
    assert (
        response.status_code == 302
        and response.url == f"https://checkout.example/{deposit.provider_ref}"
    )
    sent = mollie.payments[deposit.provider_ref]
    assert sent["amount"] == {"currency": "EUR", "value": "30.00"}
    assert sent["webhookUrl"].endswith(reverse("fieldwork-payment-webhook", args=["mollie"]))
    # the webhook only says "look at tr_…": the state is read back from Mollie
    client.post(reverse("fieldwork-payment-webhook", args=["mollie"]), {"id": deposit.provider_ref})
    assert Deposit.objects.get().state == DepositState.PENDING
    mollie.settle(deposit.provider_ref, "paid")
    client.post(reverse("fieldwork-payment-webhook", args=["mollie"]), {"id": deposit.provider_ref})
    deposit.refresh_from_db()
    assert deposit.state == DepositState.PAID and deposit.paid_at is not None
    assert deposit.visit == Slot.objects.get(pk=slot.pk).visit
    back = client.get(
        reverse("fieldwork-payment-return", args=[deposit.request.token, deposit.pk]), follow=True
    )
    assert b"the deposit is paid" in back.content
    services.refund_deposit(actor=nantes.member.user, deposit=deposit)
    assert Deposit.objects.get().state == DepositState.REFUNDED
    assert mollie.refunds[0]["amount"] == {"currency": "EUR", "value": "30.00"}


def test_a_failed_payment_cancels_the_booking_and_frees_the_slot(client, nantes, mollie):
    slot = _slot(nantes, deposit="30")
    client.post(reverse("fieldwork-book", args=[nantes.sector.pk]), _book_form(slot))
    deposit = Deposit.objects.get()
    mollie.settle(deposit.provider_ref, "canceled")
    client.get(reverse("fieldwork-payment-return", args=[deposit.request.token, deposit.pk]))
    deposit.refresh_from_db()
    assert deposit.state == DepositState.FAILED and deposit.visit.state == VisitState.CANCELLED
    assert Slot.objects.get(pk=slot.pk).visit is None


def test_a_wrong_key_or_an_unreachable_mollie_is_said_plainly(client, nantes, mollie, settings):
    slot = _slot(nantes, deposit="30")
    settings.MOLLIE_API_KEY = "wrong"
    response = client.post(
        reverse("fieldwork-book", args=[nantes.sector.pk]), _book_form(slot), follow=True
    )
    assert b"cannot be reached" in response.content
    assert Deposit.objects.get().provider_ref == ""


def test_the_local_provider_for_the_demo(client, nantes, settings):
    settings.FIELD_PAYMENT_PROVIDER = "local"
    slot = _slot(nantes, deposit="25")
    response = client.post(reverse("fieldwork-book", args=[nantes.sector.pk]), _book_form(slot))
    deposit = Deposit.objects.get()
    assert response.url == reverse("fieldwork-local-pay", args=[deposit.provider_ref])
    assert client.get(response.url).status_code == 200
    back = client.post(response.url, {"outcome": "paid"})
    assert back.url.endswith(
        reverse("fieldwork-payment-return", args=[deposit.request.token, deposit.pk])
    )
    client.get(back.url)
    assert Deposit.objects.get().state == DepositState.PAID


def test_booking_from_the_tracking_page_of_a_taken_request(client, nantes):
    req = services.submit_request(
        entity=nantes.entity,
        name="A",
        email="a@example.org",
        description="Lawn",
        postcode="44000",
        city="Nantes",
    )
    services.take_request(actor=nantes.member.user, request=req, activity=nantes.activity)
    slot = _slot(nantes)
    page = client.get(reverse("fieldwork-track", args=[req.token]))
    assert f'value="{slot.pk}"'.encode() in page.content
    client.post(reverse("fieldwork-track-book", args=[req.token]), {"slot": slot.pk})
    slot.refresh_from_db()
    assert slot.visit.request == req and Request.objects.get().state == RequestState.PLANNED


def test_members_publish_slots_without_overlap(client, nantes):
    _slot(nantes)
    with pytest.raises(ValidationError):
        _slot(nantes, hour=10)
    client.force_login(nantes.member.user)
    assert client.get(reverse("fieldwork-slots")).status_code == 200
    with pytest.raises(PermissionDenied):
        services.publish_slot(
            actor=nantes.outsider.user,
            member=nantes.member,
            sector=nantes.sector,
            activity=nantes.activity,
            starts_at=at(timezone.localdate() + datetime.timedelta(days=9), 9),
            ends_at=at(timezone.localdate() + datetime.timedelta(days=9), 10),
        )
