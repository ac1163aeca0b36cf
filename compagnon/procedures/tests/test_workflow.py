"""A member writes a procedure, sends it; the referent of the trade validates it or sends it back;
anyone proposes a new version; earlier versions stay readable and can be compared."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from compagnon.audit.models import AuditEvent
from compagnon.notifications.models import Notification

from .. import services
from ..models import Procedure, State
from .helpers import coop, draft, in_force

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    return coop()


def test_a_member_writes_a_procedure_with_steps_and_the_referent_validates_it(client, c, django_capture_on_commit_callbacks):
    client.force_login(c["camille"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("procedures-create"), {
            "entity": c["entity"].pk, "trade": c["gardening"].pk, "kind": "safety", "title": "Pruning safety",
            "tools": "Gloves\nHelmet", "safety": "Two people when using a ladder.",
            "step_text_0": "Check the ladder.", "step_tick_0": "1", "step_text_1": "Mark the area.",
            "step_text_2": "", "action": "submit"})
    assert response.status_code == 302
    procedure = Procedure.objects.get(title="Pruning safety")
    version = procedure.versions.get()
    assert version.state == State.REVIEW
    assert [(s.text, s.to_tick) for s in version.steps.all()] == [("Check the ladder.", True),
                                                                 ("Mark the area.", False)]
    assert Notification.objects.filter(user=c["yanis"]).exists()
    assert not Notification.objects.filter(user=c["admin"]).exists()  # the trade has a referent
    client.force_login(c["yanis"])
    assert "Pruning safety" in client.get(reverse("procedures-review")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("procedures-decide", args=[procedure.pk, version.pk]),
                               {"decision": "validate", "comment": ""})
    assert response.status_code == 302
    procedure.refresh_from_db()
    assert procedure.current_id == version.pk
    version.refresh_from_db()
    assert version.number == 1 and version.reviewed_by == c["yanis"]
    assert Notification.objects.filter(user=c["camille"]).exists()
    assert AuditEvent.objects.filter(action="procedures.validated").exists()
    client.force_login(c["ines"])
    page = client.get(reverse("procedures-detail", args=[procedure.pk])).content.decode()
    assert "Check the ladder." in page and "Two people when using a ladder." in page


def test_the_referent_sends_back_with_a_comment_and_the_author_sends_again(c):
    version = draft(c)
    services.submit(actor=c["camille"], version=version)
    with pytest.raises(ValidationError) as exc:
        services.review(actor=c["yanis"], version=version, decision="send_back", comment="")
    assert "comment" in exc.value.message_dict
    services.review(actor=c["yanis"], version=version, decision="send_back", comment="Add the nests check.")
    version.refresh_from_db()
    assert version.state == State.CHANGES and version.review_comment == "Add the nests check."
    services.save_draft(actor=c["camille"], version=version, title="Hedge trimming",
                        steps=[{"text": "Look for nests first.", "to_tick": True}])
    services.submit(actor=c["camille"], version=version)
    services.review(actor=c["yanis"], version=version, decision="validate")
    version.refresh_from_db()
    assert version.state == State.VALIDATED and version.number == 1


def test_only_referents_validate_and_administrators_when_the_trade_has_none(c):
    version = draft(c)
    services.submit(actor=c["camille"], version=version)
    for who in ("camille", "ines", "admin", "advisor"):
        with pytest.raises(PermissionDenied):
            services.review(actor=c[who], version=version, decision="validate")
    it = draft(c, trade="it", title="Fan cleaning")
    services.submit(actor=c["camille"], version=it)
    with pytest.raises(PermissionDenied):
        services.review(actor=c["yanis"], version=it, decision="validate")
    services.review(actor=c["admin"], version=it, decision="validate")
    assert Procedure.objects.get(pk=it.procedure_id).current_id == it.pk


def test_a_new_version_keeps_the_old_one_readable_and_comparable(client, c):
    procedure = in_force(c)
    first = procedure.current
    proposal = services.propose_version(actor=c["ines"], procedure=procedure)
    assert proposal.based_on == first and proposal.steps.count() == 3
    services.save_draft(actor=c["ines"], version=proposal, title="Hedge trimming", change_note="Nests in spring",
                        steps=[{"text": "Put on gloves, glasses and ear protection.", "to_tick": True},
                               {"text": "From March to July, do not cut when birds nest.", "to_tick": True}])
    client.force_login(c["camille"])
    detail = client.get(reverse("procedures-detail", args=[procedure.pk])).content.decode()
    assert "Check the hedge for nests" in detail and "From March to July" not in detail  # a draft of Inès
    services.submit(actor=c["ines"], version=proposal)
    services.review(actor=c["yanis"], version=proposal, decision="validate")
    procedure.refresh_from_db()
    assert procedure.current_id == proposal.pk
    old = client.get(reverse("procedures-version", args=[procedure.pk, first.pk])).content.decode()
    assert "Check the hedge for nests" in old and "no longer in force" in old
    history = client.get(reverse("procedures-history", args=[procedure.pk])).content.decode()
    assert "Version 2" in history and "Version 1" in history
    diff = client.get(reverse("procedures-compare", args=[procedure.pk]), {"a": first.pk, "b": proposal.pk})
    body = diff.content.decode()
    assert diff.status_code == 200
    assert 'class="removed"' in body and "Check the hedge for nests" in body
    assert 'class="added"' in body and "From March to July" in body


def test_the_create_page_is_filled_from_peer_help_or_after_sales(client, c):
    client.force_login(c["camille"])
    response = client.get(reverse("procedures-create"), {
        "title": "Backup before repair", "trade": c["it"].pk, "kind": "repair",
        "body": "Copy the user folder to the external disk.\nCheck it opens.", "source": "peerhelp.question:42"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Backup before repair"' in page
    assert "Copy the user folder to the external disk." in page
    assert f'<option value="{c["it"].pk}" selected>' in page
    assert 'value="peerhelp.question:42"' in page and "Written from a question to colleagues" in page
    response = client.post(reverse("procedures-create"), {
        "entity": c["entity"].pk, "trade": c["it"].pk, "kind": "repair", "title": "Backup before repair",
        "source": "peerhelp.question:42", "step_text_0": "Copy the user folder."})
    procedure = Procedure.objects.get(title="Backup before repair")
    assert procedure.source == "peerhelp.question:42"
    bad = client.post(reverse("procedures-create"), {
        "entity": c["entity"].pk, "trade": c["it"].pk, "kind": "repair", "title": "Nothing to do",
        "step_text_0": ""})
    assert bad.status_code == 400
    assert "Write at least one step." in bad.content.decode() and 'value="Nothing to do"' in bad.content.decode()
    assert client.get(reverse("procedures-create"), {"trade": "x"}).status_code == 400


def test_a_source_links_when_the_upper_app_says_the_reader_may_see_it(client, c):
    from .. import sources

    sources.register_source("aftersales.case", lambda user, pk: ("case #7", "/aftersales/7/")
                            if user.pk == c["camille"].pk else None)
    try:
        procedure = in_force(c, source="aftersales.case:7")
        client.force_login(c["camille"])
        assert 'href="/aftersales/7/"' in client.get(reverse("procedures-detail", args=[procedure.pk])).content.decode()
        client.force_login(c["ines"])
        page = client.get(reverse("procedures-detail", args=[procedure.pk])).content.decode()
        assert "/aftersales/7/" not in page and "Written from an after-sales case." in page
    finally:
        sources._RESOLVERS.pop("aftersales.case", None)


def test_staff_name_and_remove_referents(client, c):
    client.force_login(c["admin"])
    response = client.post(reverse("procedures-referents"), {"trade": c["it"].pk, "member": c["ines"].member.pk})
    assert response.status_code == 302
    assert client.get(reverse("procedures-referents")).content.decode().count("referent since") == 2
    client.force_login(c["camille"])
    assert client.get(reverse("procedures-referents")).status_code == 404
    client.force_login(c["foreign_admin"])
    response = client.post(reverse("procedures-referents"), {"trade": c["it"].pk, "member": c["ines"].member.pk})
    assert response.status_code == 400  # not a member of their entity
