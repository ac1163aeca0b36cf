"""Letters (reminders to post, formal notices): a one-page PDF rendered with WeasyPrint, in the
document's language, from the frozen document and the claim computed when the step runs."""

from __future__ import annotations

import datetime

from django.template.loader import render_to_string
from django.utils import translation


def _no_fetch():
    from weasyprint.urls import URLFetcher

    class NoFetcher(URLFetcher):
        """A letter loads nothing: no network, no file."""

        def __init__(self):
            super().__init__(allowed_protocols=set(), fail_on_errors=True)

        def fetch(self, url, headers=None):
            raise ValueError(f"letters may not load {url!r}")

    return NoFetcher()


def letter_html(action, document, claim, *, subject: str, body: str, today: datetime.date) -> str:
    from .texts import claim_text

    frozen = document.frozen or {}
    show_table = bool(claim is not None and claim.lines and claim_text(claim) not in body)
    with translation.override(document.language or "fr"):
        return render_to_string("dunning/pdf/letter.html", {
            "d": frozen, "document": document, "action": action, "claim": claim, "subject": subject,
            "paragraphs": [p for p in body.split("\n\n") if p.strip()], "today": today,
            "show_table": show_table,
        })


def render_letter(action, document, claim, *, subject: str, body: str, today: datetime.date) -> bytes:
    from weasyprint import HTML

    html = letter_html(action, document, claim, subject=subject, body=body, today=today)
    return HTML(string=html, url_fetcher=_no_fetch(), base_url=None).write_pdf()
