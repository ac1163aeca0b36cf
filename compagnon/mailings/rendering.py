"""Markdown written by staff, turned into safe HTML for the news pages and the emails.

Python-Markdown (``markdown``) renders; ``nh3`` (the Ammonia sanitizer) then keeps only a short
list of tags and attributes, links to http(s) and mailto only, each with ``rel="noopener
noreferrer nofollow"``. Raw HTML typed in the message, scripts, event handlers, ``javascript:``
links and images (an outside image would track readers and break the Content-Security-Policy) are
removed. A first-level heading becomes a second-level one: the page's title is the subject.
"""

from __future__ import annotations

import functools
import html
import re
import threading

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

TAGS = {"p", "br", "strong", "em", "b", "i", "a", "ul", "ol", "li", "h2", "h3", "h4", "blockquote", "code", "pre",
        "hr", "table", "thead", "tbody", "tr", "th", "td"}
ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
SCHEMES = {"http", "https", "mailto"}
_H1 = re.compile(r"<(/?)h1(\s|>)")
_local = threading.local()


def _markdown(text: str) -> str:
    """Python-Markdown with one converter per thread (building one costs more than converting a
    short message)."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = markdown.Markdown(extensions=["sane_lists", "tables"], output_format="html")
    return converter.reset().convert(text or "")


@functools.lru_cache(maxsize=256)
def _clean(text: str) -> str:
    raw = _H1.sub(r"<\1h2\2", _markdown(text))
    return nh3.clean(raw, tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES, link_rel="noopener noreferrer nofollow")


def to_html(text: str) -> SafeString:
    """The message's Markdown as sanitized HTML, safe to put in a page or an email (a message
    read by many is converted once per process: sent messages never change)."""
    return mark_safe(_clean(text or ""))  # noqa: S308 - sanitized by nh3 above


@functools.lru_cache(maxsize=256)
def to_text(text: str) -> str:
    """The message's words without any markup (for excerpts)."""
    bare = nh3.clean(_markdown(text), tags=set())
    return " ".join(html.unescape(bare).split())


def excerpt(text: str, words: int = 30) -> str:
    return Truncator(to_text(text or "")).words(words, truncate="…")
