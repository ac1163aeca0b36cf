"""The e-invoicing benchmarks: generation and validation time per document, over N varied invoices.

Called by bench.run right after seed_demo (before the other suites add documents of their own):

1. **Base documents**: every issued invoice, deposit invoice and credit note of the demo data, plus
   a dozen documents issued through ``sales.services`` on two demo activities (a French one and a
   Belgian one) to cover what the demo lacks: exports, intra-EU supplies, reverse charge, exempt,
   zero-rated and out-of-scope documents, individual and non-EU buyers, a credit note. They are
   issued inside a transaction that is rolled back: only their frozen snapshots are kept.
2. **Variants**: N snapshots (default 1,000) made from those with ``random.Random(seed)``: the
   seller, language, notes and payment account of a base document; a buyer taken from the buyers
   of all base documents that suits the VAT regime drawn (standard rates of the seller's country,
   zero rate, exempt, reverse charge, intra-EU supply, export, outside the scope of VAT, or mixes);
   1–40 item lines with varied descriptions, quantities, prices, units and line discounts; section
   and free-text lines, deduction lines, document discounts (percentage and/or amount), deposits
   deducted, deposit invoices and credit notes. Totals, VAT breakdown and allowances come from
   ``sales.calculation.compute``, and the rest of the snapshot (exemption codes and reasons,
   mentions, payment reference, due date, EPC QR payload) is filled the way ``sales.freeze`` does.
3. **Measures**, one pass per measure over every document, after the rule sets are compiled:
   ``ubl.build`` (without and with the PDF embedded), ``cii.build``, ``facturx.embed`` on real PDFs
   (``PDF_COUNT`` variants rendered with ``render_pdf``, reused round robin; the render time is
   reported as a reference), and ``validation.validate`` per rule set on the documents the rule
   set applies to (``services.rule_sets_for``). The issue-time check ``services.check`` (build and
   validate the default format) runs on every ``CHECK_EVERY``-th document, each paired with the
   validation alone of the same XML, so that their ratio holds on a busy machine. The one-off
   compile time of each rule set is measured in a fresh Python process (in this one, seed_demo's
   issuing has compiled them already).

Every document is validated in both syntaxes (that is the measure): the report says how many pass
with zero errors (fatal or error flags; warnings are counted apart).
"""

from __future__ import annotations

import copy
import datetime
import gc
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections import Counter
from decimal import Decimal as D

DEFAULT_DOCUMENTS = 1000
GENERATION_BUDGET_MS = 20.0  # per XML document
VALIDATION_BUDGET_MS = 15.0  # per rule set, after warm-up
CHARGE_REASONS = {
    "fr": ["Frais de déplacement", "Livraison", "Majoration urgence"],
    "nl": ["Verplaatsingskosten", "Levering", "Spoedtoeslag"],
    "en": ["Travel costs", "Delivery", "Rush surcharge"],
    "de": ["Fahrtkosten", "Lieferung", "Eilzuschlag"],
}
CHECK_EVERY = 4  # the issue-time check runs on every 4th document (with its validation alone)
WARM_UP = 20  # untimed documents before each pass
PDF_COUNT = 10  # distinct PDFs rendered for the Factur-X and UBL-with-PDF measures
SEED = 2026
RULE_SETS = [
    "CEN-EN16931-UBL",
    "PEPPOL-EN16931-UBL",
    "EN16931-CII",
    "FACTUR-X_EN16931",
    "BR-FR-CII",
]

EU = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)
# Standard rates the issue asks for, per seller country (jurisdictions also lists FR 2.1 %).
RATES = {"BE": ("21", "12", "6"), "FR": ("20", "10", "5.5")}
# (regime, weight, buyer classes that suit it). "domestic" is a business of the seller's country
# with a VAT number, "individual" a private person of that country, "eu" a business of another
# EU country with a VAT number, "non-eu" a business outside the EU.
REGIMES = [
    ("standard", 38, ("domestic", "individual")),
    ("standard + zero rate", 6, ("domestic", "individual")),
    ("standard + exempt", 6, ("domestic", "individual")),
    ("zero rate", 4, ("domestic", "individual")),
    ("exempt", 12, ("domestic", "individual")),
    ("reverse charge", 12, ("domestic", "eu")),
    ("intra-EU supply", 8, ("eu",)),
    ("export", 8, ("non-eu",)),
    ("outside the scope of VAT", 6, ("domestic", "individual")),
]
# When a regime suits several buyer classes: businesses of the seller's country 3 to 1.
BUYER_CLASS_WEIGHTS = {"domestic": 3, "individual": 1, "eu": 1, "non-eu": 1}
SINGLE_CATEGORY = {
    "zero rate": "Z",
    "exempt": "E",
    "reverse charge": "AE",
    "intra-EU supply": "K",
    "export": "G",
    "outside the scope of VAT": "O",
}
KINDS = [("invoice", 58), ("final invoice", 12), ("deposit", 10), ("credit_note", 20)]
UNITS = ["C62", "HUR", "DAY", "LS", "MTK", "MTR", "KMT", "KGM", "MON"]
LINE_DISCOUNTS = ["5", "10", "12.5", "15", "20", "33.33"]
DOCUMENT_DISCOUNTS = ["2", "5", "7.5", "10", "15"]
TERMS_DAYS = [0, 8, 14, 30, 30, 30, 45, 60]
BUCKETS = [(1, 5), (6, 20), (21, 40)]  # item lines, for the breakdown by size

