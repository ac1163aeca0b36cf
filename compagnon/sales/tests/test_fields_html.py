"""The editor's header fields written by Python (``sales.fields``) are the HTML Django's templates
write (``_field.html`` and the widget templates), byte for byte, in every state a member meets."""

import datetime
from decimal import Decimal as D

import pytest
from django.forms.renderers import DjangoTemplates
from django.template.loader import get_template
from django.utils import translation

from compagnon.core.tests.factories import member_with_activity
from compagnon.sales.fields import PythonWidgets, field_html
from compagnon.sales.forms import DocumentForm
from compagnon.sales.models import Kind

from .factories import ClientFactory, draft

pytestmark = pytest.mark.django_db

TRICKY = 'Haie & <taille> "Les Tilleuls" l\'été'


def _pairs(document, data=None):
    """The same form twice: written by Python, and by Django's templates."""
    args = (data,) if data is not None else ()
    fast = DocumentForm(*args, document=document)
    slow = DocumentForm(*args, document=document, renderer=DjangoTemplates())
    if data is not None:
        fast.is_valid()
        slow.is_valid()
    return fast, slow


def _assert_same(fast, slow):
    template = get_template("_field.html")
    assert isinstance(fast.renderer, PythonWidgets) and not isinstance(slow.renderer, PythonWidgets)
    for name in fast.fields:
        expected = template.render({"field": slow[name]})
        assert field_html(fast[name]) == expected, name
        assert str(fast[name]) == str(slow[name]), name


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
@pytest.mark.parametrize("kind", [Kind.QUOTE, Kind.INVOICE])
def test_the_header_fields_are_the_templates_html(language, kind):
    member, activity = member_with_activity()
    document = draft(
        member,
        activity,
        ClientFactory(activity=activity),
        kind=kind,
        title=TRICKY,
        intro="Ligne 1\nLigne <2>",
        terms="",
        discount_percent=D("12.5"),
        charge_amount=D("30"),
        charge_reason="Déplacement",
        exemption_code="",
    )
    if kind == Kind.QUOTE:
        document.valid_until = datetime.date(2027, 1, 31)
    with translation.override(language):
        _assert_same(*_pairs(document))
        # what the member typed, wrong: errors under the fields, values kept as typed
        data = {
            "title": TRICKY,
            "language": "xx",
            "valid_until": "31/02/2027",
            "intro": "<b>hi</b>",
            "discount_percent": "120",
            "discount_amount": "abc",
            "charge_amount": "10,5",
            "charge_reason": "",
            "exemption_code": "nope",
            "buyer_reference": "x" * 101,
        }
        fast, slow = _pairs(document, data)
        assert fast.errors and fast.errors == slow.errors
        _assert_same(fast, slow)
        # and right
        data.update(
            language="nl",
            valid_until="2027-02-28",
            discount_percent="5",
            discount_amount="",
            charge_reason="Transport",
            buyer_reference="PO-1",
            exemption_code="",
        )
        fast, slow = _pairs(document, data)
        _assert_same(fast, slow)


def test_the_exemption_list_keeps_its_groups():
    member, activity = member_with_activity()
    document = draft(member, activity, ClientFactory(activity=activity), kind=Kind.INVOICE)
    fast, slow = _pairs(document)
    html = str(fast["exemption_code"])
    assert "<optgroup" in html and html == str(slow["exemption_code"])


def test_the_editor_writes_its_header_through_python(client):
    member, activity = member_with_activity()
    document = draft(member, activity, ClientFactory(activity=activity), title=TRICKY)
    client.force_login(member.user)
    page = client.get(f"/documents/{document.pk}/")
    used = {t.name for t in page.templates}
    assert "_field.html" not in used and "django/forms/widgets/attrs.html" not in used
    html = page.content.decode()
    assert 'value="Haie &amp; &lt;taille&gt; &quot;Les Tilleuls&quot; l&#x27;été"' in html


def test_the_editors_model_rows_are_rendered_once_per_language_and_lists(client):
    import re

    member, activity = member_with_activity()
    document = draft(member, activity, ClientFactory(activity=activity))
    client.force_login(member.user)
    first = client.get(f"/documents/{document.pk}/")
    second = client.get(f"/documents/{document.pk}/")
    models = re.compile(r'<template id="tpl-line-(\w+)">(.*?)</template>', re.S)
    rows = models.findall(second.content.decode())
    assert [kind for kind, _html in rows] == ["item", "section", "text"]
    assert rows == models.findall(first.content.decode())
    # the second visit renders the document's lines only, not the three model rows again
    lines = [t.name for t in second.templates].count("sales/_line.html")
    assert lines == document.lines.count() > 0
    item = dict(rows)["item"]
    assert 'name="line_key" value="__KEY__"' in item and 'id="l-__KEY__-unit"' in item
    assert (
        '<option value="S:20.00" selected>' in item
    )  # the entity's standard rate, as a new line has
