import pytest
from django.core import mail

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import OfficeFactory, api_token_for, member_with_activity, staff
from compagnon.members import services

pytestmark = pytest.mark.django_db


def test_members_read_the_history_of_their_own_activity_only(client):
    office = OfficeFactory()
    a, activity_a = member_with_activity(office)
    b, activity_b = member_with_activity(office)
    services.update_activity(actor=a.user, activity=activity_a, letterhead="Gardens of A")
    services.update_activity(actor=b.user, activity=activity_b, letterhead="Gardens of B")
    auth = {"HTTP_AUTHORIZATION": f"Token {api_token_for(a.user)}"}
    rows = client.get("/api/v1/audit-events/", **auth).json()["results"]
    assert {r["activity"] for r in rows} == {activity_a.pk}
    assert rows[0]["actor"] == a.user.email and rows[0]["changes"]["letterhead"] == [
        "",
        "Gardens of A",
    ]
    assert (
        client.get(f"/api/v1/audit-events/?activity={activity_b.pk}", **auth).json()["count"] == 0
    )
    client.force_login(a.user)
    page = client.get(f"/activities/{activity_a.pk}/").content.decode()
    assert f"Settings of {activity_a.name} updated" in page


def test_the_accountant_reads_the_entity_log_and_events_render_in_the_readers_language(client):
    office = OfficeFactory()
    member, activity = member_with_activity(office)
    services.update_activity(actor=member.user, activity=activity, letterhead="x")
    accountant = staff(Role.ACCOUNTANT, office.entity)
    client.force_login(accountant)
    assert f"Settings of {activity.name} updated" in client.get("/history/").content.decode()
    accountant.language = "fr"
    accountant.save()
    assert f"Paramètres de l’activité {activity.name} mis à jour" in client.get("/history/").content.decode()


def test_password_reset_sends_a_link_to_a_known_address(client):
    member, _ = member_with_activity()
    response = client.post("/accounts/password/reset/", {"email": member.user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "/accounts/password/reset/key/" in mail.outbox[0].body


def test_status_words_in_the_history_follow_the_readers_language(client):
    import datetime

    from compagnon.core.tests.factories import MemberFactory, advisor_of
    from compagnon.members.models import MemberStatus

    office = OfficeFactory()
    member = MemberFactory(
        office=office, status=MemberStatus.APPLICANT, status_since=datetime.date(2026, 1, 1)
    )
    advisor = advisor_of(office)
    advisor.language = "nl"  # the actor works in Dutch…
    advisor.save()
    services.change_member_status(
        actor=advisor, member=member, to_status="contract", effective_on=datetime.date(2026, 2, 1)
    )
    member.user.language = "fr"  # …the member reads in French
    member.user.save()
    client.force_login(member.user)
    page = client.get("/history/").content.decode()
    assert "« candidat·e » à « sous contrat » le 01/02/2026" in page.replace("\xa0", " ")


def test_a_moment_in_an_event_reads_as_its_local_day():
    """A service may hand a datetime where a day is meant: it is kept as the local day, and events
    stored earlier with a full timestamp still read (they broke the history pages)."""
    import datetime

    from django.utils import timezone

    from compagnon.audit.models import AuditEvent
    from compagnon.audit.services import _param

    late_evening = timezone.make_aware(datetime.datetime(2027, 1, 6, 23, 30), timezone.get_current_timezone())
    assert _param(late_evening) == {"date": "2027-01-06"}
    assert _param(datetime.date(2027, 1, 6)) == {"date": "2027-01-06"}
    old = AuditEvent(message="until %(date)s", params={"date": {"date": "2027-01-06T00:00:00+01:00"}})
    assert old.text == "until 01/06/2027"
