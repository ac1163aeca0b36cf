"""Handing a job over: consent first, the client and drafts move, issued documents stay, the
finder's fee becomes an internal transfer when the taker's invoice is paid."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from compagnon.clients.models import Client
from compagnon.jobs import handover, services
from compagnon.jobs.models import FeeState, FinderFee, Job, JobStep, OfferState
from compagnon.ledger.models import Entry
from compagnon.payments.signals import send_paid_amounts_changed
from compagnon.sales.models import Document, PaymentState
from compagnon.sales.tests.factories import issued_invoice

from .helpers import D, declare, world

pytestmark = pytest.mark.django_db


def test_no_offer_without_the_clients_agreement():
    w = world()
    job = declare(w)
    with pytest.raises(ValidationError) as exc:
        handover.offer_job(actor=w.member.user, job=job, client_agreed=False)
    assert "client_agreed" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        handover.offer_job(actor=w.member.user, job=job, client_agreed=True, fee_kind="percent", fee_value=150)
    assert "fee_value" in exc.value.message_dict


def test_a_colleague_takes_the_job_with_its_client_and_drafts(client):
    from compagnon.clients.services import add_relationship_entry

    w = world()
    job = declare(w)
    add_relationship_entry(actor=w.member.user, client=w.client, kind="meeting", title="Visit of the kitchen")
    add_relationship_entry(actor=w.member.user, client=w.client, kind="reflection", title="Tense at first")
    kept = issued_invoice(w.member, w.activity, w.client)  # an issued deposit stays with the finder
    services.link_document(actor=w.member.user, job=job, document=kept)
    draft = Document.objects.get(job_links__job=job, number="")
    offer = handover.offer_job(actor=w.member.user, job=job, client_agreed=True, trade=w.painting,
                               fee_kind="percent", fee_value=D("10"))
    client.force_login(w.taker.user)
    response = client.post(reverse("jobs-offer-take", args=[offer.pk]), {"activity": w.taker_activity.pk})
    assert response.status_code == 302 and response["Location"] == reverse("jobs-detail", args=[job.pk])
    job.refresh_from_db()
    offer.refresh_from_db()
    assert offer.state == OfferState.TAKEN and offer.taken_by == w.taker
    assert job.activity == w.taker_activity and job.member == w.taker and job.origin_activity == w.activity
    assert job.client.activity == w.taker_activity and job.client.name == w.client.name
    assert list(job.client.relationship_entries.values_list("title", flat=True)) == ["Visit of the kitchen"]
    assert Client.objects.get(pk=w.client.pk).archived  # the finder's copy is archived, its history kept
    assert not Document.objects.filter(pk=draft.pk).exists()  # the draft was copied, then deleted
    copy = Document.objects.get(job_links__job=job, activity=w.taker_activity)
    assert copy.is_draft and copy.tax_exclusive == draft.tax_exclusive
    kept.refresh_from_db()
    assert kept.activity == w.activity and not kept.is_draft  # issued: untouched
    assert JobStep.objects.get(job=job, kind="insurance").state == "done"  # the taker is established
    assert job.reservation.member == w.taker
    fee = FinderFee.objects.get(job=job)
    assert fee.state == FeeState.PENDING and fee.payer == w.taker_activity and fee.payee == w.activity
    # the finder no longer sees the job; the taker does
    assert client.get(reverse("jobs-detail", args=[job.pk])).status_code == 200
    client.force_login(w.member.user)
    assert client.get(reverse("jobs-detail", args=[job.pk])).status_code == 404
    # a second taker finds it gone
    with pytest.raises(ValidationError):
        handover.take_offer(actor=w.taker.user, offer=offer, activity=w.taker_activity)


def test_the_finders_fee_is_transferred_when_the_takers_invoice_is_paid():
    w = world()
    job = declare(w)
    offer = handover.offer_job(actor=w.member.user, job=job, client_agreed=True, fee_kind="percent",
                               fee_value=D("10"))
    job = handover.take_offer(actor=w.taker.user, offer=offer, activity=w.taker_activity)
    invoice = issued_invoice(w.taker, w.taker_activity, job.client,
                             lines=[{"description": "Kitchen", "quantity": D("1"), "unit": "LS",
                                     "unit_price": D("1000"), "vat_category": "S", "vat_rate": D("20")}])
    services.link_document(actor=w.taker.user, job=job, document=invoice)
    send_paid_amounts_changed([invoice.pk])  # not paid yet: nothing moves
    assert FinderFee.objects.get(job=job).state == FeeState.PENDING
    Document.objects.filter(pk=invoice.pk).update(paid_amount=invoice.payable, payment_state=PaymentState.PAID)
    send_paid_amounts_changed([invoice.pk])
    fee = FinderFee.objects.get(job=job)
    assert fee.state == FeeState.POSTED and fee.amount == D("100.00") and fee.invoice == invoice
    lines = {(line.activity_id, line.debit, line.credit) for line in Entry.objects.get(pk=fee.entry_id).lines.all()}
    assert lines == {(w.taker_activity.pk, D("100.00"), D("0")), (w.activity.pk, D("0"), D("100.00"))}
    send_paid_amounts_changed([invoice.pk])  # again: posted once
    assert Entry.objects.filter(pk=fee.entry_id).count() == 1


def test_an_invoice_made_from_the_jobs_quote_joins_the_thread():
    from compagnon.sales import services as sales

    w = world()
    job = declare(w)
    quote = Document.objects.get(job_links__job=job)
    quote = sales.change_quote_state(actor=w.member.user, document=quote, to_state="sent")
    quote = sales.change_quote_state(actor=w.member.user, document=quote, to_state="accepted")
    invoice = sales.invoice_from_quote(actor=w.member.user, quote=quote)
    sales.issue_document(actor=w.member.user, document=invoice)
    assert Job.objects.filter(pk=job.pk, links__document=invoice).exists()
