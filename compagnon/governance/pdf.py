"""The minutes of a closed assembly as a PDF (WeasyPrint, like the other documents), in the
entity's language, from the frozen results only. Nothing is fetched from the network."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation


def _no_fetch():
    from weasyprint.urls import URLFetcher

    class Refuse(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"minutes may not load {url!r}")

    return Refuse()


def minutes_html(assembly) -> str:
    with translation.override(assembly.entity.default_language):
        return render_to_string(
            "governance/minutes_pdf.html",
            {
                "assembly": assembly,
                "entity": assembly.entity,
                "resolutions": list(assembly.resolutions.order_by("number")),
                "documents": list(assembly.documents.order_by("id")),
            },
        )


def minutes_pdf(assembly) -> bytes:
    from weasyprint import HTML

    return HTML(string=minutes_html(assembly), url_fetcher=_no_fetch(), base_url="/").write_pdf()
