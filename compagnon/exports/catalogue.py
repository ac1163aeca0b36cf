"""What can be downloaded for an entity and a year: one :class:`Export` per file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from compagnon.ledger.models import Entry

from . import fec, generic, winbooks


@dataclass(frozen=True)
class Export:
    key: str
    title: str
    description: str
    content_type: str
    jurisdictions: tuple[str, ...]
    per_year: bool
    filename: Callable
    stream: Callable[..., Iterator[bytes]]


def _lang() -> str:
    return (get_language() or "en")[:2]


EXPORTS = (
    Export(
        "fec",
        _("FEC (France)"),
        _(
            "Fichier des écritures comptables, article A47 A-1 of the Livre des procédures fiscales: for the tax "
            "administration and French accounting firms."
        ),
        "text/plain; charset=iso-8859-15",
        ("FR",),
        True,
        lambda entity, year: fec.filename(entity, year),
        lambda entity, year, **kw: fec.stream(entity, year),
    ),
    Export(
        "winbooks-act",
        _("WinBooks entries (ACT.txt)"),
        _("The year's entries in WinBooks' ASCII import format, for Belgian accounting firms."),
        "text/plain; charset=windows-1252",
        ("BE",),
        True,
        lambda entity, year: f"ACT-{entity.pk}-{year}.txt",
        lambda entity, year, bookyear="", **kw: winbooks.act(entity, year, bookyear=bookyear),
    ),
    Export(
        "winbooks-csf",
        _("WinBooks customers and suppliers (CSF.txt)"),
        _(
            "Customers and suppliers in WinBooks' ASCII import format, with their numbers used in ACT.txt."
        ),
        "text/plain; charset=windows-1252",
        ("BE",),
        False,
        lambda entity, year: f"CSF-{entity.pk}.txt",
        lambda entity, year, **kw: winbooks.csf(entity),
    ),
    Export(
        "entries",
        _("Entries (CSV)"),
        _(
            "One line per entry line with every identifier, the activity and the lettering: for any package."
        ),
        "text/csv; charset=utf-8",
        ("FR", "BE"),
        True,
        lambda entity, year: f"entries-{entity.pk}-{year}.csv",
        lambda entity, year, **kw: generic.entries(entity, year, _lang()),
    ),
    Export(
        "accounts",
        _("Chart of accounts (CSV)"),
        _("Every account of the entity's chart."),
        "text/csv; charset=utf-8",
        ("FR", "BE"),
        False,
        lambda entity, year: f"accounts-{entity.pk}.csv",
        lambda entity, year, **kw: generic.accounts(entity, _lang()),
    ),
    Export(
        "third-parties",
        _("Clients and suppliers (CSV)"),
        _("Every client and supplier with the code the other files use."),
        "text/csv; charset=utf-8",
        ("FR", "BE"),
        False,
        lambda entity, year: f"third-parties-{entity.pk}.csv",
        lambda entity, year, **kw: generic.parties(entity),
    ),
)
BY_KEY = {e.key: e for e in EXPORTS}


def for_entity(entity) -> list[Export]:
    return [e for e in EXPORTS if entity.jurisdiction in e.jurisdictions]


def years(entity) -> list[int]:
    """The years with entries, latest first."""
    return sorted(
        {d.year for d in Entry.objects.filter(entity=entity).dates("date", "year")}, reverse=True
    )
