"""CSV (streamed) and PDF (WeasyPrint) exports of the report tables.

CSV: semicolons and decimal commas for French and Dutch readers (what their spreadsheets expect),
commas and decimal points otherwise; a BOM so accents survive Excel; amounts without grouping so
they stay numbers. Streamed row by row (``StreamingHttpResponse``): a general ledger of millions
of lines never sits in memory. PDF: the same tables on A4 landscape pages, rendered by WeasyPrint
with nothing fetched (as the dunning letters are).
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterator
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import get_language

from compagnon.core.formatting import number

from .tables import Table


class _Echo:
    def write(self, value):
        return value


def _cell(value, comma: bool):
    if isinstance(value, Decimal):
        text = f"{value:.2f}"
        return text.replace(".", ",") if comma else text
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else str(value)


def csv_rows(tables: list[Table], *, language: str | None = None) -> Iterator[str]:
    """The rows are read (and their words translated) while the response streams, after the view
    returned: in the language of the request, captured when the response was made."""
    language = language or get_language() or "en"
    with translation.override(language):
        yield from _csv_rows(tables, comma=language[:2] in ("fr", "nl"))


def _csv_rows(tables: list[Table], *, comma: bool) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";" if comma else ",", lineterminator="\r\n")
    yield "\ufeff"
    for i, table in enumerate(tables):
        if len(tables) > 1:
            if i:
                yield writer.writerow([])
            yield writer.writerow([table.title])
        yield writer.writerow(table.headers)
        for row in table.rows:
            yield writer.writerow([_cell(v, comma) for v in row])
        if table.foot:
            yield writer.writerow([_cell(v, comma) for v in table.foot])


def csv_response(tables: list[Table], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_rows(tables, language=get_language()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _no_fetch():
    from weasyprint.urls import URLFetcher

    class NoFetcher(URLFetcher):
        """A report loads nothing: no network, no file."""

        def __init__(self):
            super().__init__(allowed_protocols=set(), fail_on_errors=True)

        def fetch(self, url, headers=None):
            raise ValueError(f"reports may not load {url!r}")

    return NoFetcher()


def _display(value, numeric: bool):
    if isinstance(value, Decimal):
        return number(value, 2) if value % 1 == 0 and not numeric else _amount(value)
    if isinstance(value, datetime.date):
        from django.utils.formats import date_format

        return date_format(value, "SHORT_DATE_FORMAT")
    return "" if value is None else str(value)


def _amount(value: Decimal) -> str:
    from django.utils.formats import number_format

    return number_format(value, decimal_pos=2, force_grouping=True)


def pdf_html(tables: list[Table], *, title: str, subtitle: str) -> str:
    shaped = [
        {
            "title": t.title,
            "headers": t.headers,
            "numeric_from": t.numeric_from,
            "rows": [
                [_display(v, i >= t.numeric_from) for i, v in enumerate(row)] for row in t.rows
            ],
            "foot": [_display(v, i >= t.numeric_from) for i, v in enumerate(t.foot)],
        }
        for t in tables
    ]
    return render_to_string(
        "reports/pdf/report.html",
        {"title": title, "subtitle": subtitle, "tables": shaped, "printed": timezone.localtime()},
    )


def pdf_response(tables: list[Table], *, title: str, subtitle: str, filename: str) -> HttpResponse:
    from weasyprint import HTML

    html = pdf_html(tables, title=title, subtitle=subtitle)
    data = HTML(string=html, url_fetcher=_no_fetch(), base_url=None).write_pdf()
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response
