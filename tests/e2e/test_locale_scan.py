"""Every page of the member's journeys read as a French (and a Dutch) speaker reads them.

The scan logs in as the demo member (then an advisor and an accountant for their pages), opens
each page of ``pages.py`` in Chromium and reads its visible text (``innerText``): amounts, numbers,
percentages and dates must come through the locale, no English word may be left in the French UI,
French typography needs a non-breaking space before a colon and "%", and a few writing slips the
testers met (a doubled word, "de Les …", "6 candidat·e") must not come back.
"""

import re

import pytest

from . import pages

pytestmark = pytest.mark.browser

SPACES = "\u00a0\u202f"  # non-breaking space, narrow non-breaking space
# Words of the English UI that have no business in the French one. ("Total", "Date", "Notes",
# "Client", "Document" are French too, so they are not listed.)
ENGLISH = (
    "Save Cancel Delete Edit Back Next Previous Invoice Invoices Quote Quotes Draft Status None True "
    "False undefined null Yes Search Send Settings Amount Paid Unpaid Overdue Due Submit Close Add "
    "Remove Download Preview Expenses Statements Statement Rates Hours Loading Error Today Week Month "
    "Year Issued Sent Accepted Refused Expired Invoiced Reminder Profile Activity"
).split()
ENGLISH_DATES = (  # "Mon" is French too ("Mon profil"): no abbreviated day names
    r"\b(January|February|March|April|June|July|August|September|October|November|December|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)
DUTCH_ENGLISH = "Save Cancel Delete Edit Back Next Invoice Quote Draft None True False undefined null".split()  # "Status" is Dutch too

RULES_ALL = [
    (r"\d\.\d\d\s?EUR|\d\s?EUR\b", "an amount in EUR instead of €"),
    (r"(?<![\d.])\d+\.\d{2}(?![\d.])", "a decimal point instead of the locale's comma"),
    (r"\d[.,]\d{3,}(?![\d\s" + SPACES + r"]*[.,]\d)", "a number with more than two decimals"),
    (r"\b(\w{3,}) \1\b", "a doubled word"),
    (r"\b(?:[2-9]|\d{2,}) \w+·e\b(?![s·])", "a plural without its plural form"),
]
RULES_FR = [
    (r"\d ?%", "a percentage without a non-breaking space before %"),
    (r"[^\s" + SPACES + r"\d/]:(?=[\s]|$)", "a colon without a non-breaking space before it"),
    (r"\b(?:de|à|De|À) (?:Les|Le) [A-ZÉ]", "an article collision (de Les …, à Le …)"),
    (r"\d (?:Jan|Fév|Mar|Avr|Mai|Juin|Juil|Aoû|Sep|Oct|Nov|Déc)\b", "a capitalised month abbreviation"),
    (ENGLISH_DATES, "an English date"),
    (r"\b(?:" + "|".join(ENGLISH) + r")\b", "an English word"),
]
RULES_NL = [
    (r"\b(?:" + "|".join(DUTCH_ENGLISH) + r")\b", "an English word"),
    (ENGLISH_DATES, "an English date"),
]


def problems_in(text, language):
    """What a native reader would flag on a page's visible text, one line per finding."""
    rules = RULES_ALL + (RULES_FR if language == "fr" else RULES_NL)
    found = []
    for line in text.splitlines():
        for pattern, what in rules:
            for match in re.finditer(pattern, line):
                found.append(f"{what}: …{line[max(0, match.start() - 30):match.end() + 30]}…")
    return found


def scan(page, visits, language):
    report = {}
    for visit in visits:
        response = page.goto(visit.path)
        assert response.status == 200, f"{visit.name} {visit.path}: {response.status}"
        assert page.locator("html").get_attribute("lang") == language, visit.name
        found = problems_in(page.evaluate("document.body.innerText"), language)
        if found:
            report[visit.name] = found
    return report


def format_report(report):
    return "\n".join(f"{name}:\n  " + "\n  ".join(lines) for name, lines in report.items())


@pytest.fixture
def page(browser, live_server, demo):
    context = browser.new_context(base_url=live_server.url, **pages.PHONE)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_the_french_pages_read_as_french(page):
    pages.log_in(page, pages.MEMBER)
    report = scan(page, pages.member_pages(), "fr")
    pages.log_in(page, pages.ADVISOR)
    report |= scan(page, pages.advisor_pages(), "fr")
    pages.log_in(page, pages.ACCOUNTANT)
    report |= scan(page, pages.accountant_pages(), "fr")
    assert not report, "\n" + format_report(report)


def test_the_dutch_pages_read_as_dutch(page):
    email, activity = pages.dutch_member()
    pages.log_in(page, email)
    report = scan(page, pages.dutch_pages(activity), "nl")
    assert not report, "\n" + format_report(report)


@pytest.mark.parametrize("text, flagged", [
    ("Total : 234.00 EUR", True),
    ("Total\u00a0: 234,00 €", False),
    ("64,8000000000000 €", True),
    ("TVA 10 %", True),
    ("TVA 10\u00a0%", False),
    ("Référence de paiement: 123", True),
    ("Référence de paiement\u00a0: 123", False),
    ("le relevé relevé de travaux", True),
    ("6 candidat·e", True),
    ("6 candidat·es", False),
    ("1 candidat·e", False),
    ("du 30 Nov au 6 Déc", True),
    ("du 30 nov. au 6 déc.", False),
    ("Enregistrer · Cancel", True),
    ("Relance de Les Jardins de Camille", True),
    ("à 10:30", False),
])
def test_the_scan_catches_what_the_testers_found(text, flagged):
    assert bool(problems_in(text, "fr")) is flagged, problems_in(text, "fr")


def test_the_french_catalog_puts_a_non_breaking_space_before_colons_and_percent():
    """What no page may show comes first from the catalog: an ordinary space before ":" or "%"
    lets the line break there, no space at all is English typography."""
    import polib
    from django.conf import settings

    po = polib.pofile(str(settings.LOCALE_PATHS[0] / "fr" / "LC_MESSAGES" / "django.po"))
    wrong = []
    for entry in po.translated_entries():
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            text = re.sub(r"(?:(?<!\S)\S ){4,}", "", text)  # a list of characters: "/ - ? : ( ) ."
            if re.search(r" [:%](?=\s|$|%)|[^\W\d]:(?=\s|$)|\)s:(?=\s|$)", text):
                wrong.append(text)
    assert not wrong, "\n".join(wrong)
