"""The rows of one chunk of scale invoices: what a member would type, the documents, their lines,
VAT breakdown and ledger entries as plain tuples (mixed into ``sales.scale.InvoiceGenerator``)."""

from __future__ import annotations

import datetime
import json
import time
from decimal import Decimal

from django.core.management.base import CommandError

from compagnon.clients.models import Client
from compagnon.core.bulk import Table
from compagnon.ledger.models import Entry, EntryLine
from compagnon.members.models import (
    Activity,
)
from compagnon.members.scale import _pick
from compagnon.sales import accounting
from compagnon.sales.calculation import ROUNDING_RULE, Line, compute, money
from compagnon.sales.freeze import snapshot
from compagnon.sales.models import (
    SERIES,
    Document,
    DocumentLine,
    Kind,
    VatBreakdown,
)
from compagnon.sales.scale_data import (
    ALT_RATE,
    CREDIT_NOTE,
    D5,
    D10,
    DISCOUNT_AMOUNTS,
    DOCUMENT_FIELDS,
    DOCUMENT_LINE_FIELDS,
    ENTRY_FIELDS,
    ENTRY_LINE_FIELDS,
    EXEMPT_TRADES,
    EXEMPTION,
    INVOICE,
    ISSUED,
    ITEM,
    JOB_LANG,
    LINE_COUNTS,
    SECTION,
    TEXTS,
    VAT_FIELDS,
    ZERO2,
    ZERO3,
    ZERO4,
    ActivityInfo,
    Books,
    payment_reference,
    qr_payload,
    reference_display,
)


