"""Who sees and does what, through the pages and the API: administrators write to their entity,
advisors to the offices they advise; members, support agents, accountants and another entity's
administrator get 404 on the mailings; members manage their own choices only; bad input answers
400 naming the field with nothing typed lost; lists cost a fixed number of queries."""

import pytest
from django.core import mail
from django.urls import reverse

from compagnon.core.tests.factories import api_token_for

from .. import services
from ..models import Interest, Kind, Mailing, MailingState, MemberInterest, Mode, Preference
from .helpers import coop, write

pytestmark = pytest.mark.django_db


def auth(user):
    return {"HTTP_AUTHORIZATION": f"Token {api_token_for(user)}"}


@pytest.fixture
def c():
    c = coop()
    c["entity_wide"] = write(c, subject_en="To everyone")
    c["nantes_news"] = write(c, by="advisor", subject_en="Nantes news")
    return c


def staff_pages(m):
    return [("mailings-detail", [m.pk]), ("mailings-edit", [m.pk]), ("mailings-progress", [m.pk])]


def test_administrators_see_and_change_every_mailing_of_their_entity(client, c):
    client.force_login(c["admin"])
    body = client.get(reverse("mailings-list")).content.decode()
    assert "To everyone" in body and "Nantes news" in body
    for m in (c["entity_wide"], c["nantes_news"]):
        for name, args in staff_pages(m):
            assert client.get(reverse(name, args=args)).status_code == 200, name
    services.send_now(actor=c["admin"], mailing=c["entity_wide"])
    assert "To everyone" in client.get(reverse("mailings-list"), {"status": "sent"}).content.decode()
    assert "To everyone" not in client.get(reverse("mailings-list")).content.decode()
    data = client.get(reverse("api-mailings-mailing-list"), **auth(c["admin"])).json()
    assert data["count"] == 2


def test_an_advisor_sees_only_mailings_to_the_offices_they_advise(client, c):
    client.force_login(c["advisor"])
    body = client.get(reverse("mailings-list")).content.decode()
    assert "Nantes news" in body and "To everyone" not in body
    assert client.get(reverse("mailings-detail", args=[c["nantes_news"].pk])).status_code == 200
    for name, args in staff_pages(c["entity_wide"]):
        assert client.get(reverse(name, args=args)).status_code == 404
    assert client.post(reverse("mailings-send", args=[c["entity_wide"].pk])).status_code == 404
    token = auth(c["advisor"])
    assert [m["id"] for m in client.get(reverse("api-mailings-mailing-list"), **token).json()["results"]] == [
        c["nantes_news"].pk]
    assert client.get(reverse("api-mailings-mailing-detail", args=[c["entity_wide"].pk]), **token).status_code == 404
    client.force_login(c["angers_advisor"])
    assert client.get(reverse("mailings-detail", args=[c["nantes_news"].pk])).status_code == 404


@pytest.mark.parametrize("who", ["camille", "accountant", "support", "foreign_admin", "outsider"])
def test_members_and_other_staff_get_404_on_mailings(client, c, who):
    user = c[who].user if hasattr(c[who], "user") else c[who]
    client.force_login(user)
    if who == "foreign_admin":  # their own entity's pages, without ours
        assert "To everyone" not in client.get(reverse("mailings-list")).content.decode()
        assert client.get(reverse("mailings-new"), {"entity": c["entity"].pk}).status_code == 404
        assert client.get(reverse("mailings-interests"), {"entity": c["entity"].pk}).status_code == 404
    else:
        for name in ("mailings-list", "mailings-new", "mailings-interests"):
            assert client.get(reverse(name)).status_code == 404, name
    for m in (c["entity_wide"], c["nantes_news"]):
        for name, args in staff_pages(m):
            assert client.get(reverse(name, args=args)).status_code == 404, name
        for name in ("mailings-send", "mailings-delete", "mailings-retry", "mailings-unschedule"):
            assert client.post(reverse(name, args=[m.pk])).status_code == 404, name
    token = auth(user)
    assert client.get(reverse("api-mailings-mailing-list"), **token).json()["count"] == 0
    for m in (c["entity_wide"], c["nantes_news"]):
        assert client.get(reverse("api-mailings-mailing-detail", args=[m.pk]), **token).status_code == 404
        assert client.post(reverse("api-mailings-mailing-send", args=[m.pk]), **token).status_code == 404
        assert client.get(reverse("api-mailings-mailing-audience", args=[m.pk]), **token).status_code == 404
    r = client.post(reverse("api-mailings-mailing-list"), {"subject_fr": "x", "body_fr": "y", "entity": c["entity"].pk},
                    content_type="application/json", **token)
    assert r.status_code == 404
    assert Mailing.objects.count() == 2


