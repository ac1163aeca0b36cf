"""Reference data shared by seed_demo and seed_scale: trades, identifiers, logos."""

import io
import random

from stdnum import luhn

TRADES = [
    ("gardening", "Jardinage et paysage", "Tuinonderhoud", "Gardening and landscaping"),
    ("it-repair", "Dépannage informatique", "Computerherstelling", "IT repair"),
    ("graphic-design", "Graphisme", "Grafisch ontwerp", "Graphic design"),
    ("training", "Formation", "Opleiding", "Training"),
    ("consulting", "Conseil", "Advies", "Consulting"),
    ("photography", "Photographie", "Fotografie", "Photography"),
    ("carpentry", "Menuiserie", "Schrijnwerkerij", "Carpentry"),
    ("translation", "Traduction", "Vertaling", "Translation"),
    ("music", "Musique et spectacle", "Muziek en podium", "Music and performance"),
    ("web-development", "Développement web", "Webontwikkeling", "Web development"),
    ("home-help", "Aide à domicile", "Thuishulp", "Home help"),
    ("catering", "Traiteur", "Catering", "Catering"),
]


def siren_from(n: int) -> str:
    """A valid SIREN (8 digits + Luhn check digit) derived from ``n``."""
    base = f"{n % 10**8:08d}"
    return base + luhn.calc_check_digit(base)


def kbo_from(n: int) -> str:
    """A valid Belgian enterprise number (0 + 7 digits + mod-97 check) derived from ``n``."""
    base = int(f"0{n % 10**7:07d}")
    return f"{base:08d}{97 - base % 97:02d}"


def logo_png(initials: str, colour: str, size: int = 256) -> bytes:
    """A simple round logo with initials, for demo activities (real PNG, passes logo validation)."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(img)
    draw.ellipse((8, 8, size - 8, size - 8), fill=colour)
    try:
        font = ImageFont.truetype("DejaVuSans-Bold.ttf", size // 3)
    except OSError:
        font = ImageFont.load_default(size // 3)
    draw.text((size / 2, size / 2), initials, fill="white", font=font, anchor="mm")
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def rng(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 - demo data, not security
