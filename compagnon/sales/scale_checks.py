"""The scale invoices checked against the app's own functions: the first document of every
chunk is rebuilt with ``freeze.snapshot()``, ``payment.reference_for()`` and
``accounting.entry_lines()`` on unsaved objects and compared (mixed into
``sales.scale.InvoiceGenerator``): the command stops if the bulk shortcuts drift from the app."""

from __future__ import annotations

import json
from decimal import Decimal

from django.core.management.base import CommandError
from django.utils import translation

from compagnon.clients.models import Client
from compagnon.members.models import (
    Activity,
)
from compagnon.organisation.models import Entity
from compagnon.sales import accounting, payment
from compagnon.sales.freeze import snapshot
from compagnon.sales.models import (
    SERIES,
    Document,
    DocumentLine,
    Kind,
    State,
    VatBreakdown,
)
from compagnon.sales.scale_data import (
    C4,
    INVOICE,
    ZERO2,
    Books,
)


class ScaleChecks:

    def _quantity_text(self, q: Decimal) -> str:
        """How freeze.snapshot prints a quantity — asked of snapshot() itself, once per value
        (a few dozen), so the scale data follows any change there (e.g. 10 prints "1E+1")."""
        s = self._quantity_cache.get(q)
        if s is None:
            line = DocumentLine(description="-", quantity=q, unit_price=C4, vat_rate=ZERO2)
            doc = Document(
                entity=Entity(jurisdiction="FR"), activity=Activity(), client=Client(), kind=INVOICE
            )
            s = self._quantity_cache[q] = snapshot(doc, lines=[line], freeze_logo=False)["lines"][
                0
            ]["quantity"]
        return s

    # --- checks against the app's own functions --------------------------------------------------

    def verify(
        self,
        *,
        b: Books,
        doc_id,
        kind,
        number,
        sequence,
        issue_date,
        due,
        language,
        activity,
        client,
        items,
        discount_percent,
        discount_amount,
        exemption,
        title,
        intro,
        terms,
        buyer_reference,
        order_reference,
        credited,
        frozen,
        built_reference,
        specs,
        entry_label,
    ) -> None:
        """Rebuild one generated document with the app's snapshot() and entry_lines() on unsaved
        objects and compare: the bulk shortcuts must give exactly what issuing would."""
        activity_obj = Activity.objects.select_related("entity", "trade").get(pk=activity.id)
        client_obj = Client.objects.get(pk=client[0])
        doc = Document(
            pk=doc_id,
            entity=b.entity,
            activity=activity_obj,
            client=client_obj,
            kind=kind,
            state=State.ISSUED,
            series=SERIES[Kind(kind)],
            year=issue_date.year,
            sequence=sequence,
            number=number,
            issue_date=issue_date,
            due_date=due,
            language=language,
            title=title,
            intro=intro,
            terms=terms,
            buyer_reference=buyer_reference,
            order_reference=order_reference,
            exemption_code=exemption,
            discount_percent=discount_percent,
            discount_amount=discount_amount,
            prepaid=ZERO2,
        )
        if doc.kind in (Kind.INVOICE, Kind.DEPOSIT):  # as issue_document sets it
            doc.payment_reference = payment.reference_for(
                b.entity.jurisdiction, doc.year, sequence, b.reference_prefix
            )[1]
        if doc.payment_reference != built_reference:
            raise CommandError(
                f"seed_scale: the payment reference of {number} differs from "
                f"sales.payment.reference_for: expected {doc.payment_reference!r}, "
                f"built {built_reference!r}"
            )
        if credited:
            doc.credited = Document(pk=credited[0], number=credited[1], issue_date=credited[2])
        lines = [
            DocumentLine(
                position=i,
                kind=lk,
                description=desc,
                quantity=q,
                unit=unit,
                unit_price=p,
                discount_percent=disc,
                vat_category=cat,
                vat_rate=rate,
            )
            for i, (lk, desc, q, unit, p, disc, cat, rate) in enumerate(items, start=1)
        ]
        totals = doc.compute_totals(lines)
        expected = snapshot(doc, lines=lines, totals=totals)
        got = json.loads(frozen)
        if expected != got:
            diff = sorted(
                k for k in set(expected) | set(got) if expected.get(k, "∅") != got.get(k, "∅")
            )
            raise CommandError(
                f"seed_scale: the frozen snapshot of {number} differs from sales.freeze.snapshot "
                f"on {', '.join(diff)}: expected {[expected.get(k) for k in diff]!r}, "
                f"built {[got.get(k) for k in diff]!r}"
            )
        doc.line_total = totals.line_total
        doc.allowance_total = totals.allowance_total
        doc.tax_exclusive = totals.tax_exclusive
        doc.tax_total = totals.tax_total
        doc.tax_inclusive = totals.tax_inclusive
        doc.payable = totals.payable
        doc._prefetched_objects_cache = {
            "vat_breakdown": [
                VatBreakdown(
                    category=c.category,
                    rate=c.rate,
                    taxable_amount=c.taxable,
                    tax_amount=c.tax,
                    allowance_amount=c.allowances,
                )
                for c in totals.categories
            ]
        }
        with translation.override(language):
            app = [
                (
                    spec.account,
                    spec.rate,
                    spec.debit,
                    spec.credit,
                    spec.activity.pk if spec.activity else None,
                    spec.client.pk if spec.client else None,
                    spec.label[:200],
                )
                for spec in accounting.entry_lines(doc)
            ]
            app_label = f"{doc.get_kind_display()} {doc.number} — {doc.client.name}"[:200].strip()
        if app != specs or app_label != entry_label:
            raise CommandError(
                f"seed_scale: the entry of {number} differs from sales.accounting.entry_lines: "
                f"expected {app_label!r} {app!r}, built {entry_label!r} {specs!r}"
            )
        self.verified += 1