class DocumentRows:


    def template(self, b: Books, language, kind, business, categories, exemption) -> tuple:
        """The parts of the snapshot that depend only on the seller, the language, the kind of
        document and client and the VAT categories: taken from the real ``snapshot()`` of a
        stand-in document, once per combination. Returns (JSON fragment of the fixed keys, the
        "seller" block as a JSON fragment open on its "trade_name" — the activity's name —,
        {VAT category: (exemption code, exemption reason)}, the "payment" block as a JSON fragment
        open after the seller's part: means, IBAN, BIC)."""
        key = (b.entity.pk, language, kind, business, categories, exemption)
        s = self._templates.get(key)
        if s is not None:
            return s
        doc = Document(
            entity=b.entity,
            activity=Activity(entity=b.entity, name="-"),
            client=Client(kind="company" if business else "individual", name="-"),
            kind=kind,
            language=language,
            exemption_code=exemption,
        )
        lines = [
            DocumentLine(
                description="-",
                quantity=Decimal("1"),
                unit_price=Decimal("1"),
                vat_category=cat,
                vat_rate=ZERO2 if cat != "S" else b.rate_std,
            )
            for cat in sorted(categories)
        ]
        snap = snapshot(doc, lines=lines, freeze_logo=False)
        fixed = {
            k: snap[k]
            for k in (
                "kind",
                "kind_label",
                "language",
                "currency",
                "valid_until_display",
                "mentions",
                "notes",
                "exemption_code",
            )
        }
        seller = dict(snap["seller"])
        del seller["trade_name"]
        seller_head = (
            '"seller": ' + json.dumps(seller, ensure_ascii=False)[:-1] + ', "trade_name": '
        )
        reasons = {v["category"]: (v["exemption_code"], v["exemption_reason"]) for v in snap["vat"]}
        missing = set(categories) - set(reasons)
        if missing:  # the stand-in lines give every category a VAT row
            raise CommandError(f"seed_scale: no VAT row for {missing} in the template snapshot")
        paid_to = {k: snap["payment"][k] for k in ("means", "iban", "bic")}
        s = self._templates[key] = (
            json.dumps(fixed, ensure_ascii=False)[1:-1],
            seller_head,
            reasons,
            json.dumps(paid_to, ensure_ascii=False)[:-1],
        )
        return s

    # --- documents, their lines and their entries -----------------------------------------------

    def content(self, b: Books, a: ActivityInfo, language: str) -> tuple:
        """What a member would type on an invoice of this trade: (items, discount %, discount
        amount, exemption code, title, intro, terms, client's reference, order number)."""
        rand = self.r.random
        jobs = self.jobs.get(a.trade_code) or self.jobs[""]
        li = JOB_LANG.get(language, 0)
        count = _pick(LINE_COUNTS, rand())
        items = []
        if count >= 2 and rand() < 0.12:
            label = (a.trade_names[li] or a.trade_names[0]) if a.trade_names else ""
            items.append(
                (
                    SECTION,
                    label or TEXTS["title"][language],
                    ZERO3,
                    "C62",
                    ZERO4,
                    ZERO2,
                    "S",
                    ZERO2,
                )
            )
            count -= 1
        exemption = ""
        mixed = False
        alt = None
        if rand() < EXEMPT_TRADES.get(a.trade_code, 0.0):
            exemption = EXEMPTION[b.jurisdiction]
            doc_cat, doc_rate = "E", ZERO2
        else:
            doc_cat, doc_rate = "S", b.rate_std
            alt_code = ALT_RATE[b.jurisdiction].get(a.trade_code)
            x = rand()
            if alt_code:
                alt = b.rate_by_code[alt_code]
                if x < 0.35:
                    doc_rate = alt
                else:
                    mixed = x < 0.5
            else:
                alt = b.rate_second
                mixed = x < 0.05
        gross = ZERO2
        for i in range(count):
            descriptions, unit, prices, qkey = jobs[int(rand() * len(jobs))]
            price = prices[int(rand() * len(prices))]
            quantities = self.quantities[qkey]
            quantity = quantities[int(rand() * len(quantities))]
            discount = (D10 if rand() < 0.5 else D5) if rand() < 0.04 else ZERO2
            rate = alt if mixed and i == count - 1 and i > 0 else doc_rate
            items.append(
                (
                    ITEM,
                    descriptions[li],
                    quantity,
                    unit,
                    price,
                    discount,
                    doc_cat,
                    rate,
                )
            )
            gross += quantity * price
        discount_percent = discount_amount = ZERO2
        x = rand()
        if x < 0.08:
            discount_percent = D10 if rand() < 0.4 else D5
        elif x < 0.11:
            amount = DISCOUNT_AMOUNTS[int(rand() * len(DISCOUNT_AMOUNTS))]
            if gross > 3 * amount:
                discount_amount = amount
        x = rand()
        if x < 0.45:
            title = ""
        elif x < 0.85:
            title = items[-1][1]
        else:
            title = TEXTS["title"][language]
        intro = TEXTS["intro"][language] if rand() < 0.15 else ""
        terms = TEXTS["terms"][language] if rand() < 0.05 else ""
        buyer_reference = f"BC-{10000 + int(rand() * 90000)}" if rand() < 0.1 else ""
        order_reference = f"CMD-{1000 + int(rand() * 9000)}" if rand() < 0.05 else ""
        return (
            items,
            discount_percent,
            discount_amount,
            exemption,
            title,
            intro,
            terms,
            buyer_reference,
            order_reference,
        )

    def chunk(
        self,
        b: Books,
        days,
        dates,
        per_day,
        credit_slots,
        first_slot,
        invoice_activities,
        state,
        ids,
    ) -> list[tuple]:
        """Build the rows of ``len(days)`` documents (no database access: the previous chunk
        may be being written meanwhile); the checks against the app wait in pending_checks."""
        started = time.perf_counter()
        rand = self.r.random
        n = len(days)
        doc_ids, entry_ids = ids
        docs = Table(Document, DOCUMENT_FIELDS)
        doc_lines = Table(DocumentLine, DOCUMENT_LINE_FIELDS)
        vat_rows = Table(VatBreakdown, VAT_FIELDS)
        entries = Table(Entry, ENTRY_FIELDS)
        entry_lines = Table(EntryLine, ENTRY_LINE_FIELDS)
        add_doc, add_line, add_vat = docs.add, doc_lines.add, vat_rows.add
        add_entry, add_entry_line = entries.add, entry_lines.add
        accounts = b.accounts
        receivable = accounts[("receivable", None)]
        revenue = accounts[(accounting.REVENUE_ROLE, None)]
        vat_accounts = {
            rate: pk for (role, rate), pk in accounts.items() if role == "vat_collected"
        }
        entity_id, journal_id = b.entity.pk, b.journal_id
        doc_counters, entry_counters, entry_last = (
            b.doc_counters,
            b.entry_counters,
            b.entry_last_date,
        )
        recent, keep = state["recent"], state["keep"]
        quantity_text = self._quantity_text
        date_iso, date_display, moment = self.date_iso, self.date_display, self.moment
        invoice_series, credit_series = SERIES[Kind.INVOICE], SERIES[Kind.CREDIT_NOTE]
        issued = ISSUED
        reference_kind, qr_start = b.reference_kind, b.qr_head
        dumps = json.dumps
        stats = self.stats

        line_day = [None]  # the date of the entry being written, for its lines

        def post(
            specs, entry_id, sign, account, amount, activity, client_id, text, role, rate=None
        ):
            """accounting.entry_lines' add(): rounded, signed, one side, nothing when zero."""
            amount = money(amount) * sign
            if amount == 0:
                return
            if amount > 0:
                debit, credit = amount, ZERO2
            else:
                debit, credit = ZERO2, -amount
            specs.append((role, rate, debit, credit, activity, client_id, text))
            # the line carries its entry's date and journal (ledger migration 0004)
            add_entry_line(
                (entry_id, account, debit, credit, activity, client_id, text, line_day[0], journal_id)
            )

        for k in range(n):
            slot = first_slot + k
            off = days[k]
            d = dates[off]
            invoices_left = len(invoice_activities) - state["invoice_no"]
            want_credit = slot in credit_slots or invoices_left == 0
            if not want_credit and state["pending_credit"] and recent:
                want_credit = True
                state["pending_credit"] -= 1
            if want_credit and not recent:
                if invoices_left == 0:
                    continue
                if slot in credit_slots:
                    state["pending_credit"] += 1
                want_credit = False
            day, seen = state["seen_in_day"]
            seen = seen + 1 if day == off else 0
            state["seen_in_day"] = (off, seen)
            minutes = 480 + (660 * seen) // per_day[off]  # from 8:00 to 19:00, in number order
            doc_id, entry_id = doc_ids[k], entry_ids[k]
            if want_credit:
                i = int(rand() * len(recent))
                credited = recent[i]
                recent[i] = recent[-1]
                recent.pop()
                (
                    credited_id,
                    a,
                    client,
                    items,
                    discount_percent,
                    discount_amount,
                    exemption,
                    buyer_reference,
                    credited_number,
                    credited_date,
                ) = credited
                language = client[2]
                labels = self.lang(language)
                kind, series = CREDIT_NOTE, credit_series
                title = labels["credit_title"] % {"number": credited_number}
                intro = terms = order_reference = ""
                due = None
                references = {
                    "quote": "",
                    "credited": credited_number,
                    "credited_date": date_display(language, credited_date),
                    "order": "",
                    "buyer": buyer_reference,
                    "credited_issue_date": date_iso(credited_date),
                    "deposits": [],
                }
                stats["credit notes"] += 1
            else:
                a = invoice_activities[state["invoice_no"]]
                state["invoice_no"] += 1
                clients = a.clients
                client = clients[int(len(clients) * rand() ** 1.8)]  # regular clients come back
                language = client[2]
                labels = self.lang(language)
                (
                    items,
                    discount_percent,
                    discount_amount,
                    exemption,
                    title,
                    intro,
                    terms,
                    buyer_reference,
                    order_reference,
                ) = self.content(b, a, language)
                kind, series = INVOICE, invoice_series
                credited_id = None
                terms_days = client[3] if client[3] is not None else a.terms
                due = d + datetime.timedelta(days=terms_days)
                references = {
                    "quote": "",
                    "credited": "",
                    "credited_date": "",
                    "order": order_reference,
                    "buyer": buyer_reference,
                    "credited_issue_date": "",
                    "deposits": [],
                }
                stats["invoices"] += 1
            year = d.year
            key = (series, year)
            sequence = doc_counters.get(key, 0) + 1
            doc_counters[key] = sequence
            number = b.patterns[series].format(year=year, seq=sequence)
            if kind == INVOICE:  # issue_document gives invoices and deposits a payment reference
                reference = payment_reference(reference_kind, year, sequence, b.reference_prefix)
                shown = reference_display(reference_kind, reference)
            else:
                reference = shown = ""

            # totals: the EN 16931 calculation itself
            totals = compute(
                [
                    Line(
                        quantity=q,
                        unit_price=p,
                        vat_category=cat,
                        vat_rate=rate,
                        discount_percent=disc,
                    )
                    for (lk, _desc, q, _unit, p, disc, cat, rate) in items
                    if lk == ITEM
                ],
                discount_percent=discount_percent,
                discount_amount=discount_amount,
                prepaid=ZERO2,
            )
            line_total = totals.line_total
            allowance_total = totals.allowance_total
            tax_exclusive = line_total - allowance_total
            tax_total = totals.tax_total
            tax_inclusive = tax_exclusive + tax_total
            payable = tax_inclusive  # nothing prepaid
            units = labels["units"]
            nets = iter(totals.line_nets)
            printed = []
            position = 0
            for lk, desc, q, unit, p, disc, cat, rate in items:
                position += 1
                if lk == ITEM:
                    net = next(nets)
                    printed.append(
                        {
                            "kind": lk,
                            "description": desc,
                            "quantity": quantity_text(q),
                            "unit": unit,
                            "unit_label": units.get(unit, unit),
                            "unit_price": str(p),
                            "discount_percent": str(disc),
                            "vat_category": cat,
                            "vat_rate": str(rate),
                            "net": str(net),
                        }
                    )
                    add_line((doc_id, position, lk, desc, q, unit, p, disc, cat, rate, net))
                else:
                    printed.append({"kind": lk, "description": desc})
                    add_line((doc_id, position, lk, desc, q, unit, p, disc, cat, rate, ZERO2))
            fixed, seller_head, reasons, payment_head = self.template(
                b,
                language,
                kind,
                client[4],
                frozenset([c.category for c in totals.categories]),
                exemption,
            )
            vat = []
            for c in totals.categories:
                taxable, tax = c.taxable, c.tax
                code, reason = reasons[c.category]
                vat.append(
                    {
                        "category": c.category,
                        "rate": str(c.rate),
                        "taxable": str(taxable),
                        "tax": str(tax),
                        "allowance": str(c.allowances),
                        "charge": "0.00",
                        "exemption_code": code,
                        "exemption_reason": reason,
                    }
                )
                add_vat((doc_id, c.category, c.rate, taxable, tax, c.allowances))
            variable = {
                "number": number,
                "issue_date": date_iso(d),
                "issue_date_display": date_display(language, d),
                "due_date": date_iso(due) if due else "",
                "due_date_display": date_display(language, due) if due else "",
                "title": title,
                "intro": intro,
                "closing": "",
                "terms": terms,
                "lines": printed,
                "vat": vat,
                "totals": {
                    "line_total": str(line_total),
                    "allowance_total": str(allowance_total),
                    "charge_total": "0.00",
                    "tax_exclusive": str(tax_exclusive),
                    "tax_total": str(tax_total),
                    "tax_inclusive": str(tax_inclusive),
                    "prepaid": "0.00",
                    "payable": str(payable),
                },
                "discount_percent": str(discount_percent),
                "discount_amount": str(discount_amount),
                "charge_amount": "0.00",  # the scale documents carry no additional charge
                "charge_reason": "",
                "references": references,
                "allowances": [
                    {"category": cat, "rate": str(rate), "amount": str(amount)}
                    for cat, rate, amount in totals.allowances
                ],
                "charges": [],
            }
            # the "payment" block, formatted rather than encoded (json.dumps of a dict costs
            # twice as much): a reference and its display are ASCII letters, digits, "+", "/"
            # and spaces, nothing to escape; the QR payload (seller's name, newlines) is encoded
            if reference:
                qr = qr_payload(qr_start, reference_kind, payable, reference, shown)
                payment_json = (
                    f'{payment_head}, "reference_kind": "{reference_kind}", '
                    f'"reference": "{reference}", "reference_display": "{shown}", '
                    f'"terms_days": {(due - d).days if due else "null"}, '
                    f'"qr": {dumps(qr, ensure_ascii=False)}}}'
                )
            else:
                payment_json = (
                    f'{payment_head}, "reference_kind": "", "reference": "", '
                    f'"reference_display": "", '
                    f'"terms_days": {(due - d).days if due else "null"}, "qr": ""}}'
                )
            frozen = "".join(
                (
                    "{",
                    fixed,
                    ", ",
                    seller_head,
                    a.name_json,
                    '}, "activity": ',
                    self.activity_json(a, language),
                    ', "buyer": ',
                    client[5],
                    ', "payment": ',
                    payment_json,
                    ", ",
                    json.dumps(variable, ensure_ascii=False)[1:],
                )
            )
            if not b.pdf_name:
                self.specimen_pdf(b, frozen)
            issued_at = moment(d, minutes)
            created_at = moment(d, minutes - 5 - int(rand() * 115))
            add_doc(
                (
                    doc_id,
                    entity_id,
                    a.id,
                    client[0],
                    kind,
                    issued,
                    series,
                    year,
                    sequence,
                    number,
                    date_iso(d),
                    date_iso(due) if due else None,
                    None,
                    language,
                    title,
                    intro,
                    "",
                    terms,
                    buyer_reference,
                    order_reference,
                    exemption,
                    discount_percent,
                    discount_amount,
                    None,
                    credited_id,
                    reference,
                    None,
                    "EUR",
                    ROUNDING_RULE,
                    line_total,
                    allowance_total,
                    tax_exclusive,
                    tax_total,
                    tax_inclusive,
                    ZERO2,
                    payable,
                    # issued invoices wait for their payment (as issue_document leaves them)
                    "none" if kind == CREDIT_NOTE else "awaiting",
                    frozen,
                    b.pdf_name,
                    b.pdf_sha256,
                    issued_at,
                    a.holder,
                    created_at,
                    issued_at,
                    issued_at,
                    None,
                    None,
                )
            )

            # the entry accounting.entry_lines() describes, numbered in the sales journal
            sign = -1 if kind == CREDIT_NOTE else 1
            label = f"{number} {client[1]}"[:200]
            specs = []

            head = (specs, entry_id, sign)
            line_day[0] = date_iso(d)
            post(*head, receivable, payable, a.id, client[0], label, "receivable")
            for c in totals.categories:
                post(*head, revenue, -c.taxable, a.id, None, label, "revenue_services")
                tax = -c.tax if c.category == "S" else ZERO2
                post(
                    *head, vat_accounts.get(c.rate), tax, a.id, None, label, "vat_collected", c.rate
                )
            # no contribution at issue: the budget charges it on cash received (decision 0017)
            entry_number = entry_counters.get(year, 0) + 1
            entry_counters[year] = entry_number
            entry_last[year] = d
            entry_label = f"{labels['kind'][kind]} {number} — {client[1]}"[:200].strip()
            add_entry(
                (
                    entry_id,
                    entity_id,
                    journal_id,
                    year,
                    entry_number,
                    date_iso(d),
                    entry_label[:200],
                    Document._meta.label_lower,
                    doc_id,
                    "issue",
                    None,
                    issued_at,
                    a.holder,
                )
            )
            stats["entries"] += 1

            if kind == INVOICE:
                recent.append(
                    (
                        doc_id,
                        a,
                        client,
                        items,
                        discount_percent,
                        discount_amount,
                        exemption,
                        buyer_reference,
                        number,
                        d,
                    )
                )
                if len(recent) > 2 * keep:
                    del recent[: len(recent) - keep]
            if k == 0 or (want_credit and not state.get("credit_verified")):
                if want_credit:
                    state["credit_verified"] = True
                self.pending_checks.append(
                    dict(
                        b=b,
                        doc_id=doc_id,
                        kind=kind,
                        number=number,
                        sequence=sequence,
                        issue_date=d,
                        due=due,
                        language=language,
                        activity=a,
                        client=client,
                        items=items,
                        discount_percent=discount_percent,
                        discount_amount=discount_amount,
                        exemption=exemption,
                        title=title,
                        intro=intro,
                        terms=terms,
                        buyer_reference=buyer_reference,
                        order_reference=order_reference,
                        credited=(credited_id, credited_number, credited_date)
                        if want_credit
                        else None,
                        frozen=frozen,
                        built_reference=reference,
                        specs=specs,
                        entry_label=entry_label,
                    )
                )
        stats["document lines"] += len(doc_lines.rows)
        stats["VAT rows"] += len(vat_rows.rows)
        stats["entry lines"] += len(entry_lines.rows)
        self.build_seconds += time.perf_counter() - started
        return [
            (t.model, t.names, t.rows) for t in (docs, doc_lines, vat_rows, entries, entry_lines)
        ]
