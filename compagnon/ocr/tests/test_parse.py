"""The text of receipts and invoices, as OCR or a PDF gives it, read in French, Dutch and English."""

import datetime
from decimal import Decimal as D

import pytest

from compagnon.ocr.parse import amounts, dates_in, parse_amount, parse_text

TODAY = datetime.date(2026, 12, 6)


def read(text):
    return parse_text(text, today=TODAY)


FRENCH_TICKET = """BOULANGERIE DU MARCHÉ
12 rue des Écoles, 69001 Lyon
SIRET 552 100 554 00013
TVA FR96552100554
Facture n° F-2026-0412
Date : 14/11/2026  10:42
2 Pain de campagne       7,00 €
1 Café crème             3,20 €
TOTAL HT                10,42 €
TVA 20,00 %              2,08 €
TOTAL TTC               12,50 €
CB                      12,50 €
Merci de votre visite !"""


def test_a_french_ticket_gives_total_vat_date_supplier_and_identifiers():
    r = read(FRENCH_TICKET)
    assert r.total_incl_vat == D("12.50")
    assert r.total_excl_vat == D("10.42")
    assert r.vat_lines == [(D("20.00"), None, D("2.08"))]
    assert r.issue_date == datetime.date(2026, 11, 14)
    assert r.supplier_name == "BOULANGERIE DU MARCHÉ"
    assert r.supplier_ids == {"siret": "55210055400013", "siren": "552100554", "vat": "FR96552100554"}
    assert r.invoice_number == "F-2026-0412"


def test_what_ocr_does_to_a_ticket_is_tolerated():
    # spaces eaten, accents and the euro sign lost, the amount of a line on the next one
    text = """BOULANGERIE DU MARCHE
12 rue des Ecoles, 69001 Lyon
TVAFR96552100554
Date:14/11/2026
TOTALHT 10,42
TVA20,00% 2,08
TOTALTTC
12,50
CB 12,50"""
    r = read(text)
    assert (r.total_incl_vat, r.total_excl_vat) == (D("12.50"), D("10.42"))
    assert r.vat_lines == [(D("20.00"), None, D("2.08"))]
    assert r.supplier_ids["vat"] == "FR96552100554"
    assert r.issue_date == datetime.date(2026, 11, 14)


def test_a_french_invoice_with_a_vat_table_and_a_due_date():
    text = """Atelier Martin SARL
Facture N° 2026-118
Date de facture : 02/10/2026
Échéance : 01/11/2026
Taux    Base HT    TVA
TVA 20 %   100,00   20,00
TVA 10 %   50,00    5,00
Total HT   150,00 €
Total TVA  25,00 €
Net à payer  175,00 €
IBAN FR76 3000 6000 0112 3456 7890 189"""
    r = read(text)
    assert r.total_incl_vat == D("175.00")
    assert r.total_excl_vat == D("150.00")
    assert r.vat_lines == [(D("20.00"), D("100.00"), D("20.00")), (D("10.00"), D("50.00"), D("5.00"))]
    assert r.issue_date == datetime.date(2026, 10, 2)  # not the due date
    assert r.invoice_number == "2026-118"
    assert r.iban == "FR7630006000011234567890189"
    assert r.supplier_name == "Atelier Martin SARL"


def test_a_belgian_till_receipt_in_dutch():
    text = """Bakkerij De Zon BV
Kerkstraat 12
9000 Gent
BTW BE 0403.170.701
Kasticket nr 4521
Datum: 03-05-2026 12:01
2x Croissant      3,60
Koffie            2,80
BTW 6%  Maatstaf 6,04  BTW 0,36
Totaal te betalen  EUR 6,40
Bancontact  6,40
IBAN BE68 5390 0754 7034
Bedankt en tot ziens!"""
    r = read(text)
    assert r.total_incl_vat == D("6.40")
    assert r.total_excl_vat == D("6.04")
    assert r.vat_lines == [(D("6.00"), D("6.04"), D("0.36"))]
    assert r.issue_date == datetime.date(2026, 5, 3)
    assert r.supplier_name == "Bakkerij De Zon BV"
    assert r.supplier_ids == {"vat": "BE0403170701", "kbo": "0403170701"}
    assert r.invoice_number == "4521"
    assert r.iban == "BE68539007547034"


