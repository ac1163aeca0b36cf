"""The certificate of attendance as a PDF (WeasyPrint, like the other documents), in the
attendee's language, from the frozen content only. Nothing is fetched from the network."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation

from .models import Level


def _no_fetch():
    from weasyprint.urls import URLFetcher

    class Refuse(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"certificates may not load {url!r}")

    return Refuse()


def certificate_html(content: dict) -> str:
    with translation.override(content.get("language") or "fr"):
        starts = datetime.date.fromisoformat(content["starts"])
        ends = datetime.date.fromisoformat(content["ends"])
        return render_to_string(
            "events/certificate_pdf.html",
            {
                "c": content,
                "starts": starts,
                "ends": ends,
                "one_day": starts == ends,
                "hours": Decimal(content["hours"]) if content.get("hours") else None,
                "level": Level(content["level"]).label if content.get("level") in Level.values else "",
                "issued_on": datetime.date.fromisoformat(content["issued_on"]),
            },
        )


def certificate_pdf(content: dict) -> bytes:
    from weasyprint import HTML

    return HTML(string=certificate_html(content), url_fetcher=_no_fetch(), base_url="/").write_pdf()
