"""Render a document to PDF/A-3b with WeasyPrint, from its frozen snapshot only."""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import re
from html import unescape

from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import translation

from compagnon.core.static_files import static_path

PDF_VARIANT = "pdf/a-3b"
PNG_DATA = "data:image/png;base64,"


def _fetcher():
    """A fetcher that resolves only what documents use: frozen logos in storage, the app's
    static files and PNG images in data URLs (the payment QR code). Nothing is fetched from the network, so a document renders the same anywhere."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class DocumentFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols={"storage", "static", "file"}, fail_on_errors=True)

        def fetch(self, url, headers=None):
            if url.startswith(PNG_DATA):  # the payment QR code, drawn by sales_tags.epc_qr
                return URLFetcherResponse(url, base64.b64decode(url.removeprefix(PNG_DATA)), {"Content-Type": "image/png"})
            if url.startswith("storage:"):
                name = url.removeprefix("storage:")
                with default_storage.open(name, "rb") as f:
                    data = f.read()
                mime = "image/png" if name.endswith(".png") else "image/webp" if name.endswith(".webp") else "image/jpeg"
                return URLFetcherResponse(url, data, {"Content-Type": mime})
            if url.startswith("static:"):
                path = static_path(url.removeprefix("static:"))
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": "application/octet-stream"})
            raise ValueError(f"documents may not load {url!r}")

    return DocumentFetcher()


def render_html(snapshot: dict, *, preview: bool = False) -> str:
    with translation.override(snapshot["language"]):
        return render_to_string("sales/pdf/document.html", {"d": snapshot, "preview": preview})


def render_pdf(snapshot: dict) -> bytes:
    from weasyprint import HTML

    html = render_html(snapshot)
    return HTML(string=html, url_fetcher=_fetcher(), base_url="static:").write_pdf(pdf_variant=PDF_VARIANT)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def inline_stored_images(html: str) -> str:
    """For a browser: every ``src="storage:NAME"`` (a frozen logo) becomes a ``data:`` URI read
    through the storage. The bucket is private, so it has no URL a browser could open, and the
    pages' Content-Security-Policy allows images from this site and ``data:`` only."""

    def data_uri(match) -> str:
        name = unescape(match.group(1))
        try:
            with default_storage.open(name, "rb") as f:
                data = base64.b64encode(f.read()).decode()
        except OSError:
            return 'src=""'
        mime = mimetypes.guess_type(name)[0] or "image/png"
        return f'src="data:{mime};base64,{data}"'

    return re.sub(r'src="storage:([^"]+)"', data_uri, html)
