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


def test_the_same_form_sent_twice_declares_one_job(client):
    """A double tap, or the phone sending again after a lost network: the form carries its own key,
    and the second send lands on the job the first one declared."""
    import re

    w = world()
    client.force_login(w.member.user)
    page = client.get(reverse("jobs-new")).content.decode()
    key = re.search(r'name="client_key" value="([0-9a-f-]{36})"', page).group(1)
    data = {"activity": w.activity.pk, "client": w.client.pk, "description": "Repaint the kitchen",
            "amount": "1200", "starts_on": day(10).isoformat(), "ends_on": day(12).isoformat(),
            "street": "4 rue des Lilas", "postcode": "44000", "city": "Nantes", "document_kind": "quote",
            "client_key": key}
    first = client.post(reverse("jobs-new"), data)
    again = client.post(reverse("jobs-new"), data, follow=True)
    job = Job.objects.get()
    assert first["Location"] == reverse("jobs-detail", args=[job.pk])
    assert again.redirect_chain[-1][0] == reverse("jobs-detail", args=[job.pk])
    assert b"already declared" in again.content
    assert Document.objects.filter(job_links__job=job).count() == 1  # one quote drafted, not two
    other = client.get(reverse("jobs-new")).content.decode()
    assert key not in other  # each new form its own key


def test_the_api_declares_once_per_key():
    import uuid

    from rest_framework.test import APIClient

    w = world()
    api = APIClient()
    api.force_authenticate(w.member.user)
    body = {"activity": w.activity.pk, "client": w.client.pk, "description": "Repaint the kitchen", "amount": "1200",
            "starts_on": day(10).isoformat(), "ends_on": day(12).isoformat(), "street": "4 rue des Lilas",
            "postcode": "44000", "city": "Nantes", "client_key": str(uuid.uuid4())}
    first = api.post("/api/v1/jobs/jobs/", body, format="json")
    again = api.post("/api/v1/jobs/jobs/", body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and Job.objects.count() == 1
    fresh = api.post("/api/v1/jobs/jobs/", {**body, "client_key": str(uuid.uuid4())}, format="json")
    assert fresh.status_code == 201 and Job.objects.count() == 2


def test_the_entity_s_administrator_sets_when_registrations_are_automatic(client):
    w = world(maturity="developing")
    url = reverse("jobs-settings", args=[w.entity.pk])
    for outsider in (w.member.user, w.advisor):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.force_login(w.admin)
    assert b"jobs/settings" in client.get(reverse("jobs-check")).content  # reached from the queue
    bad = client.post(url, {"registration_automatic_from": "developing", "short_engagement_days": "0"})
    assert bad.status_code == 400 and "short_engagement_days" in bad.context["form"].errors
    assert not JobSettings.objects.exists()
    saved = client.post(url, {"registration_automatic_from": "developing", "short_engagement_days": "3"})
    assert saved.status_code == 302
    assert JobSettings.objects.get(entity=w.entity).short_engagement_days == 3
    job = declare(w)  # a developing member: registered at once now
    assert JobStep.objects.get(job=job, kind="insurance").state == StepState.DONE


def test_work_subcontracted_to_a_colleague_counts_against_the_job_s_margin():
    """A colleague's activity works on the job and invoices it internally (subcontracting): the job
    page's margin deducts it."""
    from compagnon.jobs import selectors
    from compagnon.sales import services as sales
    from compagnon.sales.tests.factories import draft
    from compagnon.subcontracting import services as subcontracting

    w = world()
    job = declare(w)
    invoice = draft(w.member, w.activity, w.client, kind=Kind.INVOICE, lines=[
        {"description": "Repaint the kitchen", "quantity": D("1"), "unit": "C62", "unit_price": D("1200"),
         "vat_category": "S", "vat_rate": D("20")}])
    services.link_document(actor=w.member.user, job=job, document=invoice)
    asked = subcontracting.ask(actor=w.member.user, ordering=w.activity, provider=w.taker_activity,
                               description="Sanding the doors", amount=D("300"), client_document=invoice)
    subcontracting.accept(actor=w.taker.user, subcontract=asked)
    assert selectors.thread(job).subcontracted == D("0")  # nothing invoiced internally yet
    sales.issue_document(actor=w.member.user, document=invoice)
    t = selectors.thread(job)
    assert t.invoiced == D("1200.00") and t.subcontracted == D("300.00")
    assert t.margin == D("900.00") - t.expenses
