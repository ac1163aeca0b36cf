import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from compagnon import jurisdictions
from compagnon.accounts.models import Role
from compagnon.core.demo import kbo_from, siren_from
from compagnon.core.tests.factories import (
    EntityFactory,
    MemberFactory,
    OfficeFactory,
    api_token_for,
    staff,
)

pytestmark = pytest.mark.django_db


@given(st.integers(min_value=0, max_value=10**8 - 1))
def test_every_generated_siren_is_valid_and_a_changed_digit_is_not(n):
    number = siren_from(n)
    assert jurisdictions.get("FR").validate_company_number(number) == number
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    with pytest.raises(jurisdictions.IdentifierError):
        jurisdictions.get("FR").validate_company_number(wrong)


@given(st.integers(min_value=0, max_value=10**7 - 1))
def test_every_generated_belgian_enterprise_number_is_valid(n):
    number = kbo_from(n)
    assert jurisdictions.get("BE").validate_company_number(number) == number
    assert jurisdictions.get("BE").validate_vat_number("BE" + number) == "BE" + number


@pytest.mark.parametrize(
    ("jurisdiction", "number", "message"),
    [
        ("FR", "123", "SIREN (9 digits) or a SIRET (14 digits)"),
        ("FR", "732829321", "valid check digit"),
        ("BE", "0403.019.262", "mod-97"),
    ],
)
def test_an_entity_with_a_wrong_company_number_is_refused_with_the_rule(
    jurisdiction, number, message
):
    entity = EntityFactory.build(jurisdiction=jurisdiction, company_number=number)
    with pytest.raises(ValidationError) as exc:
        entity.full_clean()
    assert message in " ".join(exc.value.message_dict["company_number"])


def test_vat_and_iban_are_checked_and_normalised():
    entity = EntityFactory.build(
        jurisdiction="FR",
        company_number="732829320",
        vat_number="fr 44 732829320",
        iban="fr76 3000 6000 0112 3456 7890 189",
    )
    entity.full_clean()
    assert entity.vat_number == "FR44732829320" and entity.iban == "FR7630006000011234567890189"
    entity.iban = "FR7630006000011234567890188"
    with pytest.raises(ValidationError) as exc:
        entity.full_clean()
    assert "IBAN" in exc.value.message_dict["iban"][0]


def test_administrator_edits_the_entity_and_a_bad_number_keeps_the_form(client):
    entity = EntityFactory()
    admin = staff(Role.ADMIN, entity)
    client.force_login(admin)
    data = {
        "name": "Renamed",
        "legal_name": entity.legal_name,
        "company_number": "123",
        "vat_number": "",
        "street": "",
        "postcode": "",
        "city": "Nantes",
        "iban": "",
        "bic": "",
        "email": "",
        "default_language": "fr",
        "contribution_rate": "11.5",
    }
    response = client.post(f"/entities/{entity.pk}/edit/", data)
    assert response.status_code == 400 and "company_number" in response.context["form"].errors
    assert 'value="Renamed"' in response.content.decode()
    data["company_number"] = siren_from(424242)
    assert client.post(f"/entities/{entity.pk}/edit/", data).status_code == 302
    entity.refresh_from_db()
    assert entity.name == "Renamed" and str(entity.contribution_rate) == "11.50"


def test_accountants_read_but_do_not_edit_and_members_see_only_their_entity(client):
    entity, other = EntityFactory(), EntityFactory()
    client.force_login(staff(Role.ACCOUNTANT, entity))
    assert client.get(f"/entities/{entity.pk}/").status_code == 200
    assert client.get(f"/entities/{entity.pk}/edit/").status_code == 403
    member = MemberFactory(office=OfficeFactory(entity=entity))
    client.force_login(member.user)
    assert client.get(f"/entities/{other.pk}/").status_code == 404
    auth = {"HTTP_AUTHORIZATION": f"Token {api_token_for(member.user)}"}
    assert [e["id"] for e in client.get("/api/v1/entities/", **auth).json()["results"]] == [
        entity.pk
    ]
    assert (
        client.patch(
            f"/api/v1/entities/{entity.pk}/", {"name": "x"}, content_type="application/json", **auth
        ).status_code
        == 403
    )


def test_administrator_opens_an_office(client):
    entity = EntityFactory()
    client.force_login(staff(Role.ADMIN, entity))
    response = client.post(
        f"/entities/{entity.pk}/offices/new/", {"name": "Angers", "city": "Angers"}
    )
    assert response.status_code == 302
    assert entity.offices.filter(name="Angers").exists()
    duplicate = client.post(
        f"/entities/{entity.pk}/offices/new/", {"name": "Angers", "city": "Angers"}
    )
    assert duplicate.status_code == 400
