"""Names in dictionary order, in the database: "Éléonore" with the E's, not after "Zoé".

``qs.order_by(*by_name("name"), "id")`` sorts with the ICU root collation ``und-x-icu``:
PostgreSQL ships it (built with ICU, as the Debian and official images are); on SQLite the same
name is registered on every connection as a Python collation over
:func:`compagnon.core.formatting.sort_key` (accents and case only break ties).
"""

from django.db.models import F
from django.db.models.functions import Collate

from .formatting import sort_key

NAME_COLLATION = "und-x-icu"


def by_name(*fields):
    return [Collate(F(field), NAME_COLLATION).asc() for field in fields]


def _compare(a, b):
    ka, kb = sort_key(a), sort_key(b)
    return (ka > kb) - (ka < kb)


def register_sqlite_collation(sender, connection, **kwargs):
    """connection_created receiver: teach SQLite the collation PostgreSQL has built in."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(NAME_COLLATION, _compare)
