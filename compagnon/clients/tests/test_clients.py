"""What a member does with their clients on the pages: add, correct, archive, keep contacts and
a relationship log."""

import datetime

import pytest
from django.utils import timezone

from compagnon.audit.models import AuditEvent
from compagnon.clients import selectors, services
from compagnon.clients.models import Client, EntryKind
from compagnon.core.tests.factories import MembershipFactory, OfficeFactory, member_with_activity

from .factories import ClientFactory, CommitmentFactory, ContactFactory, RelationshipEntryFactory

pytestmark = pytest.mark.django_db


def form(**overrides):
    data = {
        "kind": "company",
        "name": "Syndic Les Hortensias",
        "email": "compta@hortensias.example",
        "phone": "02 40 00 00 00",
        "street": "4 rue des Lilas",
        "postcode": "44000",
        "city": "Nantes",
        "country": "FR",
        "company_number": "",
        "vat_number": "",
        "peppol_scheme": "",
        "peppol_id": "",
        "site_street": "",
        "site_postcode": "",
        "site_city": "",
        "language": "fr",
        "payment_terms_days": "",
        "notes": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def gardener(client):
    member, activity = member_with_activity()
    client.force_login(member.user)
    return member, activity


def test_member_adds_a_french_company_with_normalised_identifiers_and_a_peppol_id(client, gardener):
    member, activity = gardener
    assert client.get("/clients/new/").status_code == 200
    response = client.post(
        "/clients/new/",
        form(company_number="123 456 782", vat_number="fr 11 123 456 782"),
    )
    created = Client.objects.get(name="Syndic Les Hortensias")
    assert response.status_code == 302 and response["Location"] == f"/clients/{created.pk}/"
    assert created.activity == activity
    assert (created.company_number, created.vat_number) == ("123456782", "FR11123456782")
    assert (created.peppol_scheme, created.peppol_id) == ("0002", "123456782")
    event = AuditEvent.objects.get(action="client.created", object_id=str(created.pk))
    assert event.activity == activity and event.entity == activity.entity
    assert event.actor == member.user and "Syndic Les Hortensias" in event.text


def test_a_wrong_siret_is_shown_next_to_its_field_and_nothing_typed_is_lost(client, gardener):
    response = client.post(
        "/clients/new/",
        form(company_number="12345678200016", vat_number="FR11123456782", notes="Big hedge"),
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["company_number"]
    page = response.content.decode()
    assert "SIRET number has 14 digits" in page
    assert 'id="id_company_number_error"' in page
    for typed in (
        "Syndic Les Hortensias",
        "compta@hortensias.example",
        "12345678200016",
        "Big hedge",
    ):
        assert typed in page
    assert "Nothing you typed has been lost" in page
    assert not Client.objects.exists()


def test_an_individual_is_added_without_identifiers(client, gardener):
    response = client.post(
        "/clients/new/",
        form(kind="individual", name="Jeanne Martin", company_number="leftover"),
    )
    assert response.status_code == 302
    person = Client.objects.get(name="Jeanne Martin")
    assert person.kind == "individual" and person.company_number == "" and person.peppol_id == ""


def test_the_form_hides_identifiers_for_individuals_and_offers_a_country_list(client, gardener):
    page = client.get("/clients/new/").content.decode()
    assert "company-only" in page and 'name="kind"' in page
    assert '<option value="BE">' in page and '<option value="FR" selected>' in page


def test_a_collective_member_chooses_the_activity_of_the_new_client(client, gardener):
    member, activity = gardener
    collective = member_with_activity(member.office)[1]
    MembershipFactory(activity=collective, member=member)
    page = client.get(f"/clients/new/?activity={collective.pk}").content.decode()
    assert 'name="activity"' in page and collective.name in page
    client.post("/clients/new/", form(activity=collective.pk, name="Shared client"))
    assert Client.objects.get(name="Shared client").activity == collective


def test_changing_the_identifiers_moves_a_derived_peppol_id_but_not_a_typed_one(client, gardener):
    member, activity = gardener
    derived = ClientFactory(activity=activity, belgian=True)
    typed = ClientFactory(activity=activity, belgian=True, peppol_scheme="9925")
    typed.peppol_id = "BE" + typed.company_number
    typed.save()
    for c in (derived, typed):
        data = form(
            **{
                k: getattr(c, k) or ""
                for k in services.CLIENT_FIELDS
                if k not in ("company_number", "vat_number")
            },
            company_number="0403.019.261",
            vat_number="",
        )
        response = client.post(f"/clients/{c.pk}/edit/", data)
        assert response.status_code == 302, response.context["form"].errors
        c.refresh_from_db()
    assert (derived.peppol_scheme, derived.peppol_id) == ("0208", "0403019261")
    assert typed.peppol_scheme == "9925" and typed.peppol_id.startswith("BE")
    event = AuditEvent.objects.filter(action="client.updated", object_id=str(derived.pk)).get()
    assert event.changes["company_number"][1] == "0403019261"


def test_an_archived_client_leaves_the_list_and_comes_back(client, gardener):
    member, activity = gardener
    customer = ClientFactory(activity=activity, name="Old Customer")
    assert "Old Customer" in client.get("/clients/").content.decode()
    assert client.post(f"/clients/{customer.pk}/archive/").status_code == 302
    customer.refresh_from_db()
    assert customer.archived
    assert f"/clients/{customer.pk}/" not in client.get("/clients/").content.decode()
    assert f"/clients/{customer.pk}/" in client.get("/clients/?archived=yes").content.decode()
    assert "is archived" in client.get(f"/clients/{customer.pk}/").content.decode()
    client.post(f"/clients/{customer.pk}/unarchive/")
    customer.refresh_from_db()
    assert not customer.archived
    assert AuditEvent.objects.filter(action="client.archived").count() == 1


def test_the_list_searches_and_filters_live_with_htmx(client, gardener):
    member, activity = gardener
    ClientFactory(activity=activity, name="Boulangerie Dupont", city="Rezé")
    ClientFactory(activity=activity, name="Mairie de Nantes")
    ClientFactory(activity=activity, individual=True, name="Jeanne Martin")
    partial = client.get(
        "/clients/?q=boulangerie", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="client-rows"
    )
    body = partial.content.decode()
    assert "Boulangerie Dupont" in body and "Mairie" not in body and "<html" not in body
    page = client.get("/clients/?kind=individual").content.decode()
    assert "Jeanne Martin" in page and "Mairie de Nantes" not in page
    assert 'hx-get="/clients/"' in page
    by_city = client.get("/clients/?q=rez").content.decode()
    assert "Boulangerie Dupont" in by_city and "Mairie" not in by_city


def test_the_list_is_paginated_and_keeps_its_filters(client, gardener):
    member, activity = gardener
    for n in range(30):
        ClientFactory(activity=activity, name=f"Client {n:02d}", individual=True)
    page = client.get("/clients/?kind=individual").content.decode()
    assert "Page 1 of 2" in page and "?kind=individual&amp;page=2" in page
    assert "Client 29" in client.get("/clients/?kind=individual&page=2").content.decode()


def test_contacts_are_added_edited_and_removed_with_one_main_contact(client, gardener):
    member, activity = gardener
    customer = ClientFactory(activity=activity)
    url = f"/clients/{customer.pk}/contacts/new/"
    client.post(url, {"contact-name": "Paul Roux", "contact-role": "accountant"})
    client.post(url, {"contact-name": "Anne Petit", "contact-is_primary": "on"})
    paul, anne = customer.contacts.get(name="Paul Roux"), customer.contacts.get(name="Anne Petit")
    paul.refresh_from_db()
    assert anne.is_primary and not paul.is_primary  # the first was main until Anne took over
    response = client.post(url, {"contact-name": "", "contact-email": "not-an-email"})
    assert response.status_code == 400
    assert set(response.context["contact_form"].errors) == {"name", "email"}
    assert "not-an-email" in response.content.decode()
    edit = f"/clients/{customer.pk}/contacts/{paul.pk}/edit/"
    assert client.get(edit).status_code == 200
    client.post(edit, {"name": "Paul Roux", "role": "director", "email": "", "phone": ""})
    paul.refresh_from_db()
    assert paul.role == "director"
    client.post(f"/clients/{customer.pk}/contacts/{anne.pk}/delete/")
    paul.refresh_from_db()
    assert paul.is_primary and customer.contacts.count() == 1
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"client.contact_added", "client.contact_updated", "client.contact_removed"} <= actions


def test_relationship_log_entries_appear_in_the_timeline_newest_first(client, gardener):
    member, activity = gardener
    customer = ClientFactory(activity=activity)
    today = timezone.localdate()
    RelationshipEntryFactory(
        client=customer, title="First visit", date=today - datetime.timedelta(days=30)
    )
    url = f"/clients/{customer.pk}/relationship/"
    for kind, title, days_ago, due in (
        ("our_commitment", "Send the pruning quote", 3, today + datetime.timedelta(days=4)),
        ("their_commitment", "Give us the gate code", 2, today - datetime.timedelta(days=1)),
        ("reflection", "Pleasant, pays on time", 1, None),
    ):
        response = client.post(
            url,
            {
                "entry-kind": kind,
                "entry-title": title,
                "entry-date": (today - datetime.timedelta(days=days_ago)).isoformat(),
                "entry-due_on": due.isoformat() if due else "",
                "entry-body": "",
            },
        )
        assert response.status_code == 302
    items = selectors.timeline(member.user, customer)
    assert [i["title"] for i in items] == [
        "Pleasant, pays on time",
        "Give us the gate code",
        "Send the pruning quote",
        "First visit",
    ]
    assert {"date", "kind", "title", "body", "url"} <= set(items[0])
    assert items[0]["url"].startswith(f"/clients/{customer.pk}/#entry-")
    page = client.get(f"/clients/{customer.pk}/").content.decode()
    assert page.index("Pleasant, pays on time") < page.index("First visit")
    # the open commitments are highlighted at the top, the late one marked overdue
    commitments = page[page.index('id="commitments"') : page.index('id="relationship"')]
    assert "Send the pruning quote" in commitments and "Give us the gate code" in commitments
    assert "overdue" in commitments
    assert "Pleasant" not in commitments


def test_adding_to_the_log_with_htmx_swaps_the_log_and_the_commitments(client, gardener):
    member, activity = gardener
    customer = ClientFactory(activity=activity)
    url = f"/clients/{customer.pk}/relationship/"
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "relationship"}
    response = client.post(
        url,
        {"entry-kind": "our_commitment", "entry-title": "Call back", "entry-date": "2026-03-01"},
        **headers,
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert 'id="relationship"' in body and 'hx-swap-oob="true"' in body and "Call back" in body
    # invalid: the partial comes back with the error and what was typed
    response = client.post(
        url, {"entry-kind": "meeting", "entry-title": "", "entry-body": "Notes kept"}, **headers
    )
    body = response.content.decode()
    assert "This field is required" in body and "Notes kept" in body
    assert customer.relationship_entries.count() == 1


def test_a_commitment_is_marked_kept_and_reopened(client, gardener):
    member, activity = gardener
    customer = ClientFactory(activity=activity)
    promise = CommitmentFactory(client=customer, title="Send the invoice")
    url = f"/clients/{customer.pk}/relationship/{promise.pk}/done/"
    response = client.post(url, {"done": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Commitment marked as kept" in response.content.decode()
    promise.refresh_from_db()
    assert promise.done and promise.done_at
    assert selectors.open_commitments(member.user, customer) == []
    client.post(url, {"done": "0"})
    promise.refresh_from_db()
    assert not promise.done
    meeting = RelationshipEntryFactory(client=customer)
    client.post(f"/clients/{customer.pk}/relationship/{meeting.pk}/done/", {"done": "1"})
    meeting.refresh_from_db()
    assert not meeting.done
    assert AuditEvent.objects.filter(action="client.commitment_done").count() == 1


def test_a_due_date_only_stays_on_commitments(gardener):
    member, activity = gardener
    customer = ClientFactory(activity=activity)
    entry = services.add_relationship_entry(
        actor=member.user,
        client=customer,
        kind=EntryKind.MEETING,
        title="Coffee",
        due_on=timezone.localdate(),
    )
    assert entry.due_on is None


def test_contacts_and_detail_show_on_the_client_page(client, gardener):
    member, activity = gardener
    customer = ClientFactory(activity=activity, belgian=True, company_number="0403019261")
    ContactFactory(client=customer, name="Lotte Peeters", is_primary=True)
    page = client.get(f"/clients/{customer.pk}/").content.decode()
    assert "Lotte Peeters" in page and "main contact" in page
    assert "0403.019.261" in page and "Belgium" in page


def test_nobody_adds_clients_to_a_closed_activity(gardener):
    member, activity = gardener
    activity.status = "closed"
    activity.save()
    with pytest.raises(Exception) as raised:
        services.create_client(actor=member.user, activity=activity, name="Late")
    assert "closed" in str(raised.value)


def test_payment_terms_are_capped(gardener):
    member, activity = gardener
    with pytest.raises(Exception) as raised:
        services.create_client(
            actor=member.user, activity=activity, name="Slow payer", payment_terms_days=365
        )
    assert "payment_terms_days" in raised.value.message_dict


def test_an_office_member_without_activity_cannot_add_clients(client):
    office = OfficeFactory()
    from compagnon.core.tests.factories import MemberFactory

    client.force_login(MemberFactory(office=office).user)
    assert client.get("/clients/new/").status_code == 403
    assert "No client yet" in client.get("/clients/").content.decode()
