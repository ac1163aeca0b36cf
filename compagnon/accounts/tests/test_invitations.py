import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from compagnon.accounts.models import Invitation, Role, RoleAssignment, User
from compagnon.core.tests.factories import MemberFactory, OfficeFactory, advisor_of, staff
from compagnon.members.models import Member, MemberStatus

pytestmark = pytest.mark.django_db


def invite(client, **data):
    payload = {
        "email": "new@example.org",
        "first_name": "Nora",
        "last_name": "Petit",
        "role": "member",
        "service": "",
        "language": "en",
    }
    payload.update(data)
    with_commit = client.post("/invitations/", payload)
    return with_commit


def link_from_last_email() -> str:
    return re.search(r"http://testserver(/invite/[^/\s]+/)", mail.outbox[-1].body).group(1)


def test_advisor_invites_a_member_who_joins_with_a_verified_email(
    client, django_capture_on_commit_callbacks
):
    office = OfficeFactory()
    advisor = advisor_of(office)
    client.force_login(advisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, office=office.pk)
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new@example.org"]
    link = link_from_last_email()
    client.logout()
    page = client.get(link)
    assert page.status_code == 200 and "new@example.org" in page.content.decode()
    response = client.post(
        link,
        {
            "first_name": "Nora",
            "last_name": "Petit",
            "password1": "a garden in spring",
            "password2": "a garden in spring",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/home/"
    user = User.objects.get(email="new@example.org")
    member = Member.objects.get(user=user)
    assert (
        member.office == office
        and member.status == MemberStatus.APPLICANT
        and member.advisor == advisor
    )
    assert EmailAddress.objects.get(user=user).verified
    # the link works once
    assert client.get(link).status_code == 404


def test_mismatched_passwords_are_named_and_the_names_kept(
    client, django_capture_on_commit_callbacks
):
    office = OfficeFactory()
    client.force_login(advisor_of(office))
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, office=office.pk)
    link = link_from_last_email()
    client.logout()
    response = client.post(
        link,
        {
            "first_name": "Nora",
            "last_name": "Petit",
            "password1": "a garden in spring",
            "password2": "other",
        },
    )
    assert response.status_code == 400
    assert "password2" in response.context["form"].errors
    assert 'value="Nora"' in response.content.decode()
    response = client.post(
        link,
        {"first_name": "Nora", "last_name": "Petit", "password1": "12345", "password2": "12345"},
    )
    assert response.status_code == 400 and "password1" in response.context["form"].errors
    assert not User.objects.filter(email="new@example.org").exists()


def test_an_advisor_may_invite_members_only_and_only_to_their_offices(client):
    office, elsewhere = OfficeFactory(), OfficeFactory()
    client.force_login(advisor_of(office))
    response = invite(client, office=elsewhere.pk)
    assert response.status_code == 400 and "office" in response.context["form"].errors
    response = invite(client, office=office.pk, role="admin")
    assert response.status_code == 400 and "role" in response.context["form"].errors
    assert not Invitation.objects.exists()


def test_members_cannot_invite(client):
    member = MemberFactory()
    client.force_login(member.user)
    assert client.get("/invitations/").status_code == 403


def test_administrator_invites_a_support_agent_for_a_service(
    client, django_capture_on_commit_callbacks
):
    office = OfficeFactory()
    client.force_login(staff(Role.ADMIN, office.entity))
    response = invite(client, office=office.pk, role="support", service="")
    assert response.status_code == 400 and "service" in response.context["form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        invite(
            client,
            office=office.pk,
            role="support",
            service="collections",
            email="agent@example.org",
        )
    link = link_from_last_email()
    client.logout()
    client.post(
        link,
        {
            "first_name": "Sam",
            "last_name": "Agent",
            "password1": "a garden in spring",
            "password2": "a garden in spring",
        },
    )
    ra = RoleAssignment.objects.get(user__email="agent@example.org")
    assert (ra.role, ra.service, ra.entity, ra.office) == (
        "support",
        "collections",
        office.entity,
        None,
    )


def test_an_expired_or_replaced_invitation_is_refused_with_a_clear_page(
    client, django_capture_on_commit_callbacks
):
    office = OfficeFactory()
    client.force_login(advisor_of(office))
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, office=office.pk)
    first = link_from_last_email()
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, office=office.pk)
    client.logout()
    response = client.get(first)
    assert response.status_code == 404
    assert "no longer valid" in response.content.decode()


def test_nobody_can_sign_up_without_an_invitation(client):
    response = client.get("/accounts/signup/")
    assert "closed" in response.content.decode().lower() or response.status_code != 200
