"""The words of the cooperative and of the law, explained in plain words (FR, NL, EN).

Terms are code data, translated with gettext like every other text: no table, nothing to seed, the
same in every cooperative. ``countries`` says where a term applies (France, Belgium or both);
``aliases`` are the acronyms and other names people search for (never translated: OGM, HT, SIREN…).

Used by the glossary page and API (views.py, api.py) and by ``{% term "key" %}…{% endterm %}``
(templatetags/glossary_tags.py), which puts a tap-to-explain hint next to a word on any page.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Term:
    key: str
    label: Promise
    definition: Promise
    countries: tuple[str, ...] = ("BE", "FR")
    aliases: tuple[str, ...] = ()


TERMS: tuple[Term, ...] = (
    Term("activity", pgettext_lazy("glossary", "Activity"), pgettext_lazy(
        "glossary",
        "What a member does inside the cooperative under their own name or brand: its clients, quotes, "
        "invoices, accounts and balance. A member may run several activities, and several members may "
        "share one."
    )),
    Term("associate", pgettext_lazy("glossary", "Associate"), pgettext_lazy(
        "glossary",
        "A member who owns at least one share of the cooperative. Associates vote at the general "
        "assembly: one person, one vote, whatever the number of shares."
    ), aliases=("sociétaire", "vennoot")),
    Term("company_number", pgettext_lazy("glossary", "Company number"), pgettext_lazy(
        "glossary",
        "The number that identifies a business. France: the SIREN (9 digits), and one SIRET (14 digits) "
        "per establishment. Belgium: the company number of the Crossroads Bank for Enterprises "
        "(10 digits, starting with 0 or 1)."
    ), aliases=("SIREN", "SIRET", "BCE", "KBO")),
    Term("contribution", pgettext_lazy("glossary", "Contribution"), pgettext_lazy(
        "glossary",
        "The share of an activity's revenue (excluding VAT) that goes to the cooperative and pays for "
        "what members share: accounting, insurance, support, tools. The cooperative sets its rate."
    )),
    Term("credit_note", pgettext_lazy("glossary", "Credit note"), pgettext_lazy(
        "glossary",
        "A document that cancels all or part of an invoice: a mistake, a refund, a discount granted "
        "afterwards. An issued invoice is never changed or deleted; a credit note that refers to it "
        "corrects it."
    )),
    Term("deposit_invoice", pgettext_lazy("glossary", "Deposit invoice"), pgettext_lazy(
        "glossary",
        "An invoice for part of the price, asked before or during the work (for example 30 % when the "
        "quote is accepted). The final invoice deducts the deposits already invoiced. VAT on a deposit "
        "is due when it is paid."
    )),
    Term("due_date", pgettext_lazy("glossary", "Due date"), pgettext_lazy(
        "glossary",
        "The last day to pay an invoice. Between businesses, the law caps payment terms (France: "
        "60 days from the invoice date or 45 days end of month; Belgium: 60 days at most, 30 days "
        "when nothing was agreed)."
    )),
    Term("e_invoice", pgettext_lazy("glossary", "E-invoice"), pgettext_lazy(
        "glossary",
        "An invoice sent as structured data that the client's software reads without retyping, not "
        "only as a PDF. Mandatory between businesses in Belgium since 1 January 2026. In France, every "
        "business must be able to receive them from 1 September 2026, and small and medium-sized "
        "businesses must send them from 1 September 2027."
    ), aliases=("e-invoicing",)),
    Term("einvoice_formats", pgettext_lazy("glossary", "E-invoice formats (UBL, CII)"), pgettext_lazy(
        "glossary",
        "The two XML languages of the European e-invoice standard EN 16931. UBL is the one Peppol "
        "carries; CII is the one inside a Factur-X PDF. Both say the same invoice."
    ), aliases=("UBL", "CII", "XML", "EN 16931")),
    Term("electronic_signature", pgettext_lazy("glossary", "Online signature"), pgettext_lazy(
        "glossary",
        "Accepting a quote online: the client types a 6-digit code received by email. The name, time, "
        "email address and the fingerprint of the accepted PDF are added to a signed copy sealed by "
        "the cooperative, which both sides keep."
    ), aliases=("e-signature",)),
    Term("entrepreneur_employee", pgettext_lazy("glossary", "Entrepreneur-employee"), pgettext_lazy(
        "glossary",
        "In a French business and employment cooperative (CAE), a member who runs their own activity "
        "with an employment contract: the revenue of their activity pays their salary. Within three "
        "years they are expected to become an associate."
    ), countries=("FR",), aliases=("CAE", "CESA")),
    Term("excl_incl_vat", pgettext_lazy("glossary", "Excluding / including VAT"), pgettext_lazy(
        "glossary",
        "Excluding VAT: the price of the work itself. Including VAT: what the client pays, VAT "
        "added. Revenue and the contribution are counted excluding VAT."
    ), aliases=("HT", "TTC", "HTVA", "TVAC")),
    Term("expense_claim", pgettext_lazy("glossary", "Expense claim"), pgettext_lazy(
        "glossary",
        "A request to be paid back for what you spent for your activity (materials, travel, "
        "mileage), with the receipt. It is paid from your activity's balance."
    )),
    Term("factur_x", pgettext_lazy("glossary", "Factur-X"), pgettext_lazy(
        "glossary",
        "A French-German e-invoice format: a readable PDF with the invoice's data (CII XML) inside. "
        "People read the PDF, software reads the data. The format of French e-invoices."
    ), countries=("FR",), aliases=("ZUGFeRD",)),
    Term("fixed_indemnity", pgettext_lazy("glossary", "Fixed recovery indemnity"), pgettext_lazy(
        "glossary",
        "A flat €40 that a business client paying late owes for recovery costs, on top of late-payment "
        "interest (France: a required mention on invoices; Belgium: the law of 2 August 2002). It does "
        "not apply to consumers."
    )),
    Term("formal_notice", pgettext_lazy("glossary", "Formal notice"), pgettext_lazy(
        "glossary",
        "The last written demand before legal action: it asks the client to pay by a set date and says "
        "what will follow. It is usually sent by registered letter, and is needed before most court "
        "claims."
    ), aliases=("mise en demeure", "ingebrekestelling")),
    Term("late_payment_penalty", pgettext_lazy("glossary", "Late-payment interest"), pgettext_lazy(
        "glossary",
        "Interest a business client owes from the day after the due date, without any reminder. "
        "France: at least three times the legal interest rate, usually the ECB rate plus 10 points, "
        "stated on the invoice. Belgium: the legal rate for commercial transactions (ECB rate plus "
        "8 points), set every six months. Consumers are protected by stricter rules."
    )),
    Term("litigation", pgettext_lazy("glossary", "Litigation"), pgettext_lazy(
        "glossary",
        "When reminders and the formal notice did not work: with the member's agreement, the "
        "cooperative's collections team takes the case further (payment order, bailiff, court)."
    )),
    Term("payment_reference", pgettext_lazy("glossary", "Payment reference"), pgettext_lazy(
        "glossary",
        "The reference to copy into a bank transfer so the payment is matched to its invoice "
        "automatically: a Belgian structured communication or an international RF reference "
        "(RF followed by two check digits)."
    ), aliases=("RF", "ISO 11649")),
    Term("peppol", pgettext_lazy("glossary", "Peppol"), pgettext_lazy(
        "glossary",
        "A European network that carries e-invoices from one accounting program to another, like "
        "email for invoices. Each business has a Peppol identifier, in Belgium usually its company "
        "number. The Belgian e-invoicing obligation goes through Peppol."
    )),
    Term("prefinancing", pgettext_lazy("glossary", "Prefinancing"), pgettext_lazy(
        "glossary",
        "A salary paid to a member before the client has paid the invoice, within limits the "
        "cooperative sets."
    )),
    Term("quote", pgettext_lazy("glossary", "Quote"), pgettext_lazy(
        "glossary",
        "A priced offer sent to the client before the work. Once the client accepts it (online "
        "signature, or “good for agreement” and a signature), it binds both sides and becomes "
        "invoices."
    )),
    Term("reminder", pgettext_lazy("glossary", "Reminder"), pgettext_lazy(
        "glossary",
        "A polite message to a client whose invoice is past its due date. Reminders are prepared "
        "automatically; the member can approve them or put them on hold."
    )),
    Term("reverse_charge", pgettext_lazy("glossary", "Reverse charge"), pgettext_lazy(
        "glossary",
        "The client, not the seller, accounts for the VAT: the invoice shows no VAT and says “reverse "
        "charge”. It applies to services for a business in another EU country and to some "
        "construction work (subcontracting in France; work on buildings for a VAT-registered client "
        "in Belgium). The client's VAT number must be on the invoice."
    ), aliases=("autoliquidation", "verlegging", "medecontractant")),
    Term("share_capital", pgettext_lazy("glossary", "Share capital"), pgettext_lazy(
        "glossary",
        "The money the associates put into the cooperative by buying shares. Shares are paid back at "
        "their value when an associate leaves, under the cooperative's articles."
    )),
    Term("statement_of_work", pgettext_lazy("glossary", "Statement of work done"), pgettext_lazy(
        "glossary",
        "A statement of the work really done over a period, built from time entries and sent to the "
        "client for agreement before it is invoiced. For jobs whose extent is not known in advance."
    )),
    Term("structured_communication", pgettext_lazy("glossary", "Structured communication"), pgettext_lazy(
        "glossary",
        "A Belgian payment reference of 12 digits written +++123/4567/89012+++, the last two digits "
        "being a check. Copy it exactly into the transfer: the bank then matches the payment to the "
        "invoice automatically."
    ), countries=("BE",), aliases=("OGM", "VCS", "+++")),
    Term("validation_report", pgettext_lazy("glossary", "Validation report"), pgettext_lazy(
        "glossary",
        "The check of an e-invoice against the official rules (EN 16931, Peppol, Factur-X, the "
        "French reform) made when it is issued. An error stops the issue; a warning is noted and the "
        "e-invoice is still accepted."
    )),
    Term("vat_exemption", pgettext_lazy("glossary", "VAT exemption"), pgettext_lazy(
        "glossary",
        "Some work is exempt from VAT by law (vocational training, teaching, care…): the invoice "
        "charges no VAT and must cite the legal basis (France: article 261 of the tax code; Belgium: "
        "article 44 of the VAT code)."
    ), aliases=("exonération", "vrijstelling")),
    Term("vat_franchise", pgettext_lazy("glossary", "Small business VAT scheme"), pgettext_lazy(
        "glossary",
        "Below a yearly turnover set by law, a business may charge no VAT. The invoice must say so "
        "(France: “VAT not applicable, art. 293 B of the tax code”; Belgium: “special scheme for "
        "small businesses”)."
    ), aliases=("franchise", "293 B")),
    Term("vat_number", pgettext_lazy("glossary", "VAT number"), pgettext_lazy(
        "glossary",
        "The number under which a business pays VAT: FR followed by 11 characters in France, BE "
        "followed by the 10-digit company number in Belgium. A business client's VAT number must "
        "be on the invoice for a reverse charge."
    ), aliases=("TVA", "BTW", "VAT")),
)

BY_KEY: dict[str, Term] = {term.key: term for term in TERMS}


def fold(text: str) -> str:
    """Lower case without accents: “Échéance” and “echeance” are the same search."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# a document's kind (sales.Kind values) names its term too: {% term document.kind %}
ALIASES = {"deposit": "deposit_invoice", "statement": "statement_of_work"}


def get(key: str) -> Term | None:
    return BY_KEY.get(ALIASES.get(key, key))


def search(query: str = "") -> list[Term]:
    """Terms whose label, definition or aliases contain every word of ``query`` (accents and case
    ignored), in the active language: those whose name matches first, then by label. All terms
    when the query is empty."""
    words = fold(query).split()
    found = []
    for term in TERMS:
        name = fold(" ".join([str(term.label), term.key.replace("_", " "), *term.aliases]))
        haystack = name + " " + fold(term.definition)
        if all(word in haystack for word in words):
            found.append((not all(word in name for word in words), fold(term.label), term))
    return [term for *_key, term in sorted(found, key=lambda found: found[:2])]
