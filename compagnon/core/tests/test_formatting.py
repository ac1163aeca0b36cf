"""Numbers, percentages, money and names as each language's reader expects them."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from compagnon.clients import selectors as client_selectors
from compagnon.clients.tests.factories import ClientFactory
from compagnon.core.formatting import money, percent, sort_key
from compagnon.core.tests.factories import member_with_activity

NBSP = "\u00a0"


@pytest.mark.parametrize("language, rate, shown", [
    ("fr", Decimal("10.00"), f"10{NBSP}%"),
    ("fr", Decimal("5.5"), f"5,5{NBSP}%"),
    ("fr", Decimal("0"), f"0{NBSP}%"),
    ("nl", Decimal("21.00"), "21%"),
    ("en", Decimal("5.50"), "5.5%"),
])
def test_a_percentage_has_no_useless_zeros_and_the_french_space(language, rate, shown):
    with translation.override(language):
        assert percent(rate) == shown


def test_money_is_rounded_to_cents_with_the_locale_separators():
    with translation.override("fr"):
        assert money(Decimal("64.8000000000000")) == f"64,80{NBSP}€"
        assert money(Decimal("1234.5")) == f"1{NBSP}234,50{NBSP}€"
    with translation.override("nl"):
        assert money("1234.5") == f"1.234,50{NBSP}€"


def test_the_template_filters_format_through_the_active_language():
    template = Template("{% load formatting %}{{ rate|percent }} · {{ total|money }}")
    with translation.override("fr"):
        assert template.render(Context({"rate": Decimal("20.00"), "total": Decimal("9")})) == (
            f"20{NBSP}% · 9,00{NBSP}€")


def test_names_sort_as_in_a_dictionary():
    names = ["Zoé", "Éléonore", "eric", "Alain", "Émile", "Eléonore"]
    assert sorted(names, key=sort_key) == ["Alain", "Eléonore", "Éléonore", "Émile", "eric", "Zoé"]


@pytest.mark.django_db
def test_the_client_list_puts_accented_names_with_their_letter():
    member, activity = member_with_activity()
    for name in ["Zoé Martin", "Éléonore Petit", "Anne Roux", "eric Blanc"]:
        ClientFactory(activity=activity, name=name)
    names = [c.name for c in client_selectors.client_list(member.user, activity_id=activity.pk)]
    assert names == ["Anne Roux", "Éléonore Petit", "eric Blanc", "Zoé Martin"]


def test_text_list_joins_as_each_language_writes_a_list():
    from django.utils import translation

    from compagnon.core.formatting import text_list

    for language, expected_or, expected_and in (("fr", "a, b ou c", "a et b"), ("nl", "a, b of c", "a en b"),
                                                ("en", "a, b, or c", "a and b")):
        with translation.override(language):
            assert text_list(["a", "b", "c"], "or") == expected_or
            assert text_list(["a", "b"]) == expected_and
            assert text_list(["a"]) == "a"
