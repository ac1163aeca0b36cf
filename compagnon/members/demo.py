"""Demo reference data of this context, shared by seed_demo and the scale seeding."""

from compagnon.core.demo import TRADES

from .models import Trade


def ensure_trades() -> dict:
    """The demo trades (with their names in French, Dutch and English), created once."""
    for code, fr, nl, en in TRADES:
        Trade.objects.update_or_create(
            code=code, defaults={"name_fr": fr, "name_nl": nl, "name_en": en}
        )
    return {t.code: t for t in Trade.objects.all()}