def test_a_dutch_invoice_with_words_for_the_date_and_a_due_date():
    text = """Drukkerij Peeters
Ondernemingsnummer 0403.170.701
Factuurnummer: 2026/0457
Factuurdatum: 14 november 2026
Vervaldatum: 14 december 2026
Totaal excl. btw  1.250,00
BTW 21%  262,50
Totaal incl. btw  € 1.512,50"""
    r = read(text)
    assert (r.total_incl_vat, r.total_excl_vat) == (D("1512.50"), D("1250.00"))
    assert r.vat_lines == [(D("21.00"), None, D("262.50"))]
    assert r.issue_date == datetime.date(2026, 11, 14)
    assert r.supplier_ids == {"kbo": "0403170701"}
    assert r.invoice_number == "2026/0457"


def test_an_english_invoice():
    text = """ACME Office Supplies Ltd
221B Baker Street, London
INVOICE
Invoice number: INV-88231
Invoice date: May 3, 2026
Due date: June 2, 2026
Paper A4 x5        22.50
Toner           1,087.00
Subtotal        1,109.50
VAT 20%           221.90
Total due      £1,331.40"""
    r = read(text)
    assert (r.total_incl_vat, r.total_excl_vat) == (D("1331.40"), D("1109.50"))
    assert r.vat_lines == [(D("20.00"), None, D("221.90"))]
    assert r.issue_date == datetime.date(2026, 5, 3)
    assert r.invoice_number == "INV-88231"
    assert r.supplier_name == "ACME Office Supplies Ltd"


def test_the_total_is_computed_from_what_was_read_when_it_is_missing():
    r = read("Garage Dupont\n01/12/2026\nTotal HT 80,00\nTVA 20% 16,00")
    assert r.total_incl_vat == D("96.00")


def test_item_counts_change_and_discounts_are_not_totals():
    text = """Supermarché Bio
Total articles : 3
Remise fidélité 1,50
TOTAL 23,40
Espèces 30,00
Rendu monnaie 6,60"""
    assert read(text).total_incl_vat == D("23.40")


def test_the_vat_number_line_is_not_a_vat_amount():
    r = read("Café Lumière\nN° TVA intracom. FR96552100554\nTOTAL TTC 4,40\nTVA 10% 0,40")
    assert r.vat_lines == [(D("10.00"), None, D("0.40"))]
    assert r.total_incl_vat == D("4.40")


def test_nothing_found_in_text_that_is_not_a_receipt():
    r = read("Bonjour\nceci n'est pas un ticket")
    assert r.total_incl_vat is None and r.issue_date is None and r.vat_lines == []
    assert not r.found_anything or r.supplier_name


def test_invalid_identifiers_are_left_out():
    r = read("Société X\nSIRET 552 100 554 00025\nTVA FR40552100554\nTOTAL TTC 10,00")
    assert r.supplier_ids == {}


def test_as_dict_is_ready_for_json():
    d = read(FRENCH_TICKET).as_dict()
    assert d["total_incl_vat"] == "12.50" and d["issue_date"] == "2026-11-14"
    assert d["vat_lines"] == [{"rate": "20.00", "base": None, "vat": "2.08"}]


@pytest.mark.parametrize("text,value", [
    ("12,50 €", D("12.50")), ("€12.50", D("12.50")), ("EUR 1 234,50", D("1234.50")),
    ("1\u00a0234,50\u00a0€", D("1234.50")), ("1.234,50", D("1234.50")), ("1,234.50", D("1234.50")),
    ("12'345.60 CHF", D("12345.60")), ("-3,20", D("-3.20")), ("total 0,99", D("0.99")),
    ("2 x 3,60", D("3.60")),
])
def test_amounts_in_every_usual_spelling(text, value):
    assert parse_amount(text) == value