WORDS = {
    "fr": {
        "items": [
            "Taille de haies",
            "Tonte de pelouse",
            "Conseil en communication",
            "Atelier d'écriture",
            "Réparation de vélo",
            "Traduction d'un document technique",
            "Pose de carrelage",
            "Cours de yoga (séance)",
            "Photographies de l'événement",
            "Conception graphique d'une affiche",
            "Développement d'un module web",
            "Frais de déplacement",
            "Fournitures diverses",
            "Maintenance informatique",
            "Animation d'atelier",
            "Rédaction d'articles",
            "Montage vidéo",
            "Location de matériel son",
            "Audit énergétique",
            "Entretien de chaudière",
            "Plantation d'arbustes",
            "Évacuation des déchets verts",
            "Formation bureautique",
            "Accompagnement à la création d'entreprise",
            "Mise en page d'un livret",
        ],
        "details": [
            "Intervention réalisée sur site, matériel compris.",
            "Selon le devis accepté ; quantités relevées contradictoirement.",
            "Prestation effectuée en deux passages, évacuation comprise.",
        ],
        "sections": ["Préparation", "Travaux", "Fournitures", "Suivi", "Options"],
        "texts": ["Travaux réalisés du 3 au 7 mars.", "Accès par la cour # code portail 1942."],
        "deduction": "Geste commercial",
        "deposit": "Acompte de {percent} % sur le devis {quote}",
    },
    "nl": {
        "items": [
            "Tuinonderhoud",
            "Renovatie badkamer",
            "Schilderwerken binnen",
            "Grafisch ontwerp",
            "Vertaling van een handleiding",
            "Fotoreportage",
            "Boekhoudkundig advies",
            "Verplaatsingskosten",
            "Herstelling fiets",
            "Webontwikkeling",
            "Yogales",
            "Workshop keramiek",
            "Dakwerken",
            "Materiaal",
            "Elektriciteitswerken",
            "Snoeiwerk",
            "Coaching",
            "Montage meubilair",
            "Onderhoud verwarmingsketel",
            "Drukwerk folders",
        ],
        "details": [
            "Uitgevoerd ter plaatse, materiaal inbegrepen.",
            "Volgens aanvaarde offerte; hoeveelheden samen opgemeten.",
            "In twee beurten uitgevoerd, afvoer inbegrepen.",
        ],
        "sections": ["Voorbereiding", "Werken", "Materiaal", "Opvolging", "Opties"],
        "texts": [
            "Werken uitgevoerd van 3 tot 7 maart.",
            "Toegang via de achteringang # code 1942.",
        ],
        "deduction": "Commerciële korting",
        "deposit": "Voorschot van {percent} % op offerte {quote}",
    },
}
WORDS["en"] = WORDS["fr"]
SPECIAL = " & accessoires <inox> « premium » #3 'spécial' €"
LONG = (
    " — comprenant l'étude préalable, la préparation du support, deux couches de finition, le "
    "nettoyage du chantier et l'évacuation de tous les déchets vers une filière agréée"
)

MONEY = D("0.01")


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def _stats(times: list[float]) -> dict:
    from bench.run import percentile

    ordered = sorted(times)
    return {
        "n": len(ordered),
        "mean_ms": _ms(statistics.fmean(ordered)) if ordered else None,
        "p50_ms": _ms(percentile(ordered, 0.50)) if ordered else None,
        "p95_ms": _ms(percentile(ordered, 0.95)) if ordered else None,
        "max_ms": _ms(ordered[-1]) if ordered else None,
    }


# --- base documents ----------------------------------------------------------------------------


def _holder(jurisdiction: str):
    from compagnon.members.models import ActivityMembership, ActivityRole, ActivityStatus

    membership = (
        ActivityMembership.objects.filter(
            role=ActivityRole.HOLDER,
            activity__status=ActivityStatus.ACTIVE,
            activity__entity__jurisdiction=jurisdiction,
        )
        .select_related("activity__entity", "member__user")
        .order_by("activity_id")
        .first()
    )
    if membership is None:
        raise SystemExit(f"bench: no active {jurisdiction} demo activity to issue e-invoices from.")
    return membership.member, membership.activity


def _extra_documents() -> list[dict]:
    """What the demo lacks, issued through the services on two demo activities, then rolled back."""
    from django.db import transaction

    from compagnon.einvoice.tests.scenarios import _line, business_client, individual_client, issue
    from compagnon.sales import services

    snapshots = []
    with transaction.atomic():
        member, activity = _holder("FR")
        fr, be, ch = (business_client(activity, c) for c in ("FR", "BE", "CH"))
        person = individual_client(activity, "FR")
        docs = [
            issue(
                member, activity, ch, [_line("Création de logo", "1", "1200", "G", "0", unit="LS")]
            ),
            issue(member, activity, be, [_line("Illustrations", "3", "300", "K", "0", unit="C62")]),
            issue(
                member,
                activity,
                fr,
                [_line("Formation bureautique", "7", "60", "E", "0")],
                exemption_code="fr-training",
            ),
            issue(
                member,
                activity,
                person,
                [_line("Cours de piano", "4", "30", "E", "0")],
                exemption_code="fr-franchise",
            ),
            issue(
                member,
                activity,
                fr,
                [_line("Sous-traitance gros œuvre", "16", "52", "AE", "0")],
                exemption_code="fr-reverse-charge",
            ),
            issue(
                member,
                activity,
                fr,
                [_line("Indemnité", "1", "150", "O", "0", unit="LS")],
                exemption_code="fr-out-of-scope",
            ),
        ]
        member, activity = _holder("BE")
        be, fr, ch = (business_client(activity, c) for c in ("BE", "FR", "CH"))
        person = individual_client(activity, "BE")
        invoice = issue(
            member,
            activity,
            be,
            [
                _line("Consultance", "5", "90", rate="21"),
                _line("Materiaal", "1", "320", rate="6", unit="LS"),
            ],
        )
        note = services.credit_note_for(actor=member.user, invoice=invoice)
        docs += [
            invoice,
            services.issue_document(actor=member.user, document=note),
            issue(
                member,
                activity,
                be,
                [_line("Dakwerken", "16", "52", "AE", "0")],
                exemption_code="be-reverse-charge",
            ),
            issue(member, activity, be, [_line("Kranten", "10", "2.5", "Z", "0", unit="C62")]),
            issue(
                member, activity, be, [_line("Schadevergoeding", "1", "150", "O", "0", unit="LS")]
            ),
            issue(member, activity, person, [_line("Tuinonderhoud", "3", "38", rate="21")]),
            issue(member, activity, fr, [_line("Vertaling", "1", "640", "K", "0", unit="LS")]),
            issue(member, activity, ch, [_line("Webontwikkeling", "20", "75", "G", "0")]),
            issue(
                member,
                activity,
                be,
                [_line("Opleiding", "2", "400", "E", "0", unit="DAY")],
                exemption_code="be-art44",
            ),
        ]
        snapshots = [copy.deepcopy(doc.frozen) for doc in docs]
        transaction.set_rollback(True)
    return snapshots


