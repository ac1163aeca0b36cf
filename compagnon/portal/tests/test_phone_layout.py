"""On a phone the client reads every amount (the document's lines become cards below 600 px) and
the words of the document come with a tap-to-explain hint; the PDF itself does not change."""

import io
import re
from html import unescape

import pytest
from django.core import mail
from pypdf import PdfReader

from compagnon.portal import services
from compagnon.sales import pdf as sales_pdf

from .helpers import draft, portal_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_quote(gardener, django_capture_on_commit_callbacks):
    member, activity, customer = gardener
    quote = draft(member, activity, customer)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_document(actor=member.user, document=quote, to=["syndic@example.org"], subject="Devis",
                               message="Bonjour", base_url="http://testserver")
    quote.refresh_from_db()
    return quote, portal_path(mail.outbox[-1].body)


def test_each_amount_of_a_line_is_labelled_for_the_phone_cards(sent_quote, client):
    _quote, path = sent_quote
    page = client.get(path).content.decode()
    document = unescape(re.search(r'srcdoc="([^"]*)"', page).group(1))
    assert "@media (max-width: 600px)" in document
    rows = re.findall(r'<tr class="line">.*?</tr>', document, re.S)
    assert len(rows) == 2
    for row in rows:
        for label in ("Qty", "Unit price", "VAT", "Amount excl. VAT"):
            assert f'data-label="{label}"' in row


def test_the_portal_explains_the_words_of_the_document(sent_quote, client):
    _quote, path = sent_quote
    page = client.get(path).content.decode()
    words = page[page.index('id="words"'):]
    assert "Quote" in words and 'aria-controls="term-quote-' in words
    assert "Excluding / including VAT" in words and "A priced offer sent to the client before the work" in words
    assert "glossary/glossary.css" in page
    assert 'aria-controls="term-electronic_signature-' in page  # next to “Accept and sign”


def test_the_screen_rules_leave_the_pdf_as_it_was(sent_quote, monkeypatch):
    """The phone layout lives in an @media screen block and a span hidden in print: removing both
    gives the same PDF pages, operator for operator."""
    quote, _path = sent_quote
    assert quote.frozen  # what the client received
    with_rules = sales_pdf.render_pdf(quote.frozen)
    real = sales_pdf.render_html

    def without_screen_rules(snapshot, **kw):
        html = real(snapshot, **kw)
        start = html.index("  .screen-unit { display: none; }")
        end = html.index("  } }\n</style>") + len("  } }\n")
        html = html[:start] + html[end:]
        return re.sub(r'<span class="screen-unit">[^<]*</span>', "", html)

    monkeypatch.setattr(sales_pdf, "render_html", without_screen_rules)
    without = sales_pdf.render_pdf(quote.frozen)
    pages, reference = PdfReader(io.BytesIO(with_rules)).pages, PdfReader(io.BytesIO(without)).pages
    assert len(pages) == len(reference)
    for page, expected in zip(pages, reference, strict=True):
        assert page.get_contents().get_data() == expected.get_contents().get_data()

