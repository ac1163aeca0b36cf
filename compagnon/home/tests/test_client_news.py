"""Members hear what their clients do — opening, accepting, refusing a quote, paying an invoice —
in the app (the bell and the home page) and by email, each with a direct link to the document."""

import pytest
from django.core import mail

from compagnon.core.tests.factories import MembershipFactory, member_with_activity
from compagnon.home.client_news import tell
from compagnon.notifications.models import Notification
from compagnon.payments.matching import match_transactions
from compagnon.payments.tests.helpers import World, ogm
from compagnon.portal import services as portal
from compagnon.portal.tests.helpers import code_from, draft, make_client, portal_path
from compagnon.sales.models import State

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_quote(django_capture_on_commit_callbacks):
    member, activity = member_with_activity()
    quote = draft(member, activity, make_client(activity, name="Claire Dubois"))
    with django_capture_on_commit_callbacks(execute=True):
        portal.send_document(actor=member.user, document=quote, to=["syndic@example.org"], subject="Devis",
                             message="Bonjour", base_url="http://testserver")
    quote.refresh_from_db()
    mail.outbox.clear()
    return member, quote, portal_path(portal.portal_url(portal.current_access(quote), "http://testserver"))


def news_of(user):
    return list(Notification.objects.filter(user=user).values_list("title", "url"))


def test_the_first_time_the_client_opens_the_quote_the_member_hears_of_it(client, sent_quote, django_capture_on_commit_callbacks):
    member, quote, path = sent_quote
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(path).status_code == 200
    assert news_of(member.user) == [(f"Claire Dubois opened the quote {quote.number}", f"/documents/{quote.pk}/")]
    (email,) = mail.outbox
    assert email.to == [member.user.email] and email.subject == f"Claire Dubois opened the quote {quote.number}"
    assert f"http://127.0.0.1:8000/documents/{quote.pk}/" in email.body or f"/documents/{quote.pk}/" in email.body
    # opening it again tells nobody anything new
    with django_capture_on_commit_callbacks(execute=True):
        client.get(path)
    assert len(news_of(member.user)) == 1 and len(mail.outbox) == 1
    # and the member finds it on their home page, linking to the document
    client.force_login(member.user)
    home = client.get("/home/").content.decode()
    assert f"Claire Dubois opened the quote {quote.number}" in home
    notification = Notification.objects.get(user=member.user)
    assert f'action="/notifications/{notification.pk}/open/"' in home
    assert client.post(f"/notifications/{notification.pk}/open/")["Location"] == f"/documents/{quote.pk}/"


def test_acceptance_and_refusal_are_notified_in_the_app_and_the_email_links_back(
        client, sent_quote, django_capture_on_commit_callbacks):
    member, quote, path = sent_quote
    with django_capture_on_commit_callbacks(execute=True):
        client.post(path + "accept/", {"signer_name": "Claire Dubois", "email": "syndic@example.org",
                                       "accepted": "on"})
    request_id = quote.signature_requests.get().pk
    code = code_from(mail.outbox[-1])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{path}accept/{request_id}/", {"code": code})
    quote.refresh_from_db()
    assert quote.state == State.ACCEPTED
    assert (f"Claire Dubois accepted {quote.number}", f"/documents/{quote.pk}/") in news_of(member.user)
    notification = Notification.objects.get(user=member.user, key=f"client:accepted:{quote.pk}")
    assert notification.body == "Next step: invoice it, as a deposit or in full."
    member_mail = [m for m in mail.outbox if m.to == [member.user.email]]
    assert member_mail and all(f"/documents/{quote.pk}/" in m.body for m in member_mail)


def test_a_refusal_is_notified_and_its_email_links_to_the_quote(client, sent_quote, django_capture_on_commit_callbacks):
    member, quote, path = sent_quote
    with django_capture_on_commit_callbacks(execute=True):
        client.post(path + "refuse/", {"reason": "Trop cher"})
    assert (f"Claire Dubois refused {quote.number}", f"/documents/{quote.pk}/") in news_of(member.user)
    (email,) = [m for m in mail.outbox if m.to == [member.user.email]]
    assert "Trop cher" in email.body and f"/documents/{quote.pk}/" in email.body


def test_a_payment_is_notified_to_the_holders_and_only_to_them(django_capture_on_commit_callbacks):
    w = World("BE")
    colleague = MembershipFactory(activity=w.activity, role="holder").member
    outsider, _ = member_with_activity()
    inv = w.invoice("100")  # 121.00 incl. VAT
    part = w.receive("21.00", remittance=f"Acompte {ogm(inv)}")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        match_transactions([part], actor=w.accountant)
    client_name = w.client.name
    for person in (w.member, colleague):
        assert news_of(person.user) == [(f"{client_name} paid part of {inv.number}: 21.00\xa0€ so far",
                                         f"/documents/{inv.pk}/")]
    assert news_of(outsider.user) == []
    assert sorted(m.to[0] for m in mail.outbox) == sorted([w.member.user.email, colleague.user.email])
    assert all(f"/documents/{inv.pk}/" in m.body for m in mail.outbox)

    rest = w.receive("100.00", remittance=f"Solde {ogm(inv)}")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        match_transactions([rest], actor=w.accountant)
    assert (f"{client_name} paid {inv.number} in full", f"/documents/{inv.pk}/") in news_of(w.member.user)
    assert len(mail.outbox) == 2
    # told once: running it again writes and sends nothing more
    assert tell("paid", [inv.pk]) == 0 and len(mail.outbox) == 2


def test_members_read_the_news_in_their_language(sent_quote, client, django_capture_on_commit_callbacks):
    member, quote, path = sent_quote
    member.user.language = "fr"
    member.user.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        client.get(path)
    assert news_of(member.user)[0][0] == f"Claire Dubois a ouvert le devis {quote.number}"
    assert mail.outbox[0].subject == f"Claire Dubois a ouvert le devis {quote.number}"
