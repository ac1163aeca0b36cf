"""Synthetic receipts drawn with Pillow and the DejaVu fonts (the OCR test fixtures): a French
bakery ticket and the same scene photographed at 4000 x 3000 (the receipt on a table, tilted a
little, in a grey light)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts")

FRENCH_TICKET = [
    ("bold", "BOULANGERIE DU MARCHÉ"),
    ("", "12 rue des Écoles, 69001 Lyon"),
    ("", "SIRET 552 100 554 00013"),
    ("", "TVA FR96552100554"),
    ("", "Facture n° F-2026-0412"),
    ("", "Date : 14/11/2026  10:42"),
    ("", ""),
    ("", "2 Pain de campagne       7,00 €"),
    ("", "1 Café crème             3,20 €"),
    ("", "1 Éclair chocolat        2,30 €"),
    ("", ""),
    ("", "TOTAL HT                10,42 €"),
    ("", "TVA 20,00 %              2,08 €"),
    ("bold", "TOTAL TTC               12,50 €"),
    ("", "CB                      12,50 €"),
    ("", "Merci de votre visite !"),
]


def font_path(bold: bool = False) -> Path | None:
    name = "DejaVuSansMono-Bold.ttf" if bold else "DejaVuSansMono.ttf"
    for folder in FONT_DIRS:
        path = Path(folder) / name
        if path.exists():
            return path
    return None


def ticket(lines=FRENCH_TICKET, *, size: int = 30) -> Image.Image:
    regular, bold = ImageFont.truetype(str(font_path()), size), ImageFont.truetype(str(font_path(True)), size)
    image = Image.new("L", (int(size * 30), int(size * 2) + int(size * 1.55) * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    y = size
    for style, text in lines:
        draw.text((int(size * 1.3), y), text, fill=0, font=bold if style else regular)
        y += int(size * 1.55)
    return image


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def photo(width: int = 4000, height: int = 3000, *, angle: float = 2.0) -> bytes:
    """A phone photo of the ticket: a large JPEG, the paper a little tilted on a darker table."""
    paper = ticket(size=48).convert("RGB")
    scale = height * 0.85 / paper.height
    paper = paper.resize((int(paper.width * scale), int(paper.height * scale)), Image.Resampling.BICUBIC)
    paper = paper.rotate(angle, expand=True, fillcolor=(96, 88, 80), resample=Image.Resampling.BICUBIC)
    scene = Image.new("RGB", (width, height), (96, 88, 80))
    scene.paste(paper, ((width - paper.width) // 2, (height - paper.height) // 2))
    scene = scene.filter(ImageFilter.GaussianBlur(1.2))
    grain = Image.effect_noise((width, height), 40).convert("RGB")
    scene = Image.blend(scene, grain, 0.08)  # sensor noise: a real photo's JPEG weighs megabytes
    out = io.BytesIO()
    scene.save(out, "JPEG", quality=88)
    return out.getvalue()
