"""What the invoice scale seeding draws from: catalogues per trade, texts, field lists, the payment
reference and EPC QR shortcuts (checked against sales.payment), and the per-run records."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal

from compagnon.clients.models import Client
from compagnon.jurisdictions.parties import default_peppol_id
from compagnon.ledger.models import Entry, EntryLine, JournalCounter
from compagnon.organisation.models import Entity
from compagnon.sales import payment
from compagnon.sales.models import (
    Document,
    DocumentCounter,
    DocumentLine,
    Kind,
    LineKind,
    State,
    VatBreakdown,
)

# --- payment references and the EPC QR code, as sales.payment makes them, without its overhead
# (the first document of every chunk is checked against payment.reference_for and snapshot())

QR_MAX = Decimal("999999999.99")


def payment_reference(kind: str, year: int, sequence: int, prefix: int = 1) -> str:
    """payment.reference_for(...)[1] for the entity with this prefix (its rank in its country)."""
    if kind == payment.STRUCTURED:
        return payment.structured_communication(year, sequence, prefix)
    return payment.creditor_reference(year, sequence, prefix)


def reference_display(kind: str, reference: str) -> str:
    """payment.display(kind, reference)."""
    return payment.display(kind, reference)


def qr_head(entity) -> str:
    """The EPC QR payload of payment.epc_qr_payload up to "EUR" (what depends on the seller
    only), or "" when the seller has no IBAN (no QR code)."""
    if not entity.iban:
        return ""
    name = entity.legal_name or entity.name
    return "\n".join(
        [
            "BCD",
            "002",
            "1",
            "SCT",
            (entity.bic or "").replace(" ", ""),
            name[:70],
            entity.iban.replace(" ", "").upper(),
            "EUR",
        ]
    )


def qr_payload(head: str, kind: str, amount: Decimal, reference: str, display: str) -> str:
    """payment.epc_qr_payload(name, iban, bic, amount, kind, reference) from qr_head()."""
    if not head or amount < C2 or amount > QR_MAX:
        return ""
    if kind == payment.CREDITOR:
        return f"{head}{amount:.2f}\n\n{reference}"
    return f"{head}{amount:.2f}\n\n\n{display[:140]}".rstrip("\n")


def buyer_json(
    *,
    name,
    kind,
    address,
    country,
    company_number,
    vat_number,
    email,
    peppol_scheme,
    peppol_id,
    site,
    street,
    postcode,
    city,
) -> str:
    """The frozen "buyer" block of freeze.snapshot for a client, as JSON."""
    endpoint = (peppol_scheme, peppol_id) if peppol_id else ("", "")
    if not endpoint[1] and kind == "company":
        endpoint = default_peppol_id(country, company_number, vat_number)
    return json.dumps(
        {
            "name": name,
            "kind": kind,
            "address": address,
            "country": country,
            "company_number": company_number,
            "vat_number": vat_number,
            "email": email,
            "peppol_scheme": peppol_scheme,
            "peppol_id": peppol_id,
            "site": site,
            "street": street,
            "postcode": postcode,
            "city": city,
            "endpoint_scheme": endpoint[0],
            "endpoint_id": endpoint[1],
        },
        ensure_ascii=False,
    )


# --- invoices ----------------------------------------------------------------------------------
#
# ``--invoices N``: N issued invoices plus ~5 % credit notes for the activities of ``--seed``,
# written in bulk but built with the app's own rules: totals from sales.calculation.compute, the
# frozen snapshot in the shape of sales.freeze.snapshot, the ledger entry that
# sales.accounting.entry_lines would post. The first document of every chunk is rebuilt with
# those functions on unsaved objects and compared (see InvoiceGenerator.verify): the command stops
# if the shortcuts ever drift from the app.

DOC_CHUNK = 10_000  # documents generated and written per round
CREDIT_NOTE_SHARE = 0.05
WINDOW_DAYS = 3 * 365

# What each trade sells: (French, Dutch, English description, unit, usual price excl. VAT).
JOBS = {
    "gardening": [
        ("Taille de haies", "Snoeien van hagen", "Hedge trimming", "HUR", "42"),
        ("Tonte de pelouse", "Gazon maaien", "Lawn mowing", "HUR", "38"),
        (
            "Évacuation des déchets verts",
            "Afvoer van groenafval",
            "Green waste removal",
            "LS",
            "45",
        ),
        ("Entretien de massifs", "Onderhoud van borders", "Flower bed maintenance", "HUR", "40"),
        ("Plantation d'arbustes", "Aanplanten van heesters", "Shrub planting", "C62", "28"),
    ],
    "it-repair": [
        ("Diagnostic et dépannage", "Diagnose en herstelling", "Diagnosis and repair", "HUR", "55"),
        (
            "Installation d'un poste de travail",
            "Installatie van een werkpost",
            "Workstation set-up",
            "LS",
            "120",
        ),
        (
            "Sauvegarde et migration des données",
            "Back-up en migratie van gegevens",
            "Data backup and migration",
            "LS",
            "90",
        ),
        ("Déplacement", "Verplaatsing", "Travel", "LS", "25"),
    ],
    "graphic-design": [
        (
            "Création d'identité visuelle",
            "Ontwerp van een huisstijl",
            "Visual identity design",
            "LS",
            "900",
        ),
        ("Mise en page de brochure", "Opmaak van een brochure", "Brochure layout", "DAY", "380"),
        ("Illustration", "Illustratie", "Illustration", "C62", "150"),
        ("Déclinaison des supports", "Aanpassing van drukwerk", "Print adaptations", "HUR", "55"),
    ],
    "training": [
        (
            "Atelier découverte du numérique",
            "Workshop digitale basisvaardigheden",
            "Digital skills workshop",
            "DAY",
            "450",
        ),
        (
            "Accompagnement individuel",
            "Individuele begeleiding",
            "One-to-one coaching",
            "HUR",
            "60",
        ),
        (
            "Formation inter-entreprises",
            "Interbedrijfsopleiding",
            "Open training course",
            "DAY",
            "520",
        ),
        ("Supports pédagogiques", "Cursusmateriaal", "Course materials", "C62", "35"),
    ],
    "consulting": [
        ("Mission de conseil", "Adviesopdracht", "Consulting assignment", "DAY", "650"),
        ("Diagnostic stratégique", "Strategische doorlichting", "Strategic review", "LS", "1800"),
        (
            "Animation d'atelier",
            "Begeleiding van een workshop",
            "Workshop facilitation",
            "HUR",
            "95",
        ),
    ],
    "photography": [
        ("Séance photo portrait", "Portretfotosessie", "Portrait session", "LS", "250"),
        ("Reportage événementiel", "Evenementreportage", "Event coverage", "HUR", "85"),
        ("Retouche d'images", "Beeldbewerking", "Image retouching", "C62", "12"),
        (
            "Cession de droits d'utilisation",
            "Overdracht van gebruiksrechten",
            "Usage rights",
            "LS",
            "300",
        ),
    ],
    "carpentry": [
        ("Pose de parquet", "Plaatsen van parket", "Parquet laying", "MTK", "38"),
        (
            "Fabrication de placard sur mesure",
            "Maatwerk kast",
            "Custom-made cupboard",
            "LS",
            "1450",
        ),
        ("Main-d'œuvre menuiserie", "Arbeidsloon schrijnwerk", "Carpentry labour", "HUR", "48"),
        ("Fourniture bois", "Levering hout", "Timber supply", "LS", "320"),
    ],
    "translation": [
        ("Traduction (par mot)", "Vertaling (per woord)", "Translation (per word)", "C62", "0.12"),
        ("Relecture", "Nalezen", "Proofreading", "HUR", "45"),
        ("Sous-titrage", "Ondertiteling", "Subtitling", "LS", "380"),
    ],
    "music": [
        ("Concert (formation trio)", "Concert (trio)", "Concert (trio)", "LS", "1200"),
        (
            "Atelier d'éveil musical",
            "Muzikale ontdekkingsworkshop",
            "Music discovery workshop",
            "HUR",
            "70",
        ),
        ("Sonorisation", "Geluidsinstallatie", "Sound system", "LS", "350"),
    ],
    "web-development": [
        (
            "Développement de site",
            "Ontwikkeling van een website",
            "Website development",
            "DAY",
            "480",
        ),
        ("Maintenance mensuelle", "Maandelijks onderhoud", "Monthly maintenance", "MON", "90"),
        ("Hébergement annuel", "Jaarlijkse hosting", "Annual hosting", "LS", "180"),
        ("Audit d'accessibilité", "Toegankelijkheidsaudit", "Accessibility audit", "LS", "750"),
    ],
    "home-help": [
        ("Aide à domicile", "Thuishulp", "Home help", "HUR", "26"),
        (
            "Accompagnement aux courses",
            "Begeleiding bij boodschappen",
            "Shopping assistance",
            "HUR",
            "24",
        ),
        ("Garde d'enfants", "Kinderopvang aan huis", "Childcare at home", "HUR", "22"),
    ],
    "catering": [
        (
            "Buffet froid (par personne)",
            "Koud buffet (per persoon)",
            "Cold buffet (per person)",
            "C62",
            "18.50",
        ),
        (
            "Cocktail dînatoire (par personne)",
            "Walking dinner (per persoon)",
            "Walking dinner (per person)",
            "C62",
            "32",
        ),
        ("Service en salle", "Bediening", "Waiting staff", "HUR", "35"),
        ("Livraison", "Levering", "Delivery", "LS", "40"),
    ],
}
DEFAULT_JOBS = [
    ("Prestation de service", "Dienstverlening", "Service", "HUR", "50"),
    ("Forfait intervention", "Forfait interventie", "Call-out fee", "LS", "150"),
]
JOB_LANG = {"fr": 0, "nl": 1, "en": 2, "de": 2}
QUANTITIES = {
    "HUR": ["1", "1.5", "2", "2", "2.5", "3", "3", "3.5", "4", "4", "5", "6", "7", "8", "10", "12"],
    "DAY": ["0.5", "1", "1", "1", "2", "2", "3", "5"],
    "LS": ["1"],
    "C62": ["1", "1", "2", "2", "3", "4", "5", "6", "8", "10", "12", "15", "20", "25", "40", "60"],
    "WORDS": ["800", "1200", "1500", "2500", "3200", "4000", "6000", "9500"],
    "MTK": ["8", "12", "15", "18.5", "20", "24.5", "32", "45"],
    "MON": ["1", "1", "1", "3", "6", "12"],
}
PRICE_FACTORS = ["0.8", "0.9", "1", "1", "1", "1.1", "1.2", "1.3"]
# Trades with a second VAT rate often used (France: renovation, catering, home services at 10 %;
# Belgium: renovation of homes at 6 %, catering at 12 %): the rate's code in the jurisdiction.
ALT_RATE = {
    "FR": {"carpentry": "intermediate", "catering": "intermediate", "home-help": "intermediate"},
    "BE": {"carpentry": "reduced", "home-help": "reduced", "catering": "intermediate"},
}
EXEMPT_TRADES = {"training": 0.6}  # share of the trade's invoices exempt (vocational training)
EXEMPTION = {"FR": "fr-training", "BE": "be-art44"}
TEXTS = {
    "title": {
        "fr": "Prestations réalisées",
        "nl": "Uitgevoerde prestaties",
        "en": "Services rendered",
        "de": "Erbrachte Leistungen",
    },
    "intro": {
        "fr": "Merci pour votre confiance.",
        "nl": "Bedankt voor uw vertrouwen.",
        "en": "Thank you for your trust.",
        "de": "Vielen Dank für Ihr Vertrauen.",
    },
    "terms": {
        "fr": "Paiement par virement à réception de facture.",
        "nl": "Betaling per overschrijving bij ontvangst van de factuur.",
        "en": "Payment by bank transfer on receipt of the invoice.",
        "de": "Zahlung per Überweisung nach Erhalt der Rechnung.",
    },
}
CLIENT_LANGUAGES = {
    "FR": [(0.96, "fr"), (1.0, "en")],
    "BE": [(0.55, "nl"), (0.95, "fr"), (0.99, "en"), (1.0, "de")],
}
TERMS_CHOICES = [None] * 7 + [15, 30, 45, 60]
LINE_COUNTS = [(0.30, 1), (0.55, 2), (0.75, 3), (0.87, 4), (0.95, 5), (1.0, 6)]
ITEM, SECTION = LineKind.ITEM.value, LineKind.SECTION.value
INVOICE, CREDIT_NOTE, ISSUED = Kind.INVOICE.value, Kind.CREDIT_NOTE.value, State.ISSUED.value
C3 = Decimal("0.001")
C4 = Decimal("0.0001")
C2 = Decimal("0.01")
ZERO2 = Decimal("0.00")
ZERO3 = Decimal("0.000")
ZERO4 = Decimal("0.0000")
D5, D10, D100 = Decimal("5.00"), Decimal("10.00"), Decimal(100)
DISCOUNT_AMOUNTS = [Decimal("10.00"), Decimal("20.00"), Decimal("25.00"), Decimal("50.00")]
CLIENT_FIELDS = [
    "id",
    "activity",
    "kind",
    "name",
    "email",
    "phone",
    "language",
    "payment_terms_days",
    "street",
    "postcode",
    "city",
    "country",
    "site_street",
    "site_postcode",
    "site_city",
    "company_number",
    "vat_number",
    "peppol_scheme",
    "peppol_id",
    "notes",
    "archived",
    "created_at",
    "updated_at",
]
DOCUMENT_FIELDS = [
    "id",
    "entity",
    "activity",
    "client",
    "kind",
    "state",
    "series",
    "year",
    "sequence",
    "number",
    "issue_date",
    "due_date",
    "valid_until",
    "language",
    "title",
    "intro",
    "closing",
    "terms",
    "buyer_reference",
    "order_reference",
    "exemption_code",
    "discount_percent",
    "discount_amount",
    "quote",
    "credited",
    "payment_reference",
    "deposit_percent",
    "currency",
    "rounding_rule",
    "line_total",
    "allowance_total",
    "tax_exclusive",
    "tax_total",
    "tax_inclusive",
    "prepaid",
    "payable",
    "payment_state",
    "frozen",
    "pdf",
    "pdf_sha256",
    "pdf_requested_at",
    "created_by",
    "created_at",
    "updated_at",
    "issued_at",
    "sent_at",
    "decided_at",
]
DOCUMENT_LINE_FIELDS = [
    "document",
    "position",
    "kind",
    "description",
    "quantity",
    "unit",
    "unit_price",
    "discount_percent",
    "vat_category",
    "vat_rate",
    "net_amount",
]
VAT_FIELDS = ["document", "category", "rate", "taxable_amount", "tax_amount", "allowance_amount"]
ENTRY_FIELDS = [
    "id",
    "entity",
    "journal",
    "year",
    "number",
    "date",
    "label",
    "source_type",
    "source_id",
    "kind",
    "reversal_of",
    "posted_at",
    "created_by",
]
ENTRY_LINE_FIELDS = [
    "entry", "account", "debit", "credit", "activity", "client", "label", "date", "journal",
]


INVOICE_MODELS = [
    Client,
    Document,
    DocumentLine,
    VatBreakdown,
    DocumentCounter,
    Entry,
    EntryLine,
    JournalCounter,
]


@dataclass
class ActivityInfo:
    id: int
    entity_id: int
    name: str
    trade_code: str
    trade_names: tuple | None  # (fr, nl, en), None without a trade
    brand_color: str
    letterhead: str
    footer: str
    logo: str
    terms: int
    rate: Decimal  # effective contribution rate
    holder: int | None
    paused: bool
    clients: list = field(default_factory=list)  # ClientInfo tuples
    json: dict = field(default_factory=dict)  # language -> frozen "activity" block as JSON
    name_json: str = ""  # the name as a JSON string: the seller's "trade_name"


# ClientInfo: (id, name, language, payment terms or None, is_business, frozen "buyer" block as JSON)


@dataclass
class Books:
    """One entity's numbering and chart, as the run moves them on."""

    entity: Entity
    jurisdiction: str
    journal_id: int
    accounts: dict  # (role, rate or None) -> account id
    patterns: dict  # series -> number pattern
    doc_counters: dict  # (series, year) -> last number
    entry_counters: dict  # year -> last number
    entry_last_date: dict  # year -> last date
    start: datetime.date
    end: datetime.date
    rate_std: Decimal  # the standard VAT rate, as stored (2 decimals)
    rate_second: Decimal  # the next one
    rate_by_code: dict  # VAT rate code -> rate, as stored
    reference_kind: str  # payment.reference_for's kind for this entity ("ogm" or "rf")
    reference_prefix: int  # the entity's prefix in its payment references (sales.services)
    qr_head: str  # the EPC QR payload up to the amount, "" when the entity has no IBAN
    activities: list = field(default_factory=list)
    pdf_name: str = ""
    pdf_sha256: str = ""
