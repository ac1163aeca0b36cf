"""Declaring a job in one action: the job is saved and each step says where it stands."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from compagnon.fieldwork.models import Unavailability
from compagnon.jobs import services
from compagnon.jobs.models import Job, JobSettings, JobStep, StepState, WaitingFor
from compagnon.sales.models import Document, Kind

from .helpers import D, day, declare, world

pytestmark = pytest.mark.django_db


def states(job):
    return {s.kind: (s.state, s.waiting_for) for s in JobStep.objects.filter(job=job)}


def test_a_new_member_declares_a_job_and_sees_each_step():
    w = world()
    job = declare(w)
    assert states(job) == {
        "client": ("done", ""),
        "document": ("waiting", "member"),
        "planning": ("done", ""),
        "insurance": ("waiting", "advisor"),  # a new member: the advisor checks
    }
    quote = Document.objects.get(job_links__job=job)
    assert quote.kind == Kind.QUOTE and quote.is_draft and quote.client == w.client
    assert quote.tax_exclusive == D("1200.00") and quote.tax_inclusive == D("1440.00")  # FR standard rate 20 %
    reservation = Unavailability.objects.get(member=w.member)
    assert job.reservation == reservation and timezone.localtime(reservation.starts_at).date() == day(10)


def test_a_new_client_is_created_and_a_missing_email_is_highlighted():
    w = world()
    job = declare(w, client=None, client_name="Mme Durand", client_email="")
    job.refresh_from_db()
    assert job.client.name == "Mme Durand" and job.client.activity == w.activity
    step = JobStep.objects.get(job=job, kind="client")
    assert step.state == StepState.MISSING and step.missing == ["client_email"]
    assert JobStep.objects.get(job=job, kind="document").state == StepState.WAITING  # the quote is drafted anyway


def test_a_step_that_cannot_be_done_does_not_undo_the_others():
    w = world()
    job = declare(w, street="", postcode="", city="", wants_prefinancing=True, document_kind="statement")
    s = states(job)
    assert s["insurance"] == ("missing", "") and s["prefinancing"] == ("missing", "")
    assert s["planning"] == ("done", "") and s["document"] == ("waiting", "member")
    assert Document.objects.get(job_links__job=job).kind == Kind.STATEMENT
    assert set(JobStep.objects.get(job=job, kind="insurance").missing) == {"address"}


def test_an_established_member_is_registered_automatically_per_the_entity_setting():
    w = world(maturity="established")
    assert states(declare(w))["insurance"] == ("done", "")
    JobSettings.objects.create(entity=w.entity, registration_automatic_from="never")
    assert states(declare(w))["insurance"] == ("waiting", "advisor")


def test_in_belgium_a_short_engagement_declares_its_working_days():
    w = world(belgian=True)
    job = declare(w, starts_on=day(3), ends_on=day(5))
    step = JobStep.objects.get(job=job, kind="working_days")
    assert step.state == StepState.WAITING and step.waiting_for == WaitingFor.ADVISOR
    assert step.data["days"] == [day(3).isoformat(), day(4).isoformat(), day(5).isoformat()]
    quote = Document.objects.get(job_links__job=job)
    assert quote.tax_inclusive == D("1452.00")  # BE standard rate 21 %
    long_job = declare(w, starts_on=day(3), ends_on=day(40))
    assert not JobStep.objects.filter(job=long_job, kind="working_days").exists()


def test_the_member_oks_the_quote_holds_a_step_and_the_advisor_validates():
    w = world()
    job = declare(w)
    doc = JobStep.objects.get(job=job, kind="document")
    assert services.ok_step(actor=w.member.user, step=doc).state == StepState.DONE
    insurance = JobStep.objects.get(job=job, kind="insurance")
    assert services.hold_step(actor=w.member.user, step=insurance).state == StepState.HELD
    ran = services.ok_step(actor=w.member.user, step=insurance)  # released: it runs again
    assert (ran.state, ran.waiting_for) == ("waiting", "advisor")
    with pytest.raises(PermissionDenied):
        services.validate_step(actor=w.member.user, step=insurance)
    done = services.validate_step(actor=w.advisor, step=insurance)
    assert done.state == StepState.DONE and done.decided_by == w.advisor


def test_bad_input_names_the_field_and_saves_nothing(client):
    w = world()
    client.force_login(w.member.user)
    response = client.post(reverse("jobs-new"), {
        "activity": w.activity.pk, "client": "", "client_name": "", "description": "Paint",
        "amount": "-3", "starts_on": day(5).isoformat(), "ends_on": day(2).isoformat(), "document_kind": "quote",
    })
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) >= {"client_name", "amount", "ends_on"}
    assert b"Paint" in response.content  # nothing typed is lost
    assert not Job.objects.exists()


def test_the_declare_form_creates_the_job_in_one_post_with_few_queries(client, django_assert_max_num_queries):
    w = world()
    client.force_login(w.member.user)
    client.get(reverse("jobs-new"))
    data = {"activity": w.activity.pk, "client": w.client.pk, "description": "Repaint the kitchen",
            "amount": "1200", "starts_on": day(10).isoformat(), "ends_on": day(12).isoformat(),
            "street": "4 rue des Lilas", "postcode": "44000", "city": "Nantes", "document_kind": "quote",
            "colleagues": [w.colleague.pk]}
    with django_assert_max_num_queries(60):
        response = client.post(reverse("jobs-new"), data)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs-detail", args=[job.pk])
    assert list(job.colleagues.all()) == [w.colleague]
    page = client.get(reverse("jobs-detail", args=[job.pk]))
    assert page.status_code == 200 and b"checklist" in page.content
