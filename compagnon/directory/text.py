"""Folded text for searching: lowercase ASCII words, accents and punctuation gone ("Éco-jardin"
→ "eco jardin"), the same on PostgreSQL and SQLite; and the documents each kind of viewer may
search, built from what the member lets them see."""

from __future__ import annotations

import re
import unicodedata

from .models import Visibility

_NON_WORD = re.compile(r"[^a-z0-9]+")

# Languages are free text on the member; these groups let "fr", "French", "français" and
# "frans" find each other (codes and names folded).
LANGUAGE_GROUPS = [
    ("fr", "francais", "french", "frans"),
    ("nl", "nederlands", "dutch", "neerlandais", "vlaams", "flamand"),
    ("en", "english", "anglais", "engels"),
    ("de", "deutsch", "german", "allemand", "duits"),
    ("es", "espanol", "spanish", "espagnol", "spaans"),
    ("it", "italiano", "italian", "italien", "italiaans"),
    ("pt", "portugues", "portuguese", "portugais", "portugees"),
    ("ar", "arabe", "arabic", "arabisch"),
]


def fold(text) -> str:
    """``text`` as lowercase ASCII words separated by one space."""
    ascii_text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return " ".join(_NON_WORD.split(ascii_text.lower())).strip()


def words(text) -> list[str]:
    return [w for w in fold(text).split(" ") if w]


def document(parts) -> str:
    """The searchable text of ``parts``: each word once, in order, between spaces (so that
    ``" eco"`` finds the words starting with "eco")."""
    seen: dict[str, None] = {}
    for part in parts:
        for w in words(part):
            seen.setdefault(w)
    return f" {' '.join(seen)} " if seen else ""


def codes(values) -> str:
    values = [v for v in values if v]
    return f"|{'|'.join(values)}|" if values else ""


def language_variants(value: str) -> list[str]:
    """The folded spellings a language filter looks for."""
    folded = fold(value)
    for group in LANGUAGE_GROUPS:
        if folded in group:
            return list(group)
    return [folded] if folded else []


def trade_names(trade) -> list[str]:
    return [trade.name_fr, trade.name_nl, trade.name_en]


def field_parts(member, profile, activities) -> dict[str, list[str]]:
    """What each field contributes to the search (contacts but the place are never searched)."""
    activity_parts = []
    for a in activities:
        activity_parts += [a.name, a.description]
        if a.trade is not None:
            activity_parts += trade_names(a.trade)
    trades = []
    for t in member.trades.all():
        trades += trade_names(t)
    return {
        "headline": [profile.headline],
        "trades": trades,
        "activities": activity_parts,
        "skills": list(member.skills or []),
        "languages": list(member.languages or []),
        "bio": [member.bio],
        "zone": [profile.zone_city, profile.zone_postcode] if profile.zone_km or profile.has_zone else [],
        "place": [member.city, member.postcode],
    }


def documents(member, profile, activities) -> dict[str, str]:
    """The folded texts of the search columns: what a colleague of the office, a member of the
    cooperative, and the staff who see contacts may find the member by."""
    parts = field_parts(member, profile, activities)
    name = [member.user.first_name, member.user.last_name]

    def reached(rank):
        out = list(name)
        for field, values in parts.items():
            if profile.visibility(field) >= rank:
                out += values
        return out

    entity_parts = reached(Visibility.ENTITY)
    staff_parts = entity_parts + ([] if profile.place_visibility >= Visibility.ENTITY else parts["place"])
    return {
        "text_office": document(reached(Visibility.OFFICE)),
        "text_entity": document(entity_parts),
        "text_staff": document(staff_parts),
    }