@pytest.mark.parametrize("text", ["TVA 20,00 %", "14/11/2026", "10:42", "12 articles", "n° 1234"])
def test_rates_dates_times_and_counts_are_not_amounts(text):
    assert amounts(text) == []


@pytest.mark.parametrize("text,date", [
    ("14/11/2026", datetime.date(2026, 11, 14)), ("14-11-2026", datetime.date(2026, 11, 14)),
    ("03.05.26", datetime.date(2026, 5, 3)), ("2026-05-03", datetime.date(2026, 5, 3)),
    ("LE 1ER MARS 2026", datetime.date(2026, 3, 1)), ("14 NOV. 2026", datetime.date(2026, 11, 14)),
    ("3 MEI 2026", datetime.date(2026, 5, 3)), ("MAY 3, 2026", datetime.date(2026, 5, 3)),
    ("12/31/2026", datetime.date(2026, 12, 31)),  # month first only when day first is impossible
    ("14 DECEMBRE 2026", datetime.date(2026, 12, 14)),
])
def test_dates_in_french_dutch_and_english(text, date):
    assert dates_in(text, TODAY) == [date]


@pytest.mark.parametrize("text", ["31/02/2026", "14/11/1890", "14/11/2031", "99/99/9999"])
def test_impossible_or_implausible_dates_are_left_out(text):
    assert dates_in(text, TODAY) == []


MORE = {
"carrefour": """CARREFOUR MARKET
AV DE LA REPUBLIQUE
75011 PARIS
TEL 01 43 55 00 00
LAIT DEMI ECREME   1,15 A
PAIN MIE           2,49 A
VIN ROUGE          6,90 C
3 ARTICLES
TOTAL A PAYER      10,54
CB EMV             10,54
CODE TVA   TAUX   HT    TVA    TTC
A          5,50%  3,45  0,19   3,64
C          20,00% 5,75  1,15   6,90
LE 02/12/2026 A 18:22""",
"sncf": """SNCF VOYAGEURS
Justificatif de paiement
Date d'achat : 28 nov. 2026
Paris -> Lyon 2nde classe
Montant TTC : 64,00 EUR
dont TVA 10 % : 5,82 EUR""",
"resto_be": """Brasserie 't Hoekske
BTW BE0403.170.701
Tafel 4  - 2 pers
2 x Stoofvlees  37,00
2 x Pils   6,60
Totaal    43,60
BTW 12%  Excl 38,93  BTW 4,67
Datum 21.10.2026 20:14
Betaald Visa  43,60""",
"amazon_en": """Amazon EU S.a r.l.
Invoice
Invoice date / Date of supply 12 October 2026
Invoice # FR5000ABCDE
Total price  EUR 29.99
VAT rate 20%  Item subtotal (excl. VAT) 24.99  VAT 5.00""",
}


@pytest.mark.parametrize("name,total,excl,vat,date", [
    ("carrefour", "10.54", "9.20", [("20.00", "5.75", "1.15"), ("5.50", "3.45", "0.19")], datetime.date(2026, 12, 2)),
    ("sncf", "64.00", "58.18", [("10.00", None, "5.82")], datetime.date(2026, 11, 28)),
    ("resto_be", "43.60", "38.93", [("12.00", "38.93", "4.67")], datetime.date(2026, 10, 21)),
    ("amazon_en", "29.99", "24.99", [("20.00", "24.99", "5.00")], datetime.date(2026, 10, 12)),
])
def test_receipts_as_shops_print_them(name, total, excl, vat, date):
    """A supermarket's VAT table by code letter, a train ticket's "dont TVA", a Belgian
    restaurant's Dutch bill, an online shop's English invoice."""
    r = read(MORE[name])
    assert (r.total_incl_vat, r.total_excl_vat, r.issue_date) == (D(total), D(excl), date)
    assert r.vat_lines == [(D(a), D(b) if b else None, D(c)) for a, b, c in vat]
