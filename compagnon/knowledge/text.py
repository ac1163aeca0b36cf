"""Markdown to safe HTML, and the folded text that search reads.

Two locks, so that no HTML typed by a user ever reaches a page:

1. ``markdown-it-py`` (CommonMark) with ``html`` off: raw HTML in the text is written out as text,
   and links with ``javascript:``, ``vbscript:``, ``file:`` or ``data:`` are not made;
2. ``nh3`` (the Ammonia sanitizer) then keeps only an allow-list of tags and attributes, links to
   ``http``, ``https``, ``mailto`` and this site (``rel="noopener noreferrer nofollow"``), and
   images whose address is a path on this site (the Content-Security-Policy refuses others, and an
   outside image would tell another server who reads the help centre).

Shortcuts for authors: ``[credit note](glossary:credit_note)`` links the glossary's term,
``[how to send a quote](article:12)`` links another article of the help centre. Headings start at
level 2 (the page's title is the level 1).
"""

from __future__ import annotations

import html as html_module
import re
import unicodedata

import nh3
from django.urls import reverse
from markdown_it import MarkdownIt

TAGS = {"p", "br", "hr", "h2", "h3", "h4", "strong", "em", "s", "code", "pre", "blockquote", "ul", "ol", "li",
        "a", "img", "table", "thead", "tbody", "tr", "th", "td"}
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"},
              "th": {"style"}, "td": {"style"}}
SCHEMES = {"http", "https", "mailto"}
_TEXT_ALIGN = re.compile(r"text-align:(left|right|center)")

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"])


def fold(text: str) -> str:
    """Lower case without accents ("Échéance" → "echeance"): what search compares."""
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _rewrite(tokens) -> None:
    for token in tokens:
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"
        if token.type == "link_open":
            href = token.attrGet("href") or ""
            if href.startswith("glossary:"):
                token.attrSet("href", reverse("glossary") + "#" + re.sub(r"[^a-z0-9_]", "", href[9:].lower()))
            elif href.startswith("article:") and href[8:].isdigit():
                token.attrSet("href", reverse("knowledge-article", args=[int(href[8:])]))
        if token.children:
            _rewrite(token.children)


def _attribute_filter(tag: str, attribute: str, value: str):
    if tag == "img" and attribute == "src":
        return value if value.startswith("/") and not value.startswith("//") else None
    if attribute == "style":
        match = _TEXT_ALIGN.search(value.replace(" ", ""))
        return f"text-align: {match.group(1)}" if match else None
    return value


def render(body: str) -> str:
    """The Markdown ``body`` as HTML that is safe to show as it is."""
    tokens = _md.parse(body or "")
    _rewrite(tokens)
    html = _md.renderer.render(tokens, _md.options, {})
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES, attribute_filter=_attribute_filter,
                     link_rel="noopener noreferrer nofollow", strip_comments=True)


def plain(body: str) -> str:
    """The words of a Markdown text without its markup (for search and summaries)."""
    html = render(body)
    text = html_module.unescape(nh3.clean(html.replace("<", " <"), tags=set()))
    return " ".join(text.split())