def test_writing_a_mailing_through_the_page_keeps_what_was_typed_and_counts_recipients(client, c):
    client.force_login(c["admin"])
    url = reverse("mailings-new")
    assert client.get(url).status_code == 200
    form = {"entity": c["entity"].pk, "kind": Kind.TRADE, "send_email": "on", "subject_fr": "",
            "body_fr": "Texte gardé", "postcode_prefixes": "44", "trades": [c["gardening"].pk]}
    r = client.post(url, form)
    assert r.status_code == 400 and "Texte gardé" in r.content.decode()
    assert "Write the subject in French." in r.content.decode()
    r = client.get(reverse("mailings-count"), {**form, "entity": c["entity"].pk}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "1 person" in r.content.decode()
    r = client.post(url, {**form, "subject_fr": "Jardiniers"})
    m = Mailing.objects.get(subject_fr="Jardiniers")
    assert r.status_code == 302 and r["Location"] == reverse("mailings-detail", args=[m.pk])
    body = client.get(r["Location"]).content.decode()
    assert "Send now to 1 person" in body and "Texte gardé" in body
    r = client.post(reverse("mailings-edit", args=[m.pk]), {**form, "subject_fr": "Jardiniers", "subject_nl": "Tuin"})
    assert r.status_code == 400 and "Write the message in Dutch." in r.content.decode()
    r = client.post(reverse("mailings-send", args=[m.pk]))
    assert r.status_code == 302
    m.refresh_from_db()
    assert m.state == MailingState.SENDING
    assert client.get(reverse("mailings-edit", args=[m.pk])).status_code == 302  # gone out: no change


def test_an_administrator_of_two_entities_chooses_one_first(client, c):
    from compagnon.accounts.models import Role, RoleAssignment

    RoleAssignment.objects.create(user=c["admin"], role=Role.ADMIN, entity=c["foreign_entity"])
    client.force_login(c["admin"])
    body = client.get(reverse("mailings-new")).content.decode()
    assert c["foreign_entity"].name in body and "To the members of which entity?" in body
    assert client.get(reverse("mailings-new"), {"entity": c["foreign_entity"].pk}).status_code == 200
    client.force_login(c["advisor"])
    assert client.get(reverse("mailings-new"), {"entity": c["foreign_entity"].pk}).status_code == 404


def test_the_mailing_api_creates_counts_changes_and_sends(client, c, django_capture_on_commit_callbacks):
    token = auth(c["advisor"])
    payload = {"kind": "office", "subject_fr": "Réunion", "body_fr": "Jeudi", "publish_news": True,
               "send_email": True}
    r = client.post(reverse("api-mailings-mailing-count"), payload, content_type="application/json", **token)
    assert r.json() == {"total": 2, "by_email": 2, "in_app": 2}
    r = client.post(reverse("api-mailings-mailing-list"), {**payload, "offices": [c["angers"].pk]},
                    content_type="application/json", **token)
    assert r.status_code == 400 and "offices" in r.json()["error"]["fields"]
    r = client.post(reverse("api-mailings-mailing-list"), payload, content_type="application/json", **token)
    assert r.status_code == 201 and r.json()["offices"] == [c["nantes"].pk]
    pk = r.json()["id"]
    r = client.patch(reverse("api-mailings-mailing-detail", args=[pk]), {"is_service": True},
                     content_type="application/json", **token)
    assert r.status_code == 400 and "is_service" in r.json()["error"]["fields"]
    r = client.patch(reverse("api-mailings-mailing-detail", args=[pk]), {"subject_en": "Meeting", "body_en": "Thu"},
                     content_type="application/json", **token)
    assert r.status_code == 200 and r.json()["subject_en"] == "Meeting"
    assert client.get(reverse("api-mailings-mailing-audience", args=[pk]), **token).json()["total"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("api-mailings-mailing-send", args=[pk]), **token)
    assert r.status_code == 200 and len(mail.outbox) == 2
    assert client.get(reverse("api-mailings-mailing-progress", args=[pk]), **token).json()["sent"] == 2
    assert client.delete(reverse("api-mailings-mailing-detail", args=[pk]), **token).status_code == 400
    draft = c["nantes_news"]
    assert client.delete(reverse("api-mailings-mailing-detail", args=[draft.pk]), **token).status_code == 204


def test_members_choose_their_preferences_and_interests_on_the_page_and_api(client, c):
    member = c["camille"]
    client.force_login(member.user)
    r = client.get(reverse("mailings-preferences"))
    assert r.status_code == 200 and "Formations" in r.content.decode()  # her language
    form = {"mode_newsletter": "app", "mode_office": "email", "mode_trade": "none", "mode_announcement": "email",
            "interests": [c["trainings"].pk]}
    assert client.post(reverse("mailings-preferences"), form).status_code == 302
    assert dict(Preference.objects.filter(member=member).values_list("kind", "mode")) == {
        "newsletter": "app", "trade": "none"}
    assert list(MemberInterest.objects.filter(member=member).values_list("interest_id", flat=True)) == [
        c["trainings"].pk]
    r = client.post(reverse("mailings-preferences"), {**form, "mode_office": "pigeon"})
    assert r.status_code == 400 and 'name="mode_office" value="pigeon"' not in r.content.decode()
    assert Preference.objects.get(member=member, kind="newsletter").mode == "app"
    token = auth(member.user)
    data = client.get(reverse("api-mailings-preferences"), **token).json()
    assert data == {"modes": {"newsletter": "app", "office": "email", "trade": "none", "announcement": "email"},
                    "interests": [c["trainings"].pk]}
    other = services.save_interest(actor=c["foreign_admin"], entity=c["foreign_entity"], name_fr="Ailleurs")
    r = client.patch(reverse("api-mailings-preferences"), {"interests": [other.pk]}, content_type="application/json",
                     **token)
    assert r.status_code == 400 and "interests" in r.json()["error"]["fields"]
    r = client.patch(reverse("api-mailings-preferences"), {"modes": {"newsletter": Mode.EMAIL}, "interests": []},
                     content_type="application/json", **token)
    assert r.status_code == 200 and r.json()["modes"]["newsletter"] == "email" and r.json()["interests"] == []
    for staff in (c["admin"], c["advisor"]):
        client.force_login(staff)
        assert client.get(reverse("mailings-preferences")).status_code == 404
        assert client.get(reverse("api-mailings-preferences"), **auth(staff)).status_code == 404


def test_administrators_manage_the_topics_members_see_their_entitys(client, c):
    client.force_login(c["admin"])
    r = client.post(reverse("mailings-interests"), {"entity": c["entity"].pk, "name_en": "Only English"})
    assert r.status_code == 400 and "Only English" in r.content.decode()
    r = client.post(reverse("mailings-interests"), {"entity": c["entity"].pk, "name_fr": "Marchés", "position": 3})
    assert r.status_code == 302 and Interest.objects.filter(name_fr="Marchés").exists()
    t = Interest.objects.get(name_fr="Marchés")
    r = client.post(reverse("mailings-interest", args=[t.pk]), {"name_fr": "Marchés publics", "archived": "on"})
    assert r.status_code == 302
    t.refresh_from_db()
    assert t.archived and t.name_fr == "Marchés publics"
    client.force_login(c["advisor"])
    assert client.get(reverse("mailings-interest", args=[t.pk])).status_code == 404
    names = [i["name_fr"] for i in client.get(reverse("api-mailings-interest-list"),
                                              **auth(c["camille"].user)).json()["results"]]
    assert names == ["Formations", "Actualité juridique"]  # archived ones hidden, own entity only
    r = client.post(reverse("api-mailings-interest-list"), {"name_fr": "X"}, content_type="application/json",
                    **auth(c["camille"].user))
    assert r.status_code == 404
    r = client.post(reverse("api-mailings-interest-list"), {"name_fr": "Tenders"}, content_type="application/json",
                    **auth(c["admin"]))
    assert r.status_code == 201
    r = client.patch(reverse("api-mailings-interest-detail", args=[c["trainings"].pk]), {"position": 9},
                     content_type="application/json", **auth(c["foreign_admin"]))
    assert r.status_code == 404


def test_lists_and_counts_cost_a_fixed_number_of_queries(client, c):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def costs():
        client.force_login(c["admin"])
        out = []
        for url, params, extra in ((reverse("mailings-list"), {}, {}), (reverse("mailings-list"), {"status": "sent"}, {}),
                                   (reverse("api-mailings-mailing-list"), {}, auth(c["admin"]))):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url, params, **extra).status_code == 200
            out.append(len(ctx.captured_queries))
        return out

    def more(n):
        for i in range(n):
            m = write(c, subject_en=f"Letter {i}", offices=[c["nantes"].pk], trades=[c["gardening"].pk, c["it"].pk],
                      maturities=["developing", "established"])
            services.send_now(actor=c["admin"], mailing=write(c, subject_en=f"Sent {i}"))
        return m

    more(1)
    few = costs()
    m = more(6)
    assert costs() == few and max(few) <= 14
    client.force_login(c["admin"])
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("mailings-detail", args=[m.pk])).status_code == 200
    assert len(ctx.captured_queries) <= 16


def test_hostile_ids_answer_400_not_a_server_error(client, c):
    huge = "99999999999999999999"
    client.force_login(c["admin"])
    for field in ("offices", "trades", "interests"):
        r = client.get(reverse("mailings-count"), {"entity": c["entity"].pk, field: huge})
        assert r.status_code == 200 and "error" in r.content.decode()
        r = client.post(reverse("api-mailings-mailing-count"), {field: [int(huge)]}, content_type="application/json",
                        **auth(c["admin"]))
        assert r.status_code == 400 and field in r.json()["error"]["fields"]
    r = client.patch(reverse("api-mailings-preferences"), {"interests": [int(huge)]}, content_type="application/json",
                     **auth(c["camille"].user))
    assert r.status_code == 400
