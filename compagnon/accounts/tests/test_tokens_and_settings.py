import pytest
from allauth.mfa.models import Authenticator
from django.test import override_settings

from compagnon.accounts.models import ApiToken, Role
from compagnon.core.tests.factories import MemberFactory, OfficeFactory, advisor_of, staff

pytestmark = pytest.mark.django_db


def test_user_creates_a_token_sees_it_once_and_uses_it(client):
    member = MemberFactory()
    client.force_login(member.user)
    response = client.post("/settings/", {"name": "export script", "expires_on": ""})
    assert response.status_code == 200
    raw = response.context["new_key"]
    assert raw.startswith("cpg_")
    token = ApiToken.objects.get(user=member.user)
    assert token.key_hash != raw and raw not in token.key_hash  # only the hash is stored
    assert "copy this token now" in response.content.decode().lower()
    assert raw not in client.get("/settings/").content.decode()
    client.logout()
    me = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {raw}")
    assert (
        me.status_code == 200
        and me.json()["member"] == member.pk
        and me.json()["roles"] == ["member"]
    )
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_revoked_token_stops_working(client):
    member = MemberFactory()
    client.force_login(member.user)
    raw = client.post("/settings/", {"name": "phone app"}).context["new_key"]
    token = ApiToken.objects.get(user=member.user)
    client.post(f"/settings/tokens/{token.pk}/revoke/")
    client.logout()
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401
    assert response.json()["error"]["message"]


def test_nobody_revokes_someone_elses_token(client):
    owner, other = MemberFactory(), MemberFactory()
    client.force_login(owner.user)
    client.post("/settings/", {"name": "mine"})
    token = ApiToken.objects.get(user=owner.user)
    client.force_login(other.user)
    assert client.post(f"/settings/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_needs_a_name_and_a_future_expiry(client):
    client.force_login(MemberFactory().user)
    response = client.post("/settings/", {"name": " ", "expires_on": "2001-01-01"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) >= {"name"}
    response = client.post("/settings/", {"name": "ok", "expires_on": "2001-01-01"})
    assert "expires_on" in response.context["form"].errors


@override_settings(MFA_REQUIRED_FOR_STAFF=True)
def test_staff_must_enrol_two_factor_before_working_but_demo_accounts_and_members_need_not(client):
    office = OfficeFactory()
    advisor = advisor_of(office)
    client.force_login(advisor)
    response = client.get("/home/")
    assert response.status_code == 302 and "/accounts/2fa/totp/activate" in response["Location"]
    Authenticator.objects.create(user=advisor, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert client.get("/home/").status_code == 200
    demo_admin = staff(Role.ADMIN, office.entity)
    demo_admin.is_demo = True
    demo_admin.save()
    client.force_login(demo_admin)
    assert client.get("/home/").status_code == 200
    client.force_login(MemberFactory().user)
    assert client.get("/home/").status_code == 200


def test_language_switch_is_remembered_in_the_profile(client):
    member = MemberFactory()
    client.force_login(member.user)
    client.post("/i18n/setlang/", {"language": "nl", "next": "/home/"})
    member.user.refresh_from_db()
    assert member.user.language == "nl"
    assert '<html lang="nl">' in client.get("/home/").content.decode()
