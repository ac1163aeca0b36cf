"""The tax certificate drawn as a PDF (ReportLab), about twenty times faster than laying out HTML.

Every other document of Compagnon is HTML laid out by WeasyPrint: it handles any length, any
brand and the e-invoice attachments. The certificate is different: one fixed page printed for
every client of the cooperative each January (20,000 in under two minutes on two cores), whose
layout never changes. WeasyPrint takes about 30 ms of CPU for that page; drawing it with
ReportLab's canvas takes about 4 ms (decision 0037).

``render(content)`` takes the frozen ``Certificate.content`` and returns the PDF bytes, in the
client's language. Text is drawn as text, never parsed as markup (a client called
"A & B <Jardins>" prints as typed); long lines wrap at word boundaries (``simpleSplit``).

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


A4 = (210 * MM, 297 * MM)
LEFT, RIGHT, TOP = 20 * MM, 190 * MM, 277 * MM  # 20 mm margins
GREY, DARK, RULE = (0.27, 0.27, 0.27), (0.13, 0.13, 0.13), (0.8, 0.8, 0.8)


class _Page:
    """A cursor going down one page: each call writes lines from the left edge ``x`` and moves
    below them."""

    def __init__(self, canvas):
        self.c, self.y = canvas, TOP

    def lines(self, texts, *, size=10, bold=False, x=LEFT, width=RIGHT - LEFT, leading=None,
              colour=DARK):
        from reportlab.lib.utils import simpleSplit

        font = BOLD if bold else REGULAR
        leading = leading or size * 1.3
        self.c.setFont(font, size)
        self.c.setFillColorRGB(*colour)
        for text in texts:
            for line in simpleSplit(str(text), font, size, width) or [""]:
                self.y -= leading
                self.c.drawString(x, self.y, line)

    def space(self, mm):
        self.y -= mm * MM


def render(content: dict) -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    _fonts()
    with translation.override(content.get("language") or "fr"):
        seller, client, year = content["seller"], content["client"], content["year"]
        out = io.BytesIO()
        c = Canvas(out, pagesize=A4)
        c.setTitle(_("Tax certificate %(year)s") % {"year": year})
        c.setAuthor(seller["legal_name"])
        c.setSubject(client["name"])
        page = _Page(c)

        page.lines([seller["legal_name"]], bold=True)
        rest = [*seller["address"], _("SIREN: %(number)s") % {"number": seller["siren"]}]
        if seller.get("sap_number"):
            rest.append(
                _("Home-services declaration: %(number)s") % {"number": seller["sap_number"]}
            )
        rest.append(_("Activity: %(name)s") % {"name": seller["activity"]})
        page.lines(rest)

        page.space(6)
        client_x = LEFT + 95 * MM
        page.lines([client["name"]], bold=True, x=client_x, width=RIGHT - client_x)
        page.lines(client["address"], x=client_x, width=RIGHT - client_x)

        page.space(8)
        page.lines(
            [_("Tax certificate for home services — year %(year)s") % {"year": year}],
            size=15, bold=True,
        )
        page.space(4)
        page.lines([_(
            "%(seller)s certifies that %(client)s paid in %(year)s, for home services provided "
            "at their home, the amounts below."
        ) % {"seller": seller["legal_name"], "client": client["name"], "year": year}])

        page.space(4)
        rows = [
            (
                _("Amount actually paid in %(year)s for eligible services (incl. VAT)")
                % {"year": year},
                money(Decimal(content["amount"])),
                True,
            ),
            (_("Hours of work"), number(Decimal(content["hours"])), False),
            (
                _("Paid with prepaid CESU (to be deducted, not included above)"),
                money(Decimal(content["cesu"])),
                False,
            ),
        ]
        for label, value, strong in rows:
            top = page.y
            page.space(2)
            page.lines([label], x=LEFT + 2 * MM, width=126 * MM)
            bottom = page.y
            c.setFont(BOLD if strong else REGULAR, 10)
            c.drawRightString(RIGHT - 2 * MM, top - 2 * MM - 13, value)
            page.y = min(bottom, top - 2 * MM - 13) - 2 * MM - 3
            c.setStrokeColorRGB(*RULE)
            c.setLineWidth(0.75)
            c.line(LEFT, page.y, RIGHT, page.y)

        page.space(3)
        page.lines([_("Work done by: %(names)s") % {"names": ", ".join(content["workers"])}])
        page.space(8)
        page.lines([_(
            "Certificate issued for the tax credit or reduction of article 199 sexdecies of the "
            "French General Tax Code (services à la personne). Only the amounts actually paid "
            "during the year are certified; amounts paid with prepaid CESU (chèques emploi "
            "service universel préfinancés) must be deducted and are not included."
        )], size=8, leading=10, colour=GREY)
        page.space(10)
        signed = [_("Issued on %(date)s.") % {"date": content["date_display"]}]
        if seller.get("signatory"):
            signed.append(seller["signatory"])
        page.lines(signed)
        c.showPage()
        c.save()
        return out.getvalue()