def base_snapshots() -> tuple[list[dict], int, int]:
    """(snapshots, demo documents, documents issued for the bench)."""
    from compagnon.sales.models import Document, Kind, State

    demo = [
        copy.deepcopy(frozen)
        for frozen in Document.objects.filter(
            state=State.ISSUED, kind__in=[Kind.INVOICE, Kind.DEPOSIT, Kind.CREDIT_NOTE]
        )
        .order_by("id")
        .values_list("frozen", flat=True)
    ]
    extra = _extra_documents()
    return demo + extra, len(demo), len(extra)


# --- variants ----------------------------------------------------------------------------------


def _buyer_class(buyer: dict, seller_country: str) -> str:
    country = (buyer.get("country") or "").upper()
    if buyer.get("kind") == "individual":
        return "individual" if country == seller_country else ""
    if country not in EU:
        return "non-eu"
    if not buyer.get("vat_number"):
        return ""
    return "domestic" if country == seller_country else "eu"


class Variator:
    """N varied, arithmetically exact snapshots from the base documents (deterministic)."""

    def __init__(self, bases: list[dict], seed: int = SEED):
        self.rng = random.Random(seed)
        self.sellers = {"BE": [], "FR": []}
        for snap in bases:
            country = snap["seller"].get("jurisdiction")
            if country in self.sellers and snap.get("language") in WORDS:
                self.sellers[country].append(snap)
        buyers, seen = [], set()
        for snap in bases:
            key = json.dumps(snap["buyer"], sort_keys=True)
            if key not in seen:
                seen.add(key)
                buyers.append(snap["buyer"])
        self.buyers = {
            (country, cls): [b for b in buyers if _buyer_class(b, country) == cls]
            for country in self.sellers
            for cls in ("domestic", "individual", "eu", "non-eu")
        }

    # small draws

    def _pick(self, weighted):
        return self.rng.choices([w[0] for w in weighted], weights=[w[1] for w in weighted])[0]

    def _description(self, words: dict) -> str:
        rng = self.rng
        text = rng.choice(words["items"])
        r = rng.random()
        if r < 0.15:
            text += f" (lot {rng.randint(1, 12)})"
        elif r < 0.23:
            text += "\n" + rng.choice(words["details"])
        elif r < 0.27:
            text += LONG
        elif r < 0.31:
            text += SPECIAL
        elif r < 0.32:
            text += " 🌱"
        return text

    def _quantity(self) -> D:
        rng = self.rng
        r = rng.random()
        if r < 0.5:
            q = D(rng.randint(1, 12))
        elif r < 0.85:
            q = D(rng.randint(1, 4000)) / D(rng.choice([10, 100, 1000]))
        else:
            q = D(rng.randint(20, 2500))
        return q.quantize(D("0.001"))

    def _price(self) -> D:
        rng = self.rng
        r = rng.random()
        if r < 0.6:
            p = D(rng.randint(100, 250_000)) / 100
        elif r < 0.9:
            p = D(rng.randint(5, 150))
        else:
            p = D(rng.randint(1, 99_999)) / 10_000
        return p.quantize(D("0.0001"))

    def _line_count(self) -> int:
        r = self.rng.random()
        if r < 0.5:
            return self.rng.randint(1, 5)
        if r < 0.8:
            return self.rng.randint(6, 20)
        return self.rng.randint(21, 40)

    def _categories(self, regime: str, country: str, rules) -> tuple[list[tuple[str, str]], object]:
        """(category, rate) choices for the lines, and the exemption the document names (or None)."""
        rng = self.rng
        rates = list(RATES[country])
        standard = [("S", r) for r in rng.sample(rates, k=rng.choice([1, 1, 1, 2, 2, 3]))]
        exemption = None
        if regime == "standard":
            return standard, None
        if regime == "standard + zero rate":
            return standard + [("Z", "0")], None
        if regime == "standard + exempt":
            # not a franchise: a business under the franchise charges no VAT at all
            options = [e for e in rules.exemptions_for("E") if "franchise" not in e.code]
            return standard + [("E", "0")], rng.choice(options)
        category = SINGLE_CATEGORY[regime]
        options = rules.exemptions_for(category)
        if options:
            exemption = rng.choice(options)
        return [(category, "0")], exemption

    # the snapshot

    def variant(self, index: int) -> dict:
        from django.utils import translation
        from django.utils.formats import date_format

        from compagnon import jurisdictions
        from compagnon.sales import payment
        from compagnon.sales.calculation import Line, compute, money
        from compagnon.sales.models import UNIT_CHOICES, Kind

        rng = self.rng
        country = rng.choice(["BE", "FR"])
        base = rng.choice(self.sellers[country])
        rules = jurisdictions.get(country)
        while True:
            regime, _weight, classes = self.rng.choices(REGIMES, weights=[r[1] for r in REGIMES])[0]
            classes = [c for c in classes if self.buyers[(country, c)]]
            if classes:
                break
        # the class first (so that the few individuals of the demo are not drowned), then a buyer
        cls = rng.choices(classes, weights=[BUYER_CLASS_WEIGHTS[c] for c in classes])[0]
        buyer = copy.deepcopy(rng.choice(self.buyers[(country, cls)]))
        if rng.random() < 0.08:
            buyer["site"] = [
                "Chantier, 12 rue des Acacias" if country == "FR" else "Werf, Kerkstraat 12",
                "44300 Nantes" if country == "FR" else "9000 Gent",
            ]
        kind = self._pick(KINDS)
        final = kind == "final invoice"
        if final:
            kind = "invoice"
        credit = kind == "credit_note"
        language = base["language"]
        words = WORDS[language]
        choices, exemption = self._categories(regime, country, rules)
        issue_date = datetime.date.fromisoformat(base["issue_date"])
        year = issue_date.year
        sequence = 50_000 + index
        number = rules.number_patterns["credit_note" if credit else "invoice"].format(
            year=year, seq=sequence
        )
        quote = f"D{year}-{rng.randint(1, 9999):05}"

        # lines
        items = []
        if kind == "deposit":
            percent = rng.choice(["20", "30", "40", "50"])
            for category, rate in choices[: rng.randint(1, len(choices))]:
                items.append(
                    {
                        "description": words["deposit"].format(percent=percent, quote=quote),
                        "quantity": D("1.000"),
                        "unit": "LS",
                        "unit_price": self._price(),
                        "discount_percent": D("0.00"),
                        "vat_category": category,
                        "vat_rate": rate,
                    }
                )
        else:
            count = self._line_count()
            drawn = [rng.choice(choices) for _ in range(count)]
            if count >= len(choices):  # every category drawn appears on a line
                for position, choice in zip(
                    rng.sample(range(count), len(choices)), choices, strict=True
                ):
                    drawn[position] = choice
            for category, rate in drawn:
                discount = rng.choice(LINE_DISCOUNTS) if rng.random() < 0.12 else "0"
                items.append(
                    {
                        "description": self._description(words),
                        "quantity": self._quantity(),
                        "unit": rng.choice(UNITS),
                        "unit_price": self._price(),
                        "discount_percent": D(discount),
                        "vat_category": category,
                        "vat_rate": rate,
                    }
                )
            if 2 <= len(items) < 40 and rng.random() < 0.05:  # a deduction line: negative price
                victim = rng.choice(items)
                gross = victim["quantity"] * victim["unit_price"]
                items.append(
                    {
                        "description": words["deduction"],
                        "quantity": D("1.000"),
                        "unit": "C62",
                        "unit_price": -(gross * D(rng.randint(5, 40)) / 100).quantize(D("0.01")),
                        "discount_percent": D("0.00"),
                        "vat_category": victim["vat_category"],
                        "vat_rate": victim["vat_rate"],
                    }
                )
        for item in items:
            item["vat_rate"] = D(item["vat_rate"]).quantize(MONEY)
            item["discount_percent"] = D(item["discount_percent"]).quantize(MONEY)

        def calc(discount_percent=D("0"), discount_amount=D("0"), prepaid=D("0"), charge=D("0")):
            return compute(
                [
                    Line(
                        quantity=i["quantity"],
                        unit_price=i["unit_price"],
                        vat_category=i["vat_category"],
                        vat_rate=i["vat_rate"],
                        discount_percent=i["discount_percent"],
                    )
                    for i in items
                ],
                discount_percent=discount_percent,
                discount_amount=discount_amount,
                prepaid=prepaid,
                charge_amount=charge,
            )

        totals = calc()
        discount_percent = discount_amount = D("0.00")
        if kind != "deposit":
            r = rng.random()
            if r < 0.18 or 0.28 <= r < 0.31:
                discount_percent = D(rng.choice(DOCUMENT_DISCOUNTS)).quantize(MONEY)
            if 0.18 <= r < 0.31 and totals.line_total > 20:
                discount_amount = min(
                    D(rng.randint(5, 200)), (totals.line_total / 4).quantize(MONEY)
                )
        # an additional charge (travel costs, delivery: BG-21) on 15 % of the invoices and credit notes
        charge, charge_reason = D("0.00"), ""
        if kind != "deposit" and rng.random() < 0.15:
            charge = D(rng.choice(["12.50", "25", "30", "45", "60", "85.40"])).quantize(MONEY)
            charge_reason = rng.choice(CHARGE_REASONS[language])
        prepaid = D("0.00")
        totals = calc(discount_percent, discount_amount, charge=charge)
        deposits = []
        if final:
            prepaid = money(totals.tax_inclusive * D(rng.choice(["0.2", "0.3", "0.4", "0.5"])))
            for n in range(rng.choice([1, 1, 2])):
                deposits.append(
                    {
                        "number": f"F{year}-{rng.randint(1, 9999):05}",
                        "issue_date": (
                            issue_date - datetime.timedelta(days=30 * (2 - n))
                        ).isoformat(),
                    }
                )
            totals = calc(discount_percent, discount_amount, prepaid, charge)
        if any(c.taxable <= 0 for c in totals.categories):
            return self.variant(index)  # tiny quantities × prices rounded a category to 0: redraw

        # the snapshot, as sales.freeze.snapshot writes it
        snap = copy.deepcopy(base)
        units = dict(UNIT_CHOICES)
        with translation.override(language):
            categories = {c.category for c in totals.categories}
            reasons, mentions = {}, []
            for category in sorted(categories):
                chosen = (
                    exemption
                    if exemption and exemption.category == category
                    else rules.default_exemption(category)
                )
                if chosen:
                    mentions.append(str(chosen.mention))
                    reasons[category] = (chosen.vatex, str(chosen.mention))
            if buyer.get("kind") != "individual" and not credit:
                mentions += [str(m) for m in rules.business_mentions()]
            nets = iter(totals.line_nets)
            lines = []
            for item in items:
                q = item["quantity"]
                lines.append(
                    {
                        "kind": "item",
                        "description": item["description"],
                        "quantity": format(q.normalize(), "f") if q == q.to_integral() else str(q),
                        "unit": item["unit"],
                        "unit_label": str(units.get(item["unit"], item["unit"])),
                        "unit_price": str(item["unit_price"]),
                        "discount_percent": str(item["discount_percent"]),
                        "vat_category": item["vat_category"],
                        "vat_rate": str(item["vat_rate"]),
                        "net": str(next(nets)),
                    }
                )
            if len(lines) >= 4 and rng.random() < 0.15:
                for position in sorted(
                    rng.sample(range(len(lines)), k=min(3, len(lines) // 4)), reverse=True
                ):
                    lines.insert(
                        position, {"kind": "section", "description": rng.choice(words["sections"])}
                    )
            if rng.random() < 0.06:
                lines.insert(
                    rng.randrange(len(lines) + 1),
                    {"kind": "text", "description": rng.choice(words["texts"])},
                )
            terms_days = None if credit else rng.choice(TERMS_DAYS)
            due_date = (
                issue_date + datetime.timedelta(days=terms_days) if terms_days is not None else None
            )
            reference_kind, reference = (
                ("", "") if credit else payment.reference_for(country, year, sequence)
            )
            seller = snap["seller"]
            credited = f"F{year}-{rng.randint(1, 9999):05}" if credit else ""
            credited_date = issue_date - datetime.timedelta(days=rng.randint(0, 90))
            snap.update(
                {
                    "kind": kind,
                    "kind_label": str(Kind(kind).label),
                    "number": number,
                    "due_date": due_date.isoformat() if due_date else "",
                    "due_date_display": date_format(due_date) if due_date else "",
                    "title": "",
                    "buyer": buyer,
                    "lines": lines,
                    "vat": [
                        {
                            "category": c.category,
                            "rate": str(c.rate),
                            "taxable": str(c.taxable),
                            "tax": str(c.tax),
                            "allowance": str(c.allowances),
                            "charge": str(c.charges),
                            "exemption_code": reasons.get(c.category, ("", ""))[0],
                            "exemption_reason": reasons.get(c.category, ("", ""))[1],
                        }
                        for c in totals.categories
                    ],
                    "totals": {
                        "line_total": str(totals.line_total),
                        "allowance_total": str(totals.allowance_total),
                        "charge_total": str(totals.charge_total),
                        "tax_exclusive": str(totals.tax_exclusive),
                        "tax_total": str(totals.tax_total),
                        "tax_inclusive": str(totals.tax_inclusive),
                        "prepaid": str(totals.prepaid),
                        "payable": str(totals.payable),
                    },
                    "discount_percent": str(discount_percent),
                    "discount_amount": str(discount_amount),
                    "charge_amount": str(charge),
                    "charge_reason": charge_reason,
                    "mentions": mentions,
                    "references": {
                        "quote": quote
                        if (final or kind == "deposit" or rng.random() < 0.1)
                        else "",
                        "credited": credited,
                        "credited_date": date_format(credited_date) if credit else "",
                        "order": f"PO-{rng.randint(100, 99999)}" if rng.random() < 0.25 else "",
                        "buyer": f"BR-{rng.randint(100, 99999)}" if rng.random() < 0.2 else "",
                        "credited_issue_date": credited_date.isoformat() if credit else "",
                        "deposits": deposits,
                    },
                    "allowances": [
                        {"category": c, "rate": str(r), "amount": str(a)}
                        for c, r, a in totals.allowances
                    ],
                    "charges": [
                        {"category": c, "rate": str(r), "amount": str(a), "reason": charge_reason}
                        for c, r, a in totals.charges
                    ],
                    "exemption_code": exemption.code if exemption else "",
                }
            )
            snap["payment"] = {
                **snap["payment"],
                "reference_kind": reference_kind,
                "reference": reference,
                "reference_display": payment.display(reference_kind, reference),
                "terms_days": terms_days,
                "qr": ""
                if credit
                else payment.epc_qr_payload(
                    name=seller.get("legal_name") or seller["name"],
                    iban=seller.get("iban") or "",
                    bic=seller.get("bic") or "",
                    amount=totals.payable,
                    kind=reference_kind,
                    reference=reference,
                ),
            }
        snap["_bench"] = {
            "regime": regime,
            "kind": "final invoice" if final else kind,
            "items": len(items),
        }
        check_arithmetic(snap)
        return snap

    def variants(self, n: int) -> list[dict]:
        return [self.variant(i) for i in range(n)]


def check_arithmetic(snap: dict) -> None:
    """Lines, VAT breakdown, allowances, charges and totals agree (EN 16931 BR-CO-10..16)."""
    t = {k: D(v) for k, v in snap["totals"].items()}
    nets = sum((D(x["net"]) for x in snap["lines"] if x["kind"] == "item"), D("0"))
    allowances = sum((D(a["amount"]) for a in snap["allowances"]), D("0"))
    charges = sum((D(c["amount"]) for c in snap.get("charges", [])), D("0"))
    taxable = sum((D(v["taxable"]) for v in snap["vat"]), D("0"))
    tax = sum((D(v["tax"]) for v in snap["vat"]), D("0"))
    problems = [
        name
        for name, ok in (
            ("line_total", nets == t["line_total"]),
            ("allowance_total", allowances == t["allowance_total"]),
            ("charge_total", charges == t["charge_total"]),
            (
                "tax_exclusive",
                t["tax_exclusive"] == t["line_total"] - t["allowance_total"] + t["charge_total"] == taxable,
            ),
            ("tax_total", tax == t["tax_total"]),
            ("tax_inclusive", t["tax_inclusive"] == t["tax_exclusive"] + t["tax_total"]),
            ("payable", t["payable"] == t["tax_inclusive"] - t["prepaid"]),
            ("positive bases", all(D(v["taxable"]) > 0 for v in snap["vat"])),
        )
        if not ok
    ]
    if problems:
        raise AssertionError(
            f"bench: variant {snap['number']} does not add up: {', '.join(problems)}"
        )


# --- measuring ---------------------------------------------------------------------------------


COMPILE_SCRIPT = """
import json, sys, time
import django
django.setup()
from compagnon.einvoice import validation
out = {}
for name in sys.argv[1:]:
    t = time.perf_counter()
    validation.warm_up([name])
    out[name] = time.perf_counter() - t
print(json.dumps(out))
"""


def compile_times() -> dict:
    """Seconds to compile each rule set, in a fresh process (this one compiled them already)."""
    from bench.run import ROOT

    done = subprocess.run(
        [sys.executable, "-c", COMPILE_SCRIPT, *RULE_SETS],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _timed(fn, items) -> tuple[list[float], list]:
    gc.collect()
    times, results = [], []
    for item in items:
        t = time.perf_counter()
        result = fn(item)
        times.append(time.perf_counter() - t)
        results.append(result)
    return times, results


def render_pdfs(snapshots: list[dict]) -> tuple[list[bytes], list[float], list[int]]:
    """PDF_COUNT distinct PDFs from variants spread over the run (after one warm-up render)."""
    from bench.sales import pdf_pages
    from compagnon.sales.pdf import render_pdf

    step = max(1, len(snapshots) // PDF_COUNT)
    chosen = snapshots[::step][:PDF_COUNT]
    render_pdf(chosen[0])  # fonts and templates load once per process
    times, pdfs = _timed(render_pdf, chosen)
    return pdfs, times, [pdf_pages(p) for p in pdfs]


def run(args) -> dict:
    from django.core.exceptions import ValidationError

    from compagnon.einvoice import cii, facturx, services, ubl, validation

    n = args.einvoices
    started = time.perf_counter()
    print(f"\n== e-invoices: {n} varied documents (seed {SEED})")
    t = time.perf_counter()
    bases, demo_count, extra_count = base_snapshots()
    variator = Variator(bases)
    snapshots = variator.variants(n)
    make_s = time.perf_counter() - t
    print(
        f"  {len(bases)} base documents ({demo_count} demo, {extra_count} issued for the bench), "
        f"{n} variants in {make_s:.1f} s"
    )

    compiled = compile_times()
    print(
        "  rule set compile (fresh process): "
        + ", ".join(f"{k} {v:.2f} s" for k, v in compiled.items())
    )
    validation.warm_up(RULE_SETS)  # already done by seed_demo's issuing; makes sure

    pdfs, pdf_times, pdf_pages_ = render_pdfs(snapshots)
    pdf_stats = {**_stats(pdf_times), "pages": pdf_pages_, "bytes": [len(p) for p in pdfs]}
    print(
        f"  render_pdf ×{len(pdfs)}: mean {pdf_stats['mean_ms']:.0f} ms, {min(pdf_pages_)}–{max(pdf_pages_)} "
        f"pages, {min(map(len, pdfs)) // 1024}–{max(map(len, pdfs)) // 1024} KiB"
    )

    indexed = list(enumerate(snapshots))
    warm = snapshots[:WARM_UP]
    for snap in warm:  # untimed first calls: imports, lxml and factur-x caches, the cached XSD
        ubl.build(snap, pdf=pdfs[0], pdf_name="warm-up.pdf")
        facturx.embed(pdfs[0], cii.build(snap), lang=snap.get("language", "fr"))
    ubl_times, ubl_xml = _timed(ubl.build, snapshots)
    ubl_pdf_times, _ = _timed(
        lambda item: ubl.build(
            item[1], pdf=pdfs[item[0] % len(pdfs)], pdf_name=f"{item[1]['number']}.pdf"
        ),
        indexed,
    )
    cii_times, cii_xml = _timed(cii.build, snapshots)
    fx_times, _ = _timed(
        lambda i: facturx.embed(
            pdfs[i % len(pdfs)], cii_xml[i], lang=snapshots[i].get("language", "fr")
        ),
        range(n),
    )
    print(f"  generation done ({time.perf_counter() - started:.0f} s)")

    # validation: every rule set on the documents it applies to, one call per rule set
    per_rule: dict[str, list[float]] = {name: [] for name in RULE_SETS}
    per_doc = {"ubl": [0.0] * n, "cii": [0.0] * n}
    failed = {"ubl": set(), "cii": set()}
    fired, warned = Counter(), Counter()
    for syntax, xmls in (("ubl", ubl_xml), ("cii", cii_xml)):
        for i in range(min(WARM_UP, n)):  # untimed: templates a first document did not reach
            validation.validate(xmls[i], services.rule_sets_for(snapshots[i], syntax))
        gc.collect()
        for i, snap in indexed:
            for name in services.rule_sets_for(snap, syntax):
                t = time.perf_counter()
                report = validation.validate(xmls[i], [name])
                elapsed = time.perf_counter() - t
                per_rule[name].append(elapsed)
                per_doc[syntax][i] += elapsed
                if report.errors:
                    failed[syntax].add(i)
                    fired.update(f"{f.rule_set} {f.id}" for f in report.errors)
                warned.update(f"{f.rule_set} {f.id}" for f in report.warnings)
    print(f"  validation done ({time.perf_counter() - started:.0f} s)")

    # the issue-time check (build and validate the default format) on every CHECK_EVERY-th
    # document, each paired with the validation alone of the same XML, the order alternating:
    # both see the same machine load, so their ratio holds on a busy machine.
    checked = list(range(0, n, CHECK_EVERY))
    check_times, alone_times, refused = [], [], []
    gc.collect()
    for k, i in enumerate(checked):
        snap = snapshots[i]
        fmt = services.default_format(snap["seller"]["jurisdiction"])
        syntax = services.syntax_of(fmt)
        xml = ubl_xml[i] if syntax == "ubl" else cii_xml[i]
        rule_sets = services.rule_sets_for(snap, syntax)
        for step in (0, 1) if k % 2 == 0 else (1, 0):
            t = time.perf_counter()
            if step == 0:
                try:
                    services.check(snap, fmt)
                except ValidationError:
                    refused.append(i)
                check_times.append(time.perf_counter() - t)
            else:
                validation.validate(xml, rule_sets)
                alone_times.append(time.perf_counter() - t)
    print(f"  check at issue done ({time.perf_counter() - started:.0f} s)")

    # baseline: each rule set as published (validation._speed_up not applied) against the
    # rewritten one on the same every CHECK_EVERY-th documents, the order alternating
    validation.warm_up(RULE_SETS, as_published=True)
    published = {name: [] for name in RULE_SETS}
    rewritten = {name: [] for name in RULE_SETS}
    gc.collect()
    for k, i in enumerate(checked):
        for syntax, xmls in (("ubl", ubl_xml), ("cii", cii_xml)):
            for name in services.rule_sets_for(snapshots[i], syntax):
                for as_published in (True, False) if k % 2 == 0 else (False, True):
                    t = time.perf_counter()
                    validation.validate(xmls[i], [name], as_published=as_published)
                    (published if as_published else rewritten)[name].append(time.perf_counter() - t)
    suite_s = time.perf_counter() - started
    print(f"  rule sets as published done ({suite_s:.0f} s for the suite)")

    # figures
    generation = {
        "ubl": _stats(ubl_times),
        "ubl_with_pdf": _stats(ubl_pdf_times),
        "cii": _stats(cii_times),
        "facturx_embed": _stats(fx_times),
        "facturx_pdf": _stats([c + f for c, f in zip(cii_times, fx_times, strict=True)]),
    }
    validation_stats = {name: _stats(times) for name, times in per_rule.items()}
    per_doc_stats = {syntax: _stats(times) for syntax, times in per_doc.items()}

    def ratio(a: list[float], b: list[float]) -> float:
        return round(sum(a) / sum(b), 3) if sum(b) else float("nan")

    ratios = {
        "ubl_build_over_ubl_validation": ratio(ubl_times, per_doc["ubl"]),
        "cii_build_over_cii_validation": ratio(cii_times, per_doc["cii"]),
        "facturx_pdf_over_cii_validation": ratio(
            [c + f for c, f in zip(cii_times, fx_times, strict=True)], per_doc["cii"]
        ),
        "check_over_validation_alone": ratio(check_times, alone_times),
        "rewritten_over_published": {
            name: ratio(rewritten[name], published[name]) for name in RULE_SETS if published[name]
        },
    }
    buckets = []
    for low, high in BUCKETS:
        members = [i for i, s in indexed if low <= s["_bench"]["items"] <= high]
        if not members:
            continue
        buckets.append(
            {
                "items": f"{low}–{high}",
                "documents": len(members),
                "ubl_build_mean_ms": _ms(statistics.fmean(ubl_times[i] for i in members)),
                "cii_build_mean_ms": _ms(statistics.fmean(cii_times[i] for i in members)),
                "ubl_validation_mean_ms": _ms(statistics.fmean(per_doc["ubl"][i] for i in members)),
                "cii_validation_mean_ms": _ms(statistics.fmean(per_doc["cii"][i] for i in members)),
            }
        )
    passing = [i for i in range(n) if i not in failed["ubl"] and i not in failed["cii"]]
    return {
        "documents": n,
        "seed": SEED,
        "base_documents": {"demo": demo_count, "issued_for_bench": extra_count},
        "variety": {
            "kinds": dict(Counter(s["_bench"]["kind"] for s in snapshots)),
            "regimes": dict(Counter(s["_bench"]["regime"] for s in snapshots)),
            "sellers": dict(Counter(s["seller"]["jurisdiction"] for s in snapshots)),
            "buyers": dict(
                Counter(
                    s["buyer"].get("kind", "") + " " + s["buyer"].get("country", "")
                    for s in snapshots
                )
            ),
            "item_lines": {
                "min": min(s["_bench"]["items"] for s in snapshots),
                "mean": round(statistics.fmean(s["_bench"]["items"] for s in snapshots), 1),
                "max": max(s["_bench"]["items"] for s in snapshots),
            },
            "with_document_discount": sum(1 for s in snapshots if s["allowances"]),
            "with_charge": sum(1 for s in snapshots if s.get("charges")),
            "with_deposits_deducted": sum(1 for s in snapshots if s["references"]["deposits"]),
            "peppol_reachable": sum(1 for s in snapshots if services.peppol_reachable(s)),
            "ubl_bytes_mean": round(statistics.fmean(len(x) for x in ubl_xml)),
            "cii_bytes_mean": round(statistics.fmean(len(x) for x in cii_xml)),
        },
        "variants_seconds": round(make_s, 2),
        "compile_seconds": {k: round(v, 3) for k, v in compiled.items()},
        "pdf_render": pdf_stats,
        "generation": generation,
        "validation_per_rule_set": validation_stats,
        "validation_per_document": per_doc_stats,
        "check_at_issue": _stats(check_times),
        "validation_as_published": {name: _stats(t) for name, t in published.items() if t},
        "validation_alone_default_format": _stats(alone_times),
        "checked_documents": f"every {CHECK_EVERY}th: {len(checked)}",
        "ratios": ratios,
        "by_size": buckets,
        "passed": {
            "all_rule_sets": len(passing),
            "ubl": n - len(failed["ubl"]),
            "cii": n - len(failed["cii"]),
            "check_at_issue": f"{len(checked) - len(refused)}/{len(checked)}",
            "fired_errors": dict(fired.most_common(20)),
            "fired_warnings": dict(warned.most_common(20)),
            "failing_examples": [
                {
                    "index": i,
                    **snapshots[i]["_bench"],
                    "seller": snapshots[i]["seller"]["jurisdiction"],
                }
                for i in sorted(failed["ubl"] | failed["cii"])[:10]
            ],
        },
        "budgets": {"generation_ms": GENERATION_BUDGET_MS, "validation_ms": VALIDATION_BUDGET_MS},
        "suite_seconds": round(suite_s, 1),
    }


# --- report ------------------------------------------------------------------------------------


def _verdict(value: float | None, budget: float | None) -> str:
    if budget is None or value is None:
        return "—"
    return "OK" if value <= budget else "OVER"


def report(results: dict) -> dict:
    """Print the figures table; the results are returned for einvoice-results.json."""
    n = results["documents"]
    header = f"{'e-invoice, per document':<34} {'n':>5} {'mean':>9} {'p50':>9} {'p95':>9} {'budget':>8}  verdict"
    print(f"\n{header}\n{'-' * len(header)}")

    def row(label, stats, budget=None):
        print(
            f"{label:<34} {stats['n']:>5} {stats['mean_ms']:>7.2f}ms {stats['p50_ms']:>7.2f}ms "
            f"{stats['p95_ms']:>7.2f}ms {(f'{budget:.0f}ms' if budget else '—'):>8}  "
            f"{_verdict(stats['mean_ms'], budget)}"
        )

    g = results["generation"]
    row("generate UBL", g["ubl"], GENERATION_BUDGET_MS)
    row("generate UBL, PDF embedded", g["ubl_with_pdf"], GENERATION_BUDGET_MS)
    row("generate CII", g["cii"], GENERATION_BUDGET_MS)
    row("Factur-X: embed CII in the PDF", g["facturx_embed"])
    row("Factur-X PDF: CII + embed", g["facturx_pdf"])
    for name, stats in results["validation_per_rule_set"].items():
        if stats["n"]:
            row(f"validate {name}", stats, VALIDATION_BUDGET_MS)
    row("validation, all UBL rule sets", results["validation_per_document"]["ubl"])
    row("validation, all CII rule sets", results["validation_per_document"]["cii"])
    row("validation alone, default format", results["validation_alone_default_format"])
    row("check at issue (build + validate)", results["check_at_issue"])
    row("render_pdf (reference)", results["pdf_render"])
    for name, stats in results["validation_as_published"].items():
        row(f"baseline: {name} as published", stats)

    r = results["ratios"]
    print(
        f"\nratios (sum over the documents): UBL build / UBL validation {r['ubl_build_over_ubl_validation']:.3f}, "
        f"CII build / CII validation {r['cii_build_over_cii_validation']:.3f}, Factur-X PDF / CII validation "
        f"{r['facturx_pdf_over_cii_validation']:.2f}; check at issue / validation alone "
        f"{r['check_over_validation_alone']:.3f}"
    )
    print(
        "rule sets as run / as published (same documents, interleaved): "
        + ", ".join(f"{k} {v:.2f}" for k, v in r["rewritten_over_published"].items())
    )
    print(
        "rule set compile, one-off per process: "
        + ", ".join(f"{k} {v:.2f} s" for k, v in results["compile_seconds"].items())
        + f" (total {sum(results['compile_seconds'].values()):.1f} s)"
    )
    print(
        f"\n{'item lines':<12} {'docs':>5} {'UBL gen':>9} {'CII gen':>9} {'UBL valid.':>11} {'CII valid.':>11} "
        "  (means)"
    )
    for b in results["by_size"]:
        print(
            f"{b['items']:<12} {b['documents']:>5} {b['ubl_build_mean_ms']:>7.2f}ms {b['cii_build_mean_ms']:>7.2f}ms "
            f"{b['ubl_validation_mean_ms']:>9.2f}ms {b['cii_validation_mean_ms']:>9.2f}ms"
        )
    p = results["passed"]
    print(
        f"\nvalid: {p['all_rule_sets']}/{n} documents pass every rule set that applies to them in both syntaxes "
        f"(UBL {p['ubl']}/{n}, CII {p['cii']}/{n}); the issue-time check accepts {p['check_at_issue']}"
    )
    if p["fired_errors"]:
        print("  errors fired: " + ", ".join(f"{k} ×{v}" for k, v in p["fired_errors"].items()))
    if p["fired_warnings"]:
        print(
            "  warnings (not blocking): "
            + ", ".join(f"{k} ×{v}" for k, v in p["fired_warnings"].items())
        )
    v = results["variety"]
    print(
        f"variety: {v['kinds']}; {v['sellers']}; item lines {v['item_lines']['min']}–{v['item_lines']['max']} "
        f"(mean {v['item_lines']['mean']}); {v['with_document_discount']} with a document discount, "
        f"{v['with_charge']} with an additional charge, "
        f"{v['with_deposits_deducted']} deducting deposits; regimes {v['regimes']}"
    )
    over = [
        k
        for k, s in results["generation"].items()
        if k in ("ubl", "ubl_with_pdf", "cii") and s["mean_ms"] > GENERATION_BUDGET_MS
    ]
    over += [
        k
        for k, s in results["validation_per_rule_set"].items()
        if s["n"] and s["mean_ms"] > VALIDATION_BUDGET_MS
    ]
    results["over_budget"] = over
    print(
        f"e-invoice suite: {results['suite_seconds']:.0f} s; "
        + (f"OVER budget: {', '.join(over)}" if over else "every budget met (on the mean)")
    )
    return results
