import re
from decimal import Decimal as D

import pytest

from compagnon.clients.models import Client
from compagnon.core.tests.factories import member_with_activity
from compagnon.sales import services as sales
from compagnon.sales.models import Kind

LINES = [
    {"kind": "section", "description": "Garden maintenance"},
    {"description": "Hedge trimming", "quantity": D("3.5"), "unit": "HUR", "unit_price": D("40"),
     "vat_category": "S", "vat_rate": D("20")},
    {"description": "Green waste removal", "quantity": D("1"), "unit": "LS", "unit_price": D("35.50"),
     "vat_category": "S", "vat_rate": D("10")},
]

def make_client(activity, **kw):
    data = {"name": "Copropriété Les Tilleuls", "street": "4 rue des Lilas", "postcode": "44000", "city": "Nantes",
            "email": "syndic@example.org", "language": "en"}  # assertions read the English portal
    data.update(kw)
    return Client.objects.create(activity=activity, **data)


@pytest.fixture
def gardener():
    """A member holding an activity, and one of its clients (who reads French)."""
    member, activity = member_with_activity()
    return member, activity, make_client(activity)


def draft(member, activity, client, kind=Kind.QUOTE, lines=LINES, **kw):
    return sales.create_document(actor=member.user, activity=activity, client=client, kind=kind, lines=lines, **kw)


def portal_path(text: str) -> str:
    match = re.search(r"https?://[^/\s]+(/p/[^/\s\"<]+/)", text)
    assert match, text
    return match.group(1)


def code_from(message) -> str:
    match = re.search(r"^\s+(\d{6})\s*$", message.body, re.MULTILINE)
    assert match, message.body
    return match.group(1)


def download(response) -> bytes:
    """The body of a (possibly streaming) response.

    Consuming ``streaming_content`` closes the response (the test client wraps it so). Never call
    ``response.close()`` again: that sends ``request_finished`` outside the client, which closes
    the database connection in the middle of the test's transaction on PostgreSQL.
    """
    return b"".join(response.streaming_content) if response.streaming else response.content
