"""A yearly review as a PDF (WeasyPrint, like the other documents of the cooperative), in the
member's language, from the frozen questions and the answers. Nothing is fetched from outside."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation


def _no_fetch():
    from weasyprint.urls import URLFetcher

    class Refuse(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"a review may not load {url!r}")

    return Refuse()


def review_html(review) -> str:
    member = review.member
    with translation.override(member.user.language or member.entity.default_language):
        return render_to_string("advising/review_pdf.html", {
            "review": review, "member": member, "entity": member.entity, "sections": review.sections()})


def review_pdf(review) -> bytes:
    from weasyprint import HTML

    return HTML(string=review_html(review), url_fetcher=_no_fetch(), base_url="/").write_pdf()


def filename(review) -> str:
    return f"review-{review.year}-{review.member.number or review.member_id}.pdf"
