import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from compagnon.audit.models import AuditEvent
from compagnon.core.tests.factories import (
    MemberFactory,
    OfficeFactory,
    advisor_of,
    api_token_for,
    staff,
)
from compagnon.members import services
from compagnon.members.models import MemberStatus

pytestmark = pytest.mark.django_db


def test_advisor_moves_an_applicant_under_contract_and_the_history_says_so(client):
    office = OfficeFactory()
    member = MemberFactory(
        office=office, status=MemberStatus.APPLICANT, status_since=datetime.date(2026, 1, 5)
    )
    advisor = advisor_of(office)
    client.force_login(advisor)
    response = client.post(
        f"/members/{member.pk}/status/",
        {"to_status": "contract", "effective_on": "2026-02-01", "note": "CAPE signed"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == MemberStatus.CONTRACT
    assert member.status_since == datetime.date(2026, 2, 1)
    change = member.status_changes.get(to_status="contract")
    assert (change.from_status, change.note, change.changed_by) == (
        "applicant",
        "CAPE signed",
        advisor,
    )
    event = AuditEvent.objects.get(action="member.status_changed", member=member)
    assert event.actor == advisor and "under contract" in event.text
    # the member sees it in their own history
    client.force_login(member.user)
    assert "under contract" in client.get("/history/").content.decode()


def test_a_status_cannot_skip_back_and_the_reason_is_named(client):
    office = OfficeFactory()
    member = MemberFactory(office=office, status=MemberStatus.ASSOCIATE)
    client.force_login(advisor_of(office))
    response = client.post(
        f"/members/{member.pk}/status/", {"to_status": "applicant", "effective_on": "2026-02-01"}
    )
    assert response.status_code == 400
    assert "to_status" in response.context["status_form"].errors
    member.refresh_from_db()
    assert member.status == MemberStatus.ASSOCIATE


def test_a_status_date_before_the_current_one_is_refused():
    office = OfficeFactory()
    member = MemberFactory(
        office=office, status=MemberStatus.APPLICANT, status_since=datetime.date(2026, 3, 1)
    )
    with pytest.raises(ValidationError) as exc:
        services.change_member_status(
            actor=advisor_of(office),
            member=member,
            to_status="contract",
            effective_on=datetime.date(2026, 2, 1),
        )
    assert "effective_on" in exc.value.message_dict


def test_a_member_cannot_change_their_own_status():
    member = MemberFactory(status=MemberStatus.APPLICANT)
    with pytest.raises(PermissionDenied):
        services.change_member_status(actor=member.user, member=member, to_status="contract")


def test_an_advisor_of_another_office_cannot_change_the_status_through_the_api(client):
    member = MemberFactory(status=MemberStatus.APPLICANT)
    outsider = advisor_of(OfficeFactory(entity=member.entity))
    auth = {"HTTP_AUTHORIZATION": f"Token {api_token_for(outsider)}"}
    response = client.post(
        f"/api/v1/members/{member.pk}/change-status/",
        {"to_status": "contract"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 404


def test_the_entity_administrator_changes_status_and_maturity_through_the_api(client):
    member = MemberFactory(status=MemberStatus.APPLICANT)
    admin = staff("admin", member.entity)
    auth = {"HTTP_AUTHORIZATION": f"Token {api_token_for(admin)}"}
    response = client.post(
        f"/api/v1/members/{member.pk}/change-status/",
        {"to_status": "contract"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "contract"
    response = client.post(
        f"/api/v1/members/{member.pk}/set-maturity/",
        {"maturity": "established"},
        content_type="application/json",
        **auth,
    )
    assert response.json()["maturity"] == "established"
    bad = client.post(
        f"/api/v1/members/{member.pk}/change-status/",
        {"to_status": "applicant"},
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 400
    assert "to_status" in bad.json()["error"]["fields"]


def test_member_edits_their_profile_and_others_cannot(client):
    member = MemberFactory()
    client.force_login(member.user)
    response = client.post(
        "/profile/",
        {
            "first_name": "Camille",
            "last_name": "Moreau",
            "phone": "+33 6 00 00 00 00",
            "language": "fr",
            "city": "Rezé",
            "postcode": "44400",
            "skills": "taille, haies ,  ",
            "languages": "français, English",
            "bio": "",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    member.user.refresh_from_db()
    assert member.user.first_name == "Camille" and member.city == "Rezé"
    assert member.skills == ["taille", "haies"]
    assert member.user.language == "fr"
    other = MemberFactory(office=member.office)
    with pytest.raises(PermissionDenied):
        services.update_member_profile(
            actor=other.user, member=member, user_fields={"first_name": "X"}, profile_fields={}
        )


def test_profile_errors_keep_what_was_typed(client):
    member = MemberFactory()
    client.force_login(member.user)
    response = client.post(
        "/profile/", {"first_name": "", "last_name": "Moreau", "language": "fr", "city": "Rezé"}
    )
    assert response.status_code == 400
    assert "first_name" in response.context["form"].errors
    assert 'value="Rezé"' in response.content.decode()


def test_administrator_assigns_an_advisor_of_the_office_only(client):
    office = OfficeFactory()
    member = MemberFactory(office=office)
    advisor = advisor_of(office)
    stranger = advisor_of(OfficeFactory(entity=office.entity))
    admin = staff("admin", office.entity)
    client.force_login(admin)
    client.post(f"/members/{member.pk}/advisor/", {"advisor": advisor.pk})
    member.refresh_from_db()
    assert member.advisor == advisor
    response = client.post(f"/members/{member.pk}/advisor/", {"advisor": stranger.pk}, follow=True)
    assert "Choose an advisor of this member" in response.content.decode()
    member.refresh_from_db()
    assert member.advisor == advisor
    auth = {"HTTP_AUTHORIZATION": f"Token {api_token_for(admin)}"}
    bad = client.post(
        f"/api/v1/members/{member.pk}/set-advisor/",
        {"advisor": stranger.email},
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 400 and "advisor" in bad.json()["error"]["fields"]
    ok = client.post(
        f"/api/v1/members/{member.pk}/set-advisor/",
        {"advisor": None},
        content_type="application/json",
        **auth,
    )
    assert ok.status_code == 200 and ok.json()["advisor"] is None


def test_member_numbers_keep_counting_past_99999():
    from compagnon.members.services import next_member_number

    office = OfficeFactory()
    MemberFactory(office=office, number="M99999")
    MemberFactory(office=office, number="M100000")
    assert next_member_number(office.entity) == "M100001"


def test_a_relay_standing_in_for_an_absent_advisor_is_not_offered_as_the_members_advisor(client):
    """A relay holds the advisor role for the dates of an absence only: naming them the member's
    advisor would outlive the absence. Neither the form nor the service accepts them."""
    from compagnon.accounts.models import Role, RoleAssignment

    office = OfficeFactory()
    member = MemberFactory(office=office)
    advisor = advisor_of(office)
    relay = advisor_of(OfficeFactory(entity=office.entity))
    own = RoleAssignment.objects.get(user=advisor, role=Role.ADVISOR, office=office)
    today = datetime.date.today()
    RoleAssignment.objects.create(user=relay, role=Role.ADVISOR, entity=office.entity, office=office,
                                  starts_on=today, ends_on=today + datetime.timedelta(days=7), relay_for=own)
    admin = staff("admin", office.entity)
    client.force_login(admin)
    page = client.get(f"/members/{member.pk}/").content.decode()
    assert f'value="{advisor.pk}"' in page and f'value="{relay.pk}"' not in page
    response = client.post(f"/members/{member.pk}/advisor/", {"advisor": relay.pk}, follow=True)
    assert "Choose an advisor of this member" in response.content.decode()
    with pytest.raises(ValidationError):
        services.assign_advisor(actor=admin, member=member, advisor=relay)
    member.refresh_from_db()
    assert member.advisor is None
