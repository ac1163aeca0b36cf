import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from compagnon.audit.models import AuditEvent
from compagnon.core.tests.factories import (
    MemberFactory,
    OfficeFactory,
    TradeFactory,
    api_token_for,
    member_with_activity,
)
from compagnon.members.models import Activity, ActivityRole

pytestmark = pytest.mark.django_db


def png(size=(200, 120), fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "#2f6f4f").save(out, format=fmt)
    return out.getvalue()


def settings_form(activity, **overrides):
    data = {
        "name": activity.name,
        "trade": "",
        "description": "",
        "status": "active",
        "brand_color": "#123456",
        "letterhead": "Gardens and orchards",
        "footer": "",
        "payment_terms_days": "30",
        "document_language": "fr",
    }
    data.update(overrides)
    return data


def test_member_opens_an_activity_and_becomes_its_holder(client):
    member = MemberFactory()
    trade = TradeFactory(code="gardening")
    client.force_login(member.user)
    response = client.post(
        "/activities/new/", {"name": "Les Jardins de Camille", "trade": trade.pk, "description": ""}
    )
    activity = Activity.objects.get(name="Les Jardins de Camille")
    assert (
        response.status_code == 302
        and response["Location"] == f"/activities/{activity.pk}/settings/"
    )
    assert activity.memberships.get().member == member
    assert activity.memberships.get().role == ActivityRole.HOLDER
    assert activity.entity == member.entity
    assert AuditEvent.objects.filter(
        action="activity.created", activity=activity, actor=member.user
    ).exists()


def test_holder_sets_the_brand_with_a_logo_and_the_change_is_audited(client):
    member, activity = member_with_activity()
    client.force_login(member.user)
    data = settings_form(
        activity, logo=SimpleUploadedFile("logo.png", png(), content_type="image/png")
    )
    response = client.post(f"/activities/{activity.pk}/settings/", data)
    assert response.status_code == 302, (
        response.context["form"].errors if response.context else response
    )
    activity.refresh_from_db()
    assert activity.logo.name.endswith(".png") and activity.brand_color == "#123456"
    event = AuditEvent.objects.get(action="activity.updated", activity=activity)
    assert event.changes["brand_color"][1] == "#123456"
    assert AuditEvent.objects.filter(action="activity.logo_changed", activity=activity).exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("logo.png", b"this is not an image", content_type="image/png"),
            "Upload a valid image",
        ),
        (
            SimpleUploadedFile("logo.gif", png(fmt="GIF"), content_type="image/gif"),
            "PNG, JPEG or WebP",
        ),
        (
            SimpleUploadedFile("tiny.png", png(size=(20, 20)), content_type="image/png"),
            "between 64 and 4000 pixels",
        ),
    ],
    ids=["not-an-image", "gif", "too-small"],
)
def test_a_bad_logo_is_refused_next_to_the_field_and_nothing_is_lost(client, upload, message):
    member, activity = member_with_activity()
    client.force_login(member.user)
    response = client.post(
        f"/activities/{activity.pk}/settings/",
        settings_form(activity, logo=upload, letterhead="Kept text"),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors["logo"]
    assert any(message in e for e in errors), errors
    assert "Kept text" in response.content.decode()
    activity.refresh_from_db()
    assert activity.letterhead == "" and not activity.logo


def test_an_invalid_brand_colour_names_the_rule(client):
    member, activity = member_with_activity()
    client.force_login(member.user)
    response = client.post(
        f"/activities/{activity.pk}/settings/", settings_form(activity, brand_color="green")
    )
    assert response.status_code == 400
    assert "# followed by 6 hexadecimal digits" in str(
        response.context["form"].errors["brand_color"]
    )


def test_holder_shares_the_activity_with_a_colleague_by_member_number(client):
    office = OfficeFactory()
    member, activity = member_with_activity(office)
    colleague = MemberFactory(office=office, number="M01234")
    client.force_login(member.user)
    response = client.post(
        f"/activities/{activity.pk}/members/",
        {"member": "m01234", "role": "contributor", "share": "30"},
    )
    assert response.status_code == 302
    assert activity.memberships.filter(member=colleague, role="contributor").exists()
    # the colleague now sees the activity
    client.force_login(colleague.user)
    assert client.get(f"/activities/{activity.pk}/").status_code == 200


def test_an_activity_keeps_at_least_one_holder(client):
    member, activity = member_with_activity()
    client.force_login(member.user)
    membership = activity.memberships.get()
    response = client.post(
        f"/activities/{activity.pk}/members/{membership.pk}/remove/", follow=True
    )
    assert "at least one holder" in response.content.decode()
    assert activity.memberships.count() == 1


def test_a_member_of_another_entity_cannot_join(client):
    member, activity = member_with_activity()
    foreigner = MemberFactory()  # another office, another entity
    client.force_login(member.user)
    response = client.post(
        f"/activities/{activity.pk}/members/",
        {"member": foreigner.number, "role": "contributor", "share": "0"},
        follow=True,
    )
    assert "No member of this entity" in response.content.decode()
    assert not activity.memberships.filter(member=foreigner).exists()


def test_api_holder_updates_settings_and_members_open_activities(client):
    member, activity = member_with_activity()
    auth = {"HTTP_AUTHORIZATION": f"Token {api_token_for(member.user)}"}
    response = client.patch(
        f"/api/v1/activities/{activity.pk}/",
        {"letterhead": "New head", "payment_terms_days": 45},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200, response.content
    assert response.json()["letterhead"] == "New head"
    bad = client.patch(
        f"/api/v1/activities/{activity.pk}/",
        {"brand_color": "nope"},
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 400 and "brand_color" in bad.json()["error"]["fields"]
    created = client.post(
        "/api/v1/activities/", {"name": "Second one"}, content_type="application/json", **auth
    )
    assert created.status_code == 201, created.content
    assert created.json()["memberships"][0]["member"] == member.pk
    # the contribution rate is the entity's decision, not the member's
    forbidden = client.patch(
        f"/api/v1/activities/{activity.pk}/",
        {"contribution_rate": "1.00"},
        content_type="application/json",
        **auth,
    )
    activity.refresh_from_db()
    assert forbidden.status_code == 200 and activity.contribution_rate is None
