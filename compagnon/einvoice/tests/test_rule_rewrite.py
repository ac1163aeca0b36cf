"""The rule sets run faster than published (code lists parsed once, each pattern visiting only the
nodes its rules can match: ``validation._speed_up``) and must say exactly what the published files
say. Every rule set runs both ways on the official examples, on broken copies of them (so that
many rules fire) and on documents we issue; the fired rules must be identical, location and text
included."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from django.conf import settings
from lxml import etree
from saxonche import PySaxonApiError

from compagnon.einvoice import cii, ubl, validation
from compagnon.einvoice.tests import scenarios

EXAMPLES = Path(settings.EINVOICE_RULES_DIR).parent / "examples"
CII_RULES = ["EN16931-CII", "FACTUR-X_EN16931", "BR-FR-CII"]
UBL_RULES = ["CEN-EN16931-UBL", "PEPPOL-EN16931-UBL", "BR-FR-UBL"]


def broken_copies(xml: bytes) -> list[bytes]:
    """Copies that break many rules: every amount changed, every identifier scheme removed, every
    second element emptied."""
    root = etree.fromstring(xml)
    out = []
    amounts = copy.deepcopy(root)
    for el in amounts.iter():
        if isinstance(el.tag, str) and (el.text or "").strip().replace(".", "", 1).isdigit():
            el.text = el.text.strip() + "1"
    out.append(amounts)
    schemes = copy.deepcopy(root)
    for el in schemes.iter():
        for attribute in ("schemeID", "listID", "unitCode", "currencyID"):
            el.attrib.pop(attribute, None)
    out.append(schemes)
    emptied = copy.deepcopy(root)
    for i, el in enumerate(list(emptied.iter())):
        if i % 2 and isinstance(el.tag, str) and len(el) == 0:
            el.text = ""
    out.append(emptied)
    return [etree.tostring(tree) for tree in out]


def same_rules(xml: bytes, rule_sets: list[str]) -> int:
    def fired(rule_set, as_published):
        try:
            report = validation.validate(xml, [rule_set], as_published=as_published)
        except PySaxonApiError:  # a rule that cannot evaluate (e.g. "" as a decimal)
            return "stopped"
        return sorted((f.rule_set, f.flag, f.id, f.location, f.text, f.test) for f in report.fired)

    count = 0
    for rule_set in rule_sets:
        published = fired(rule_set, True)
        assert fired(rule_set, False) == published, rule_set
        count += len(published) if published != "stopped" else 0
    return count


@pytest.mark.parametrize("syntax", ["cii", "ubl"])
def test_the_faster_rules_fire_exactly_as_published_on_the_official_examples(syntax):
    folders = ["en16931-cii", "facturx"] if syntax == "cii" else ["en16931-ubl", "peppol"]
    examples = sorted(p for folder in folders for p in (EXAMPLES / folder).glob("*.xml"))
    assert len(examples) >= 10
    rule_sets = CII_RULES if syntax == "cii" else UBL_RULES
    fired = 0
    for example in examples:
        xml = example.read_bytes()
        for document in [xml, *broken_copies(xml)]:
            fired += same_rules(document, rule_sets)
    assert fired > 1000  # the broken copies make every rule set fire: the comparison means something


@pytest.mark.django_db
def test_the_faster_rules_fire_exactly_as_published_on_our_documents():
    issued = [scenarios.fr_b2b_several_rates(), scenarios.be_b2b_two_rates(), scenarios.be_b2c(),
              *scenarios.credit_note("FR"), *scenarios.deposit_and_final("BE")]
    for document in issued:
        for xml in (cii.build(document.frozen), ubl.build(document.frozen)):
            rule_sets = CII_RULES if validation.syntax_of(xml) == "cii" else UBL_RULES
            for variant in [xml, *broken_copies(xml)]:
                same_rules(variant, rule_sets)


def test_each_pattern_visits_only_what_its_rules_match():
    published = validation.rule_set_path("FACTUR-X_EN16931").read_text(encoding="utf-8")
    faster = validation._speed_up(published)
    # As published: 66 walks of the whole document per pattern and 66 that output nothing.
    assert published.count('select="/"') == 66 and published.count("<xsl:apply-templates />") == 66
    assert "<xsl:apply-templates/>" not in faster
    # the trace of matched contexts is not written: 373 kinds of svrl:fired-rule, one per node
    assert published.count("<svrl:fired-rule") == 373 and "fired-rule" not in faster
    # 65 patterns select what their rules match; the one with 308 rules keeps one walk, over
    # elements only (none of its rules matches an attribute)
    assert faster.count('select="/"') == 1
    assert published.count('mode="M70" select="@*|*"') > 0 and 'mode="M70" select="@*|*"' not in faster


@pytest.mark.parametrize("pattern, expression", [
    ("//ram:SellerTradeParty", "//ram:SellerTradeParty"),
    ("rsm:CrossIndustryInvoice/rsm:ExchangedDocument", "//rsm:CrossIndustryInvoice/rsm:ExchangedDocument"),
    ("ubl:Invoice | cn:CreditNote", "//ubl:Invoice | //cn:CreditNote"),
    ("cac:Party[$supplierCountry = 'NO']", "//cac:Party[$supplierCountry = 'NO']"),
    ("//a[b/c = 'x|y']//d[@e]", "//a[b/c = 'x|y']//d[@e]"),
    # left walking the document: attributes, functions, axes, current()
    ("cbc:ID/@schemeID", None),
    ("@*|node()", None),
    ("key('k', 'v')", None),
    ("ancestor::x", None),
    ("//a[. = current()/b]", None),
    ("//a[", None),
])
def test_which_patterns_can_become_expressions(pattern, expression):
    assert validation._pattern_as_expression(pattern) == expression


@pytest.mark.parametrize("pattern, attribute", [
    ("//ram:ID[@schemeID='VA']", False),
    ("cac:Party/cbc:EndpointID[@schemeID = '0088'] | cbc:CompanyID", False),
    ("cbc:ID/@schemeID", True),
    ("ram:X | @currencyID", True),
    ("(/a | /b)[$x]", True),  # unsure: treated as possibly an attribute
    ("ancestor-or-self::x", True),
])
def test_which_walks_may_skip_attributes(pattern, attribute):
    assert validation._can_match_attribute(pattern) is attribute
