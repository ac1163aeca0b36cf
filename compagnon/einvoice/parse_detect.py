"""What kind of file this is, from its content (never its name), and lxml's syntax errors in
plain words.

Incoming files are often not what they should be: a ZIP or an office document, a CSV export
(UTF-16 from spreadsheets, with or without a byte-order mark), a scan or a photo. Each gets a
sentence saying what it is and what to upload instead, rather than "malformed XML". And a broken
XML file gets a sentence naming the line and what is wrong in the reader's language, with the
parser's own English text kept after it as the technical detail.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from lxml import etree

PDF, ZIP, XML, CSV, TEXT, IMAGE, EMPTY, BINARY = (
    "pdf", "zip", "xml", "csv", "text", "image", "empty", "binary"
)
_IMAGES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*", b"RIFF")


def _text(data: bytes) -> str | None:
    """The start of the file as text (UTF-8, UTF-16 with or without BOM), or None for binary."""
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif len(head) >= 4 and head[1::2].count(0) > len(head) // 4 and not head[0::2].count(0):
        encoding = "utf-16-le"
    elif len(head) >= 4 and head[0::2].count(0) > len(head) // 4 and not head[1::2].count(0):
        encoding = "utf-16-be"
    else:
        encoding = "utf-8-sig"
    text = head.decode(encoding, errors="replace")
    if encoding.startswith("utf-8") and (text.count("\ufffd") > 8 or "\x00" in text):
        return None
    return text


def file_kind(data: bytes) -> str:
    """pdf, zip, xml, csv, text, image, empty or binary."""
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not start:
        return EMPTY
    if start.startswith(b"%PDF"):
        return PDF
    if start.startswith(b"PK\x03\x04"):
        return ZIP
    if start.startswith(_IMAGES):
        return IMAGE
    text = _text(data)
    if text is None:
        return BINARY
    text = text.lstrip("\ufeff \t\r\n")
    if text.startswith("<"):
        return XML
    # A CSV: at least a header and a row, one separator appearing as often on each line.
    lines = [line for line in text.splitlines()[:6] if line.strip()][:5]
    if len(lines) >= 2 and any(
        len({line.count(sep) for line in lines}) == 1 and lines[0].count(sep) > 0
        for sep in ";,\t"
    ):
        return CSV
    return TEXT


def not_an_einvoice(kind: str) -> str:
    """The sentence for a file that is no e-invoice at all; "" for XML and PDF."""
    upload = _("Upload the supplier's e-invoice: an XML file (UBL or CII) or a Factur-X PDF.")
    if kind == ZIP:
        return _(
            "This is a ZIP archive or an office document, not an e-invoice. Upload the "
            "invoice itself: an XML file (UBL or CII) or a Factur-X PDF."
        )
    if kind == CSV:
        return _("This is a CSV file (a spreadsheet export), not an e-invoice.") + " " + upload
    if kind == IMAGE:
        return _("This is an image (a scan or a photo), not an e-invoice.") + " " + upload
    if kind == EMPTY:
        return _("The file is empty.")
    if kind in (TEXT, BINARY):
        return _("This file is neither XML nor PDF.") + " " + upload
    return ""


# lxml (libxml2) messages → what they mean, in plain words. First match wins.
_SYNTAX = [
    (r"Opening and ending tag mismatch", lambda: _(
        "an element is closed with another name than the one it was opened with")),
    (r"Premature end of data|EndTag: '</' not found|expected '>'", lambda: _(
        "the file ends before every element is closed: it may have been cut short")),
    (r"Extra content at the end of the document", lambda: _(
        "there is content after the end of the document")),
    (r"Start tag expected|Document is empty", lambda: _(
        "the file does not begin with an XML element")),
    (r"XML_PARSE_HUGE|Huge input lookup|Excessive depth|huge|too deep", lambda: _(
        "the file is too large or too deeply nested to be read safely")),
    (r"xmlParseEntityRef: no name|EntityRef: expecting ';'", lambda: _(
        "an “&” is not followed by a character name: write it as &amp;")),
    (r"Entity '.*' not defined|undeclared entity", lambda: _(
        "a character name (&…;) that XML does not know is used")),
    (r"not proper UTF-8|Input is not proper|invalid character|Char 0x|PCDATA invalid|"
     r"encoding", lambda: _(
        "a character is not allowed or does not match the file's declared encoding")),
    (r"AttValue|attributes construct error|Couldn't find end of Start Tag|"
     r"Specification mandates value for attribute|Attribute .* redefined", lambda: _(
        "the attributes of an element are not written correctly")),
    (r"StartTag: invalid element name|invalid element name", lambda: _(
        "a “<” does not start a valid element name: write a literal “<” as &lt;")),
]


def syntax_sentence(exc: etree.XMLSyntaxError) -> tuple[str, int | None]:
    """(a translated sentence naming the line, the line) for an lxml syntax error."""
    line, column = exc.position if exc.position else (exc.lineno, None)
    detail = re.sub(r",? line \d+, column \d+\s*$", "", exc.msg or str(exc)).strip()
    what = next((say() for pattern, say in _SYNTAX if re.search(pattern, detail)), None)
    what = what or _("the XML syntax is broken here")
    if column:
        message = _(
            "The XML is not well-formed at line %(line)s, column %(column)s: %(error)s."
        ) % {"line": line, "column": column, "error": what}
    else:
        message = _("The XML is not well-formed at line %(line)s: %(error)s.") % {
            "line": line,
            "error": what,
        }
    if detail:  # on its own line: pages fold it away under the plain sentence (error_summary)
        message += "\n" + _("(Technical detail: %(detail)s)") % {"detail": detail}
    return message, line
