"""A return's figures as CSV and PDF (what the accountant copies onto the form or keeps)."""

from __future__ import annotations

import csv
import io

from django.template.loader import render_to_string


def figures_csv(rows: list[dict]) -> bytes:
    """``rows``: {"section", "code", "label", "base", "amount"} (amounts as text)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["section", "box", "label", "base", "amount"])
    for r in rows:
        writer.writerow([r["section"], r["code"], r["label"], r["base"] or "", r["amount"] or ""])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _no_fetch():
    from weasyprint.urls import URLFetcher

    class NoFetcher(URLFetcher):
        """The PDF loads nothing: no network, no file."""

        def __init__(self):
            super().__init__(allowed_protocols=set(), fail_on_errors=True)

        def fetch(self, url, headers=None):
            raise ValueError("The VAT return PDF loads nothing")

    return NoFetcher()


def figures_pdf(context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string("vatreturns/pdf.html", context)
    return HTML(string=html, url_fetcher=_no_fetch(), base_url=None).write_pdf()
