"""The tax certificate drawn as a PDF (ReportLab), about twenty times faster than laying out HTML.

Every other document of Compagnon is HTML laid out by WeasyPrint: it handles any length, any
brand and the e-invoice attachments. The certificate is different: one fixed page printed for
every client of the cooperative each January (20,000 in under two minutes on two cores), whose
layout never changes. WeasyPrint takes about 30 ms of CPU for that page; drawing it with
ReportLab's flowables takes about 5 ms (decision 0037).

``render(content)`` takes the frozen ``Certificate.content`` and returns the PDF bytes, in the
client's language. Text goes through ``Paragraph``, so names and addresses are escaped (a client
called "A & B <Jardins>" prints as typed) and long lines wrap.

Fonts: DejaVu Sans (as the other documents) found through fontconfig, else the Bitstream Vera
font ReportLab ships (DejaVu's parent: same metrics, fewer scripts), so a PDF always comes out.
"""

from __future__ import annotations

import functools
import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils import translation
from django.utils.translation import gettext as _

from compagnon.core.formatting import money, number

REGULAR, BOLD = "Compagnon", "Compagnon-Bold"
MM = 72 / 25.4  # points per millimetre


def _fontconfig(family: str) -> str | None:
    if not shutil.which("fc-match"):
        return None
    try:
        out = subprocess.run(  # noqa: S603 - fixed argv
            ["fc-match", "--format=%{file}", family],  # noqa: S607 - fontconfig's own tool
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return out if out.lower().endswith(".ttf") and "dejavu" in out.lower() else None


@functools.cache
def _fonts() -> tuple[str, str]:
    """Register the two faces once per process; returns their names."""
    import reportlab
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    regular = _fontconfig("DejaVu Sans:style=Book")
    bold = _fontconfig("DejaVu Sans:style=Bold")
    if not (regular and bold):
        shipped = Path(reportlab.__file__).parent / "fonts"
        regular, bold = str(shipped / "Vera.ttf"), str(shipped / "VeraBd.ttf")
    pdfmetrics.registerFont(TTFont(REGULAR, regular))
    pdfmetrics.registerFont(TTFont(BOLD, bold))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
    return REGULAR, BOLD


@functools.cache
def _styles():
    from reportlab.lib.colors import HexColor
    from reportlab.lib.styles import ParagraphStyle

    _fonts()
    text = HexColor("#222222")
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=10, leading=13, textColor=text)
    return {
        "body": body,
        "client": ParagraphStyle("client", parent=body, leftIndent=95 * MM),
        "title": ParagraphStyle(
            "title", parent=body, fontName=BOLD, fontSize=15, leading=19,
            spaceBefore=8 * MM, spaceAfter=4 * MM,
        ),
        "figure": ParagraphStyle("figure", parent=body, alignment=2),  # right
        "law": ParagraphStyle(
            "law", parent=body, fontSize=8, leading=10, textColor=HexColor("#444444"),
            spaceBefore=8 * MM,
        ),
        "sign": ParagraphStyle("sign", parent=body, spaceBefore=10 * MM),
        "space": ParagraphStyle("space", parent=body, spaceBefore=3 * MM),
    }


def _lines(*parts) -> str:
    """Escaped lines joined by line breaks; ``("b", text)`` is bold."""
    out = []
    for part in parts:
        if isinstance(part, tuple):
            out.append(f"<b>{escape(str(part[1]))}</b>")
        elif part:
            out.append(escape(str(part)))
    return "<br/>".join(out)


def render(content: dict) -> bytes:
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    with translation.override(content.get("language") or "fr"):
        s = _styles()
        seller, client, year = content["seller"], content["client"], content["year"]
        title = _("Tax certificate for home services — year %(year)s") % {"year": year}
        seller_lines = [("b", seller["legal_name"]), *seller["address"]]
        seller_lines.append(_("SIREN: %(number)s") % {"number": seller["siren"]})
        if seller.get("sap_number"):
            seller_lines.append(
                _("Home-services declaration: %(number)s") % {"number": seller["sap_number"]}
            )
        seller_lines.append(_("Activity: %(name)s") % {"name": seller["activity"]})
        figures = [
            (
                _("Amount actually paid in %(year)s for eligible services (incl. VAT)")
                % {"year": year},
                f"<b>{escape(money(Decimal(content['amount'])))}</b>",
            ),
            (_("Hours of work"), escape(number(Decimal(content["hours"])))),
            (
                _("Paid with prepaid CESU (to be deducted, not included above)"),
                escape(money(Decimal(content["cesu"]))),
            ),
        ]
        table = Table(
            [[Paragraph(escape(label), s["body"]), Paragraph(value, s["figure"])]
             for label, value in figures],
            colWidths=[130 * MM, 40 * MM],
        )
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 2 * MM),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2 * MM),
            ("LINEBELOW", (0, 0), (-1, -1), 0.75, HexColor("#cccccc")),
        ]))
        signed = escape(_("Issued on %(date)s.") % {"date": content["date_display"]})
        if seller.get("signatory"):
            signed += "<br/>" + escape(seller["signatory"])
        story = [
            Paragraph(_lines(*seller_lines), s["body"]),
            Spacer(1, 6 * MM),
            Paragraph(_lines(("b", client["name"]), *client["address"]), s["client"]),
            Paragraph(escape(title), s["title"]),
            Paragraph(escape(_(
                "%(seller)s certifies that %(client)s paid in %(year)s, for home services "
                "provided at their home, the amounts below."
            ) % {"seller": seller["legal_name"], "client": client["name"], "year": year}), s["body"]),
            Spacer(1, 4 * MM),
            table,
            Paragraph(
                escape(_("Work done by: %(names)s") % {"names": ", ".join(content["workers"])}),
                s["space"],
            ),
            Paragraph(escape(_(
                "Certificate issued for the tax credit or reduction of article 199 sexdecies of "
                "the French General Tax Code (services à la personne). Only the amounts actually "
                "paid during the year are certified; amounts paid with prepaid CESU (chèques "
                "emploi service universel préfinancés) must be deducted and are not included."
            )), s["law"]),
            Paragraph(signed, s["sign"]),
        ]
        out = io.BytesIO()
        SimpleDocTemplate(
            out,
            pagesize=(210 * MM, 297 * MM),
            leftMargin=20 * MM, rightMargin=20 * MM, topMargin=20 * MM, bottomMargin=20 * MM,
            title=_("Tax certificate %(year)s") % {"year": year},
            author=seller["legal_name"],
            subject=client["name"],
        ).build(story)
        return out.getvalue()
