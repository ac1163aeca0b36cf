"""Money is a Decimal quantized to the cent with ROUND_HALF_UP. Never a float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value) -> Decimal:
    """``value`` (a Decimal or an int) rounded half-up to the cent. Floats raise TypeError.

    Floats cannot hold most decimal amounts exactly (0.1 + 0.2 != 0.3): accepting one would
    silently put a rounding error into the books.
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(
            f"Amounts must be Decimal, not {type(value).__name__} ({value!r}); "
            "use Decimal('12.34') so no rounding error enters the books."
        )
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"Not a finite amount: {value!r}")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
