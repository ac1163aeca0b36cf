"""A member answers a notice with colleagues: invitations, shares, checklist, shared folder, the
cooperative's documents in one tap, the outcome, and the won answer declared as jobs."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from compagnon.jobs.models import Job
from compagnon.notifications.models import Notification
from compagnon.tenders import services
from compagnon.tenders.models import AdminDocument, AnswerFile, AnswerMember, ChecklistItem

from .helpers import api, notice, pdf, world

pytestmark = pytest.mark.django_db
D = Decimal


def admin_doc(w, kind="registration", expires_in=90, **kw):
    return services.save_admin_document(
        actor=w.admin, entity=w.entity, kind=kind, title=kw.pop("title", f"Extrait {kind}"), upload=pdf(f"{kind}.pdf"),
        issued_on=timezone.localdate() - datetime.timedelta(days=10),
        expires_on=timezone.localdate() + datetime.timedelta(days=expires_in) if expires_in is not None else None)


def group_answer(w, django_capture_on_commit_callbacks):
    n = notice(w)
    answer = services.open_answer(actor=w.member.user, notice=n)
    with django_capture_on_commit_callbacks(execute=True):
        row = services.invite(actor=w.member.user, answer=answer, member=w.colleague, role="partner", share=D("40"))
    services.respond(actor=w.colleague.user, row=row, accept=True)
    return n, answer, row


def test_a_member_opens_an_answer_with_a_checklist_and_opening_twice_gives_the_same(client):
    w = world()
    n = notice(w)
    client.force_login(w.member.user)
    response = client.post(reverse("tenders-answer-open", args=[n.pk]))
    answer = w.member.tender_answers_led.get()
    assert response.url == reverse("tenders-answer", args=[answer.pk])
    assert client.post(reverse("tenders-answer-open", args=[n.pk])).url == response.url
    assert ChecklistItem.objects.filter(answer=answer).count() == 6
    page = client.get(response.url)
    assert page.status_code == 200 and "Submit on the buyer" in page.content.decode()
    assert "days left" in page.content.decode()


def test_the_group_invites_accepts_agrees_shares_and_works_together(client, django_capture_on_commit_callbacks):
    w = world()
    n, answer, row = group_answer(w, django_capture_on_commit_callbacks)
    assert Notification.objects.filter(user=w.colleague.user, title__contains="invites you").exists()
    client.force_login(w.member.user)
    lead_row = AnswerMember.objects.get(answer=answer, member=w.member)
    bad = client.post(reverse("tenders-answer-shares", args=[answer.pk]),
                      {f"share_{lead_row.pk}": "70", f"share_{row.pk}": "40"})
    assert bad.status_code == 400 and "100" in bad.content.decode()
    ok = client.post(reverse("tenders-answer-shares", args=[answer.pk]),
                     {f"share_{lead_row.pk}": "60", f"share_{row.pk}": "40"})
    assert ok.status_code == 302
    # the colleague ticks an item, adds one, drops a file
    client.force_login(w.colleague.user)
    item = ChecklistItem.objects.filter(answer=answer).first()
    assert client.post(reverse("tenders-item-toggle", args=[item.pk])).status_code == 302
    assert ChecklistItem.objects.get(pk=item.pk).done
    assert client.post(reverse("tenders-item-add", args=[answer.pk]), {
        "label": "Photos des chantiers", "who": w.colleague.pk, "due_on": "2030-01-01"}).status_code == 302
    refused = client.post(reverse("tenders-file-add", args=[answer.pk]),
                          {"file": SimpleUploadedFile("virus.exe", b"MZ\x90\x00")})
    assert refused.status_code == 400 and "virus.exe" in refused.content.decode()
    assert client.post(reverse("tenders-file-add", args=[answer.pk]), {"file": pdf()}).status_code == 302
    f = AnswerFile.objects.get(answer=answer)
    download = client.get(reverse("tenders-file", args=[f.pk]))
    assert download.status_code == 200 and download["Cache-Control"] == "private, no-store"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    # outside the group: nothing
    for user in (w.paris.user, w.admin, w.outsider.user):
        client.force_login(user)
        assert client.get(reverse("tenders-answer", args=[answer.pk])).status_code == 404
        assert client.get(reverse("tenders-file", args=[f.pk])).status_code == 404
        assert api(user).get(f"/api/v1/tenders/answers/{answer.pk}/").status_code == 404
        assert api(user).get(f"/api/v1/tenders/files/{f.pk}/download/").status_code == 404
        assert api(user).get("/api/v1/tenders/files/").json()["results"] == []
        assert api(user).get("/api/v1/tenders/checklist/").json()["results"] == []
    # the colleague cannot invite nor record the outcome
    assert api(w.colleague.user).post(f"/api/v1/tenders/answers/{answer.pk}/outcome/",
                                      {"outcome": "lost", "reason": "x"}, format="json").status_code == 403


def test_an_invited_colleague_who_declines_sees_no_more_of_it(client, django_capture_on_commit_callbacks):
    w = world()
    n = notice(w)
    answer = services.open_answer(actor=w.member.user, notice=n)
    row = services.invite(actor=w.member.user, answer=answer, member=w.tech, role="subcontractor")
    client.force_login(w.tech.user)
    page = client.get(reverse("tenders-answer", args=[answer.pk]))
    assert page.status_code == 200 and "Accept" in page.content.decode() and "Shared folder" not in page.content.decode()
    assert api(w.tech.user).post(f"/api/v1/tenders/answer-members/{row.pk}/decline/").status_code == 200
    assert client.get(reverse("tenders-answer", args=[answer.pk])).status_code == 404


def test_the_cooperative_documents_are_attached_in_one_tap_and_only_the_current_ones(
        client, django_capture_on_commit_callbacks):
    w = world()
    old = admin_doc(w, "social", expires_in=None, title="URSSAF 2025")
    AdminDocument.objects.filter(pk=old.pk).update(issued_on=timezone.localdate() - datetime.timedelta(days=400))
    current = admin_doc(w, "social", title="URSSAF vigilance")
    admin_doc(w, "tax", expires_in=None)
    expired = admin_doc(w, "insurance", expires_in=30)
    AdminDocument.objects.filter(pk=expired.pk).update(expires_on=timezone.localdate() - datetime.timedelta(days=1))
    n, answer, row = group_answer(w, django_capture_on_commit_callbacks)
    client.force_login(w.colleague.user)
    assert client.post(reverse("tenders-attach-admin", args=[answer.pk])).status_code == 302
    attached = set(AnswerFile.objects.filter(answer=answer).values_list("admin_document_id", flat=True))
    assert current.pk in attached and old.pk not in attached and expired.pk not in attached and len(attached) == 2
    client.post(reverse("tenders-attach-admin", args=[answer.pk]))
    assert AnswerFile.objects.filter(answer=answer).count() == 2
    f = AnswerFile.objects.get(answer=answer, admin_document=current)
    download = client.get(reverse("tenders-file", args=[f.pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_won_answer_becomes_jobs_split_by_the_agreed_shares(client, django_capture_on_commit_callbacks):
    w = world()
    n, answer, row = group_answer(w, django_capture_on_commit_callbacks)
    lead_row = AnswerMember.objects.get(answer=answer, member=w.member)
    client.force_login(w.member.user)
    outcome = reverse("tenders-answer-outcome", args=[answer.pk])
    start, end = timezone.localdate() + datetime.timedelta(days=30), timezone.localdate() + datetime.timedelta(days=60)
    form = {"outcome": "won", "won_amount": "10000.00", "starts_on": start.isoformat(), "ends_on": end.isoformat(),
            "activity": w.activity.pk}
    refused = client.post(outcome, form)  # shares add up to 140
    assert refused.status_code == 400 and "10000.00" in refused.content.decode()
    services.set_shares(actor=w.member.user, answer=answer, shares={lead_row.pk: D("60"), row.pk: D("40")})
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(outcome, form).status_code == 302
    lead_job = Job.objects.get(activity=w.activity)
    assert lead_job.amount == D("6000.00") and lead_job.client_name == "Commune de Rezé"
    assert (lead_job.starts_on, lead_job.ends_on) == (start, end)
    assert Notification.objects.filter(user=w.colleague.user, title__startswith="Won").exists()
    # the colleague declares their share in one tap, once
    client.force_login(w.colleague.user)
    page = client.get(reverse("tenders-answer", args=[answer.pk]))
    assert "Declare my share" in page.content.decode()
    url = reverse("tenders-declare-share", args=[row.pk])
    assert client.post(url, {"activity": w.colleague_activity.pk}).status_code == 302
    assert client.post(url, {"activity": w.colleague_activity.pk}).status_code == 302  # twice: one job
    jobs = Job.objects.filter(activity=w.colleague_activity)
    assert jobs.count() == 1 and jobs.get().amount == D("4000.00")
    assert api(w.colleague.user).post(f"/api/v1/tenders/answer-members/{row.pk}/declare/",
                                      {"activity": w.colleague_activity.pk}, format="json").status_code == 200
    assert Job.objects.count() == 2


def test_a_lost_answer_needs_its_reason_through_the_api(django_capture_on_commit_callbacks):
    w = world()
    n, answer, row = group_answer(w, django_capture_on_commit_callbacks)
    url = f"/api/v1/tenders/answers/{answer.pk}/outcome/"
    missing = api(w.member.user).post(url, {"outcome": "lost"}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()["error"]["fields"]
    done = api(w.member.user).post(url, {"outcome": "lost", "reason": "Prix trop élevé"}, format="json")
    assert done.status_code == 200 and done.json()["state"] == "lost"
    assert api(w.member.user).post(f"/api/v1/tenders/answers/{answer.pk}/submit/").status_code == 400


def test_the_daily_pass_flags_expiring_documents_and_reminds_groups_once(django_capture_on_commit_callbacks):
    w = world()
    soon = admin_doc(w, "insurance", expires_in=10, title="Attestation RC Pro")
    admin_doc(w, "tax", expires_in=200)
    n = notice(w, deadline=timezone.now() + datetime.timedelta(days=2))
    services.open_answer(actor=w.member.user, notice=n)
    today = timezone.localdate()
    assert services.daily(today=today) == {"flagged": 1, "reminded": 1}
    assert services.daily(today=today) == {"flagged": 0, "reminded": 0}
    assert Notification.objects.filter(user=w.admin, title__contains="Attestation RC Pro").count() == 1
    assert Notification.objects.filter(user=w.member.user, title__contains="left to answer").count() == 1
    AdminDocument.objects.filter(pk=soon.pk).update(expires_on=today - datetime.timedelta(days=1))
    assert services.daily(today=today)["flagged"] == 1
    from django.core.management import call_command

    call_command("tenders_daily")


def test_lists_keep_a_constant_number_of_queries(client, django_assert_max_num_queries,
                                                 django_capture_on_commit_callbacks):
    w = world()
    for i in range(6):
        n = notice(w, source_id=f"X-{i}")
        services.open_answer(actor=w.member.user, notice=n)
    from compagnon.tenders import matching

    matching.match(list(__import__("compagnon.tenders.models", fromlist=["Notice"]).Notice.objects.all()))
    client.force_login(w.member.user)
    client.get(reverse("tenders-list"))
    with django_assert_max_num_queries(14):
        assert client.get(reverse("tenders-list")).status_code == 200
    for path in ("notices", "answers", "checklist", "answer-members"):
        with django_assert_max_num_queries(8):
            assert api(w.member.user).get(f"/api/v1/tenders/{path}/").status_code == 200
