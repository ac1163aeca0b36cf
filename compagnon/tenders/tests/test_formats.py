"""Reading BOAMP and TED files built to their public documentation."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from compagnon.tenders import formats, zones

from .helpers import data


def test_a_boamp_export_gives_each_record_or_names_the_bad_one():
    out = formats.read("boamp", data("boamp_export.json"))
    first, second, third = out
    assert isinstance(first, formats.Parsed) and first.source_id == "26-123456"
    assert first.title == "Entretien des espaces verts de la commune de Rezé"
    assert first.buyer == "Commune de Rezé" and first.department == "44"
    assert first.cpv_codes == ["77310000"] and first.estimated_value == Decimal("48000.00")
    assert first.published_on == datetime.date(2026, 11, 20)
    assert first.deadline.isoformat().startswith("2027-01-15T12:00:00+01:00") or first.deadline.year == 2027
    assert first.link.endswith("26-123456")
    assert isinstance(second, formats.Parsed) and second.cpv_codes == ["50312000"]
    assert isinstance(third, formats.Problem)
    assert (third.number, third.reference, third.field) == (3, "26-123458", "dateparution")


def test_one_boamp_record_and_an_api_answer_are_read_too():
    one = b'{"idweb": "26-1", "objet": "Formation", "code_departement": ["5"]}'
    (p,) = formats.read("boamp", one)
    assert p.source_id == "26-1" and p.department == "05"
    v1 = b'{"records": [{"fields": {"idweb": "26-2", "objet": "X"}}]}'
    assert formats.read("boamp", v1)[0].source_id == "26-2"
    (missing,) = formats.read("boamp", b'[{"objet": "No reference"}]')
    assert missing.field == "idweb"


def test_a_ted_file_with_several_notices_names_the_one_without_title():
    good, bad = formats.read("ted", data("ted_notices.xml"))
    assert good.source_id == "00712345-2026" and good.buyer == "Département de Loire-Atlantique"
    assert good.cpv_codes == ["77211400", "77310000"]
    assert (good.nuts, good.department, good.postcode) == ("FRG01", "44", "44000")
    assert good.estimated_value == Decimal("120000.50")
    assert good.deadline.year == 2027 and good.published_on == datetime.date(2026, 11, 25)
    assert "ted.europa.eu" in good.link
    assert isinstance(bad, formats.Problem) and bad.number == 2 and "Name" in bad.field


@pytest.mark.parametrize("source,body", [
    ("boamp", b"not json"), ("ted", b"<html><body>hi</body></html>"), ("ted", b"<a><b></a>"), ("boamp", b"  "),
    ("ted", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'),
])
def test_a_file_that_is_not_a_notice_file_is_refused_in_words(source, body):
    with pytest.raises(formats.FileError):
        formats.read(source, body)


def test_zones_of_departments_and_nuts():
    assert zones.DEPARTMENT_NUTS3["44"] == "FRG01" and zones.DEPARTMENT_NUTS3["85"] == "FRG05"
    assert zones.DEPARTMENT_NUTS3["75"] == "FR101" and zones.DEPARTMENT_NUTS3["2B"] == "FRM02"
    assert len(zones.DEPARTMENT_NUTS3) == 101
    nantes = zones.codes_for_place("44300", "FR")
    assert zones.fits({"D44"}, nantes) and zones.fits({"FRG"}, nantes) and zones.fits(set(), nantes)
    assert not zones.fits({"D75"}, nantes) and not zones.fits({"FRG02"}, nantes)
    ghent = zones.codes_for_place("9000", "BE")
    assert zones.fits({"BE234"}, ghent) and not zones.fits({"BE10"}, ghent)


def test_a_link_that_is_not_a_web_address_is_not_kept():
    (p,) = formats.read("boamp", b'{"idweb": "26-9", "objet": "X", "url_avis": "javascript:alert(1)"}')
    assert p.link == "https://www.boamp.fr/pages/avis/?q=idweb:26-9"
