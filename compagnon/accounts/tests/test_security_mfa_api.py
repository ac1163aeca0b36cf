"""Mandatory two-factor authentication for staff holds on the API too (issue 9, point 1)."""

import pytest
from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.utils import translation

from compagnon.accounts import services
from compagnon.accounts.models import ApiToken, Role
from compagnon.core.tests.factories import (
    EntityFactory,
    MemberFactory,
    OfficeFactory,
    advisor_of,
    api_token_for,
    staff,
)

pytestmark = [
    pytest.mark.django_db,
    # what production runs with (DJANGO_ENV=production turns MFA_REQUIRED_FOR_STAFF on)
    pytest.mark.usefixtures("production_mfa"),
]


@pytest.fixture
def production_mfa():
    with override_settings(MFA_REQUIRED_FOR_STAFF=True, PRODUCTION=True):
        yield


def enrol_totp(user):
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})


def assert_mfa_refusal(response):
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["status"] == 403 and error["code"] == "mfa_required"
    assert "two-factor" in error["message"].lower()


def test_a_staff_session_without_totp_reads_and_writes_nothing_through_the_api(client):
    entity = EntityFactory()
    admin = staff(Role.ADMIN, entity)
    MemberFactory(office=OfficeFactory(entity=entity))
    client.force_login(admin)
    # the HTML pages already sent them to the enrolment …
    page = client.get("/home/")
    assert page.status_code == 302 and "/accounts/2fa/totp/activate" in page["Location"]
    # … and the same cookie gets nothing from the API
    for url in ("/api/v1/members/", "/api/v1/audit-events/", "/api/v1/bank-accounts/", "/api/v1/me/"):
        assert_mfa_refusal(client.get(url))
    response = client.patch(
        f"/api/v1/entities/{entity.pk}/", {"name": "Hijacked"}, content_type="application/json"
    )
    assert_mfa_refusal(response)
    entity.refresh_from_db()
    assert entity.name != "Hijacked"
    # the enrolment flow itself stays reachable (allauth first asks for the password again)
    enrolment = client.get("/accounts/2fa/totp/activate/")
    assert enrolment.status_code in (200, 302)
    assert "totp/activate" not in enrolment.get("Location", "").split("?")[0]

    enrol_totp(admin)
    assert client.get("/api/v1/members/").status_code == 200
    assert client.get("/home/").status_code == 200


def test_the_refusal_is_in_the_users_language(client):
    advisor = advisor_of(OfficeFactory())
    advisor.language = "fr"
    advisor.save()
    client.force_login(advisor)
    with translation.override("fr"):
        message = client.get("/api/v1/me/").json()["error"]["message"]
    assert "double authentification" in message.lower()


def test_tokens_of_staff_without_totp_stop_working_and_work_again_after_enrolment(client):
    accountant = staff(Role.ACCOUNTANT, EntityFactory())
    raw = api_token_for(accountant)  # made before the rule, or TOTP removed since
    assert_mfa_refusal(client.get("/api/v1/members/", HTTP_AUTHORIZATION=f"Token {raw}"))
    assert_mfa_refusal(client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {raw}"))
    enrol_totp(accountant)
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {raw}").status_code == 200
    # losing the second factor stops the token again
    Authenticator.objects.filter(user=accountant).delete()
    assert_mfa_refusal(client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {raw}"))


def test_staff_create_a_personal_token_only_after_totp(client):
    support = staff(Role.SUPPORT, EntityFactory(), service="legal")
    client.force_login(support)
    response = client.post("/settings/", {"name": "script"})
    assert response.status_code == 302 and "/accounts/2fa/totp/activate" in response["Location"]
    with pytest.raises(PermissionDenied, match="two-factor"):
        services.create_api_token(actor=support, name="script")
    assert not ApiToken.objects.filter(user=support).exists()
    enrol_totp(support)
    response = client.post("/settings/", {"name": "script"})
    assert response.status_code == 200 and response.context["new_key"]
    assert ApiToken.objects.filter(user=support).count() == 1


def test_members_and_their_tokens_are_not_concerned(client):
    member = MemberFactory()
    raw = api_token_for(member.user)
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {raw}").status_code == 200
    client.force_login(member.user)
    assert client.get("/api/v1/me/").status_code == 200
    assert client.post("/settings/", {"name": "script"}).status_code == 200
