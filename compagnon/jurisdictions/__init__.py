"""Country rules behind one interface.

Everything that differs between France and Belgium lives in one module per country
(``fr.py``, ``be.py``), each exposing a :class:`~compagnon.jurisdictions.base.Jurisdiction`.
Callers never branch on a country code: they ask ``get(entity.jurisdiction)``.
"""

from .base import IdentifierError, Jurisdiction, VatRate
from .be import BELGIUM
from .fr import FRANCE

REGISTRY: dict[str, Jurisdiction] = {j.code: j for j in (FRANCE, BELGIUM)}
CHOICES = [(j.code, j.name) for j in REGISTRY.values()]


def get(code: str) -> Jurisdiction:
    try:
        return REGISTRY[code]
    except KeyError:
        raise LookupError(f"Unknown jurisdiction {code!r}") from None


__all__ = ["CHOICES", "REGISTRY", "IdentifierError", "Jurisdiction", "VatRate", "get"]
