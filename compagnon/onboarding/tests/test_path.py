"""A new member gets the path of their entity and maturity; they walk it at their pace (what is
done stays done); signing keeps evidence; meetings are marked by the advisor."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from compagnon.members import services as members
from compagnon.members.models import Maturity

from .. import building, services
from ..models import Assignment, Completion, Signature
from .helpers import auth, build_path, coop, new_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    return coop()


def test_a_new_member_gets_the_path_of_their_entity_and_maturity(c):
    a = Assignment.objects.get(member=c["lou"], active=True)
    assert a.path == c["path"] and a.total_count == 4 and a.done_count == 0 and a.next_step == c["steps"][0]
    assert not Assignment.objects.filter(member=c["outsider"]).exists()  # no path in that entity
    established, _steps = build_path(c["entity"], c["admin"], maturity=Maturity.ESTABLISHED)
    members.set_member_maturity(actor=c["admin"], member=c["lou"], maturity=Maturity.ESTABLISHED)
    assert Assignment.objects.get(member=c["lou"], active=True).path == established
    assert Assignment.objects.filter(member=c["lou"]).count() == 2
    members.set_member_maturity(actor=c["admin"], member=c["lou"], maturity=Maturity.DEVELOPING)  # no such path
    assert Assignment.objects.get(member=c["lou"], active=True).path == established


def test_the_member_walks_the_path_and_comes_back_later(c, client):
    explain, sign, meeting, task = c["steps"]
    client.force_login(c["lou"].user)
    page = client.get(reverse("onboarding-mine")).content.decode()
    assert "0 of 4 steps done" in page and "How the cooperative works" in page
    assert client.post(reverse("onboarding-step-done", args=[explain.pk])).status_code == 302
    assert client.post(reverse("onboarding-step-done", args=[task.pk])).status_code == 302
    client.logout()
    client.force_login(c["lou"].user)  # another day
    page = client.get(reverse("onboarding-mine")).content.decode()
    assert "2 of 4 steps done" in page
    a = Assignment.objects.get(member=c["lou"], active=True)
    assert a.next_step == sign and a.done_count == 2
    r = client.post(reverse("onboarding-step-done", args=[meeting.pk]))
    assert r.status_code == 302 and not Completion.objects.filter(step=meeting).exists()
    assert client.post(reverse("onboarding-step-undo", args=[task.pk])).status_code == 302
    assert Assignment.objects.get(pk=a.pk).done_count == 1
    # another member's path is not reachable
    client.force_login(c["outsider"].user)
    assert client.post(reverse("onboarding-step-done", args=[explain.pk])).status_code == 404


def test_signing_keeps_the_evidence_of_the_version_signed(c, client):
    sign = c["steps"][1]
    client.force_login(c["lou"].user)
    url = reverse("onboarding-step-sign", args=[sign.pk])
    r = client.post(url, {"typed_name": "Someone Else", "agree": "on"})
    assert r.status_code == 400 and "Lou Martin" in r.content.decode() and "Someone Else" in r.content.decode()
    r = client.post(url, {"typed_name": " lou  martin ", "agree": "on"}, HTTP_USER_AGENT="Phone browser")
    assert r.status_code == 302
    sig = Signature.objects.get(member=c["lou"])
    assert sig.typed_name == "lou martin" and sig.document_version == 1 and len(sig.document_sha256) == 64
    assert sig.document_title == "rules.pdf" and sig.user_agent == "Phone browser" and sig.ip_address == "127.0.0.1"
    first_hash = sig.document_sha256
    building.save_step(actor=c["admin"], path=c["path"], step=sign, kind="sign", title_en="Internal rules",
                       uploaded_file=SimpleUploadedFile("rules.pdf", b"%PDF-1.4 the rules v2"))
    sign.refresh_from_db()
    assert sign.document_version == 2 and sign.document_sha256 != first_hash
    assert Signature.objects.get(member=c["lou"]).document_version == 1  # the evidence never changes
    r = client.post(reverse("api-onboarding-mine-sign", args=[sign.pk]), {"typed_name": "Sam Peeters"},
                    content_type="application/json", **auth(c["sam"].user))
    assert r.status_code == 201 and r.json()["document_version"] == 2
    with pytest.raises(ValidationError):
        services.mark_done(actor=c["lou"].user, member=c["lou"], step=sign)


def test_the_advisor_marks_the_meeting_attended(c, client):
    meeting = c["steps"][2]
    with pytest.raises(PermissionDenied):
        services.mark_attended(actor=c["lou"].user, member=c["lou"], step=meeting)
    with pytest.raises(PermissionDenied):
        services.mark_attended(actor=c["advisor"], member=c["far"], step=meeting)  # not their office
    client.force_login(c["advisor"])
    r = client.post(reverse("onboarding-attended", args=[c["lou"].pk, meeting.pk]))
    assert r.status_code == 302 and Completion.objects.filter(step=meeting, done_by=c["advisor"]).exists()
    assert client.post(reverse("onboarding-attended", args=[c["far"].pk, meeting.pk])).status_code == 404
    r = client.post(reverse("api-onboarding-follow-attended", args=[c["sam"].pk]), {"step": meeting.pk},
                    content_type="application/json", **auth(c["admin"]))
    assert r.status_code == 200 and r.json()["done_count"] == 1


def test_a_completed_path_and_a_step_added_later(c):
    lou = c["lou"]
    explain, sign, meeting, task = c["steps"]
    services.mark_done(actor=lou.user, member=lou, step=explain)
    services.mark_done(actor=lou.user, member=lou, step=task)
    services.sign(actor=lou.user, member=lou, step=sign, typed_name="Lou Martin")
    services.mark_attended(actor=c["advisor"], member=lou, step=meeting)
    a = Assignment.objects.get(member=lou, active=True)
    assert a.completed_at and a.done_count == 4 and a.next_step is None
    extra = building.save_step(actor=c["admin"], path=c["path"], kind="task", title_en="Send your first quote")
    a.refresh_from_db()
    assert a.completed_at is None and a.total_count == 5 and a.next_step == extra and a.done_count == 4
    building.remove_step(actor=c["admin"], step=explain)  # done by Lou: archived, kept
    a.refresh_from_db()
    assert a.total_count == 4 and a.done_count == 3
    explain.refresh_from_db()
    assert explain.archived


def test_give_a_new_path_to_members_who_joined_before(c):
    entity_b = c["other_entity"]
    path, _steps = build_path(entity_b, c["foreign_admin"])
    assert not Assignment.objects.filter(member=c["outsider"]).exists()
    with pytest.raises(PermissionDenied):
        building.give_to_members(actor=c["admin"], path=path)
    assert building.give_to_members(actor=c["foreign_admin"], path=path) == 1
    assert building.give_to_members(actor=c["foreign_admin"], path=path) == 0
    assert Assignment.objects.get(member=c["outsider"]).path == path


def test_the_follow_list_puts_stuck_members_first(c, client, django_assert_max_num_queries):
    old = timezone.now() - datetime.timedelta(days=30)
    Assignment.objects.filter(member=c["sam"]).update(last_progress_at=old)
    client.force_login(c["advisor"])
    body = client.get(reverse("onboarding-follow")).content.decode()
    assert body.index("Sam Peeters") < body.index("Lou Martin") and "Noor Jansen" not in body
    assert "stuck" in body
    rows = client.get(reverse("api-onboarding-follow-list"), **auth(c["advisor"])).json()["results"]
    assert [r["name"] for r in rows] == ["Sam Peeters", "Lou Martin"] and rows[0]["stuck"]
    body = client.get(reverse("onboarding-follow"), {"show": "stuck"}).content.decode()
    assert "Sam Peeters" in body and "Lou Martin" not in body
    client.force_login(c["admin"])
    body = client.get(reverse("onboarding-follow")).content.decode()
    assert "Noor Jansen" in body
    for user in (c["lou"].user, c["accountant"]):
        client.force_login(user)
        assert client.get(reverse("onboarding-follow")).status_code == 404
        assert client.get(reverse("onboarding-follow-member", args=[c["lou"].pk])).status_code == 404
    client.force_login(c["foreign_admin"])  # an administrator of another entity: nobody of ours
    assert "Lou Martin" not in client.get(reverse("onboarding-follow")).content.decode()
    assert client.get(reverse("onboarding-follow-member", args=[c["lou"].pk])).status_code == 404
    assert client.get(reverse("api-onboarding-follow-list"), **auth(c["accountant"])).json()["count"] == 0
    assert client.get(reverse("api-onboarding-follow-detail", args=[c["lou"].pk]),
                      **auth(c["foreign_admin"])).status_code == 404


def test_query_counts_stay_constant(c, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(user, name, api=False):
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(name), **(auth(user) if api else {})).status_code == 200
        return len(ctx.captured_queries)

    pages = [(c["advisor"], "onboarding-follow", False), (c["advisor"], "api-onboarding-follow-list", True),
             (c["lou"].user, "onboarding-mine", False), (c["lou"].user, "api-onboarding-mine-list", True),
             (c["lou"].user, "onboarding-kit", False), (c["admin"], "onboarding-paths", False)]
    before = [count(*p) for p in pages]
    for i in range(6):
        new_member(c["office"], first_name=f"New{i}", last_name="Member")
        building.save_step(actor=c["admin"], path=c["path"], kind="task", title_en=f"Task {i}")
    after = [count(*p) for p in pages]
    assert after == before, (before, after)


def test_a_member_created_by_invitation_flow_gets_the_path(c):
    m = new_member(c["office2"], first_name="Ana", last_name="Lopez")
    assert Assignment.objects.get(member=m).path == c["path"]
    services.mark_done(actor=m.user, member=m, step=c["steps"][0])
    with pytest.raises(PermissionDenied):
        services.mark_done(actor=c["lou"].user, member=m, step=c["steps"][3])
