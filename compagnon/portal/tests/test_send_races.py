"""Two taps on "Issue and send" at the same moment (two phones, a double tap on a slow network):
one number, one email. Row locks are a PostgreSQL behaviour; SQLite serialises writers."""

import pytest
from django.core import mail
from django.db import connection

from compagnon.core.tests.factories import OfficeFactory, member_with_activity
from compagnon.core.tests.threads import together
from compagnon.einvoice.tests.scenarios import _line, business_client
from compagnon.portal import delivery
from compagnon.sales import services as sales
from compagnon.sales.models import Document, DocumentEmail, Kind, State

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are a PostgreSQL behaviour"),
]


def test_two_taps_at_once_issue_and_send_once():
    member, activity = member_with_activity(office=OfficeFactory())
    invoice = sales.create_document(actor=member.user, activity=activity, client=business_client(activity, "FR"),
                                    kind=Kind.INVOICE, lines=[_line("Work", "1", "100", unit="LS")])
    key = delivery.new_key()  # the page's hidden field, or the API's Idempotency-Key header

    def tap():
        document = Document.objects.get(pk=invoice.pk)
        return delivery.deliver(actor=member.user, document=document, to="compta@client.example",
                                base_url="http://testserver", key=key)

    results, errors = together([tap, tap])
    assert not errors, errors
    assert sorted(r.repeat for r in results) == [False, True]
    invoice.refresh_from_db()
    assert invoice.state == State.ISSUED and invoice.number
    assert DocumentEmail.objects.filter(document=invoice).count() == 1
    assert Document.objects.filter(entity=invoice.entity, kind=Kind.INVOICE, state=State.ISSUED).count() == 1
    assert len(mail.outbox) == 1  # the email task, enqueued after the one commit that sent
