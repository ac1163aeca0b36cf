"""The directory search: by trade, skill, language, zone and keywords, matching only what the
searcher may see of each member (``access.segments`` splits the searcher's reach into parts that
see alike; each part matches on its own columns).

Keywords: on PostgreSQL, full-text search over the French and Dutch vectors of the text the part
may see (prefix match of every word, accents ignored through ``unaccent``), or the name by
fragment or trigram word similarity; on SQLite, each word must start a word of the same folded
text (a final "s" ignored), or the query be a fragment of the name. Both give the same members on
the demo data. Zone: the commune centroid of a postcode or commune name and a distance in km,
reached by the member's place (when visible) or by the zone they serve (when visible).
"""

from __future__ import annotations

import json
import math
import operator
import re
from contextlib import contextmanager
from dataclasses import dataclass
from functools import reduce

from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Q,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from compagnon.core.params import bool_param, int_param, text_param
from compagnon.geo import centroids
from compagnon.members.models import Trade
from compagnon.organisation.models import Entity
from compagnon.permissions import Scope

from . import access, hooks, text
from .models import ZONE_KM_MAX, DirectoryProfile, SearchText, Visibility

DEFAULT_KM = 20
SIMILAR_FROM = 5  # letters from which a name is also found by trigram similarity
CANDIDATES = 1000  # a keyword matching at most this many profiles is searched among them only
COUNTED = 50  # results counted at most, on the page and in the API ("more than 50 members found")
COMMON_ESTIMATE = 30_000  # profiles PostgreSQL expects a word to match, above which it is walked to
MAX_KM = 200
KM_PER_LAT = 110.574
KM_PER_LON_AT_EQUATOR = 111.320
_TERM = re.compile(r"[^\W_]+")
# Columns a result never shows: left in the database when the page reads its rows.
SEARCH_ONLY = ["norm_skills", "norm_languages", "trade_codes", "activity_trade_codes", "text_name"]


@dataclass
class Criteria:
    q: str = ""
    trade: str = ""
    skill: str = ""
    language: str = ""
    place: str = ""
    km: int = DEFAULT_KM
    center: tuple[float, float] | None = None
    flags: tuple[str, ...] = ()  # yes/no criteria of the upper apps (hooks.register_filter)

    @property
    def empty(self) -> bool:
        return not (self.q or self.trade or self.skill or self.language or self.center or self.flags)


def countries(scope: Scope) -> list[str]:
    ids = sorted(access.reach_entities(scope))
    return list(dict.fromkeys(Entity.objects.filter(id__in=ids).order_by("id").values_list("jurisdiction", flat=True)))


def locate(place: str, country_order: list[str]) -> tuple[float, float] | None:
    """The centroid of a postcode (4 digits: Belgium first, 5: France first) or commune name."""
    value = place.strip()
    digits = value.replace(" ", "").isdigit()
    order = list(country_order) or ["FR", "BE"]
    if digits:
        first = "BE" if len(value.replace(" ", "")) == 4 else "FR"
        order = [first] + [c for c in order if c != first]
    for country in order + [c for c in ("FR", "BE") if c not in order]:
        found = centroids.lookup(postcode=value if digits else "", city="" if digits else value, country=country)
        if found is not None:
            return float(found[0]), float(found[1])
    return None


def read_criteria(source, scope: Scope) -> Criteria:
    """The search of a page or API request (``core.params`` rules: malformed → 400). An unknown
    place is a ``ValidationError`` on ``postcode``."""
    c = Criteria(
        q=text_param(source, "q"),
        trade=text_param(source, "trade", max_length=40),
        skill=text_param(source, "skill", max_length=100),
        language=text_param(source, "language", max_length=60),
        place=text_param(source, "postcode", max_length=100),
        km=int_param(source, "km", default=DEFAULT_KM, min_value=1, max_value=MAX_KM),
        flags=tuple(name for name in hooks.filters() if bool_param(source, name)),
    )
    if c.place:
        c.center = locate(c.place, countries(scope))
        if c.center is None:
            raise ValidationError({"postcode": _("We do not know this place: enter a postcode or the name of a commune.")})
    return c


def trades() -> list[Trade]:
    return list(Trade.objects.order_by("code"))


# --- expressions ------------------------------------------------------------------------------


class _Operator(Func):
    """``a OP b`` as a boolean condition usable in ``filter()``."""

    output_field = BooleanField()
    template = "(%(expressions)s)"


class Matches(_Operator):
    arg_joiner = " @@ "


class WordSimilar(_Operator):
    arg_joiner = " %%> "  # pg_trgm: the query is similar to a word of the name


class Both(Func):
    """Two tsvectors together (``a || b``)."""

    arg_joiner = " || "
    template = "(%(expressions)s)"


def _distance2(lat_field: str, lon_field: str, center):
    """Squared distance in km² from ``center`` (equirectangular: exact enough within 200 km)."""
    lat0, lon0 = center
    ky, kx = KM_PER_LAT, KM_PER_LON_AT_EQUATOR * math.cos(math.radians(lat0))
    dy = (F(lat_field) - Value(lat0)) * Value(ky)
    dx = (F(lon_field) - Value(lon0)) * Value(kx)
    return Cast(dy * dy + dx * dx, FloatField())


def _near(lat_field: str, lon_field: str, center, km: float, extra=None) -> Q:
    """Within ``km`` of ``center`` (+ the row's ``extra`` radius field): a bounding box the
    position index can use, then the exact distance."""
    lat0, lon0 = center
    reach = km + (ZONE_KM_MAX if extra else 0)
    dlat = reach / KM_PER_LAT
    dlon = reach / (KM_PER_LON_AT_EQUATOR * max(0.1, math.cos(math.radians(lat0))))
    box = Q(**{f"{lat_field}__gte": lat0 - dlat, f"{lat_field}__lte": lat0 + dlat,
               f"{lon_field}__gte": lon0 - dlon, f"{lon_field}__lte": lon0 + dlon})
    d2 = _distance2(lat_field, lon_field, center)
    limit = ExpressionWrapper(Value(float(km)) + F(extra), output_field=FloatField()) if extra else Value(float(km))
    return box & Q(_LessEqual(d2, ExpressionWrapper(limit * limit, output_field=FloatField())))


class _LessEqual(_Operator):
    arg_joiner = " <= "


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def _texts(cond) -> Q:
    """Profiles whose search text matches ``cond`` (a subquery on ``SearchText``)."""
    return Q(pk__in=SearchText.objects.filter(cond).values("profile_id"))


def _keyword_sqlite(q: str, acc: access.Access) -> Q:
    columns = _text_columns(acc)
    terms = [w for w in text.words(q) if len(w) > 1]
    cond = Q()
    for w in terms:
        cond &= reduce(operator.or_, [Q(**{f"{col}__contains": f" {_stem(w)}"}) for col in columns])
    folded = text.fold(q)
    name = Q(text_name__contains=folded) if folded else Q(pk__in=[])
    return (_texts(cond) | name) if terms else name


def _text_columns(acc: access.Access) -> list[str]:
    if acc.min_rank <= Visibility.OFFICE:
        return ["text_office", "text_staff"] if acc.contact and not acc.is_self else ["text_office"]
    return ["text_staff"] if acc.contact else ["text_entity"]


def _tsquery(q: str):
    # folded in Python as the stored texts are (text.document): a constant query, computed once by
    # PostgreSQL rather than unaccent() on every row it checks
    terms = [t for t in text.words(q) if len(t) > 1]
    if not terms:
        return None
    value = Value(" & ".join(f"{t}:*" for t in terms))
    return SearchQuery(value, search_type="raw", config="french") | SearchQuery(value, search_type="raw", config="dutch")


def _keyword_postgres(q: str, acc: access.Access) -> Q:
    columns = [f"search_text__{c.replace('text_', 'fts_')}" for c in _text_columns(acc)]
    folded = text.fold(q)
    # on the row, not through subqueries: PostgreSQL then either walks the profiles in name order
    # and stops at the page's end (a common word), or starts from the indexes (a rare one)
    name = Q(text_name__contains=folded) if folded else Q(pk__in=[])
    if len(folded) >= SIMILAR_FROM:  # similarity from 5 letters: shorter fragments are noise
        name |= Q(WordSimilar(F("text_name"), Value(folded)))
    query = _tsquery(q)
    if query is None:
        return name
    vector = F(columns[0]) if len(columns) == 1 else Both(F(columns[0]), F(columns[1]))
    return Q(Matches(vector, query)) | name


def _match(c: Criteria, acc: access.Access) -> Q:
    rank = acc.min_rank
    cond = Q()
    if c.trade:
        pattern = f"|{c.trade}|"
        cond &= Q(trades_visibility__gte=rank, trade_codes__contains=pattern) | Q(
            activities_visibility__gte=rank, activity_trade_codes__contains=pattern
        )
    if c.skill:
        folded = text.fold(c.skill)
        cond &= Q(skills_visibility__gte=rank, norm_skills__contains=folded)
    if c.language:
        variants = text.language_variants(c.language)
        cond &= Q(languages_visibility__gte=rank) & reduce(
            operator.or_, [Q(norm_languages__contains=f"|{v}") for v in variants] or [Q(pk__in=[])]
        )
    if c.center:
        place_seen = Q() if acc.contact else Q(place_visibility__gte=rank)
        home = place_seen & _near("lat", "lon", c.center, c.km)
        zone = Q(zone_visibility__gte=rank) & _near("zone_lat", "zone_lon", c.center, c.km, extra="zone_km")
        cond &= home | zone
    if c.q:
        cond &= (_keyword_postgres if connection.vendor == "postgresql" else _keyword_sqlite)(c.q, acc)
    return cond


def search(scope: Scope, criteria: Criteria):
    """The profiles matching ``criteria`` that ``scope`` reaches, by name (each row's access is
    ``access.access_to``; the viewer themself is found like a colleague of their office)."""
    parts = access.segments(scope)
    if not parts:
        return DirectoryProfile.objects.none()
    cond = reduce(operator.or_, [seg & _match(criteria, acc) for seg, acc in parts])
    registered = hooks.filters()
    for name in criteria.flags:
        cond &= registered[name][1]()
    if criteria.q and connection.vendor == "postgresql":
        cond &= _few_candidates(criteria.q, [acc for _seg, acc in parts])
    return DirectoryProfile.objects.filter(cond, active=True).order_by("sort_name", "id").defer(*SEARCH_ONLY)


def _few_candidates(q: str, accesses) -> Q:
    """A keyword checked on each row is cheap when the word is common (the profiles are walked in
    name order and the page fills at once) and slow when it is rare (every profile checked). So the
    rows a keyword can match are first looked up through the full-text and trigram indexes, up to
    :data:`CANDIDATES`: when there are no more, the search reads only those rows."""
    columns = sorted({c.replace("text_", "fts_") for acc in accesses for c in _text_columns(acc)})
    query = _tsquery(q)
    folded = text.fold(q)
    ids: set[int] = set()
    if query is not None:
        words = reduce(operator.or_, [Q(Matches(F(c), query)) for c in columns])
        found = _through_indexes(SearchText.objects.filter(words).values_list("profile_id", flat=True))
        if found is None:
            return Q()
        ids.update(found)
    if folded and len(ids) <= CANDIDATES:
        named = list(DirectoryProfile.objects.filter(text_name__contains=folded).values_list("pk", flat=True)
                     [:CANDIDATES + 1])
        if not named and len(folded) >= SIMILAR_FROM:  # a name spelt differently, when none has the letters
            named = DirectoryProfile.objects.filter(WordSimilar(F("text_name"), Value(folded))).values_list(
                "pk", flat=True)[:CANDIDATES + 1]
        ids.update(named)
    if len(ids) > CANDIDATES:
        return Q()
    # one array parameter rather than up to 1,000 placeholders for Django to compile
    return Q(pk__in=RawSQL("SELECT unnest(%s::bigint[])", [sorted(ids)]))


def _through_indexes(ids) -> list[int] | None:
    """Up to ``CANDIDATES + 1`` of the ``ids`` a full-text condition selects, read through its
    indexes; ``None`` when PostgreSQL expects the word to be common (the page then fills at once by
    walking the profiles: looking them up would cost more).

    Asked for a few rows of a word it believes fairly frequent, PostgreSQL reads the table from the
    start and checks every row until it has enough (45 ms for "alex", which it expects in 9 % of
    the rows and finds in 2 %); through the index it takes 20 ms. Its own estimate tells the
    common words (where reading the table wins) from the others; for the others, sequential reads
    are turned off for this one query."""
    sql, params = ids.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    if plan[0]["Plan"]["Plan Rows"] > COMMON_ESTIMATE:
        return None
    with _planner("enable_seqscan", "off"):
        return list(ids[:CANDIDATES + 1])


@contextmanager
def _planner(name: str, value: str):
    """PostgreSQL's planner setting ``name`` at ``value`` for the queries of the block only: set
    for the transaction (a savepoint when one is open) and given back its value when the block
    ends. Elsewhere, nothing."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s), set_config(%s, %s, true)", [name, name, value])
        previous = cursor.fetchone()[0]
        yield
        cursor.execute("SELECT set_config(%s, %s, true)", [name, previous])


def one_process():
    """Run the search's queries in this connection's process only. For a page of 20 members
    PostgreSQL sometimes starts a parallel worker to walk the profiles: starting it took 17 ms for
    7 ms of work, and on a busy server the worker only competes with the other requests."""
    return _planner("max_parallel_workers_per_gather", "0")


@dataclass
class CountedPage:
    """A page of :func:`search`'s results and how many it found, counted up to ``counted``."""

    number: int
    rows: list
    found: int  # up to counted + 1
    counted: int
    has_next: bool

    @property
    def count(self) -> int:
        return min(self.found, self.counted)

    @property
    def exact(self) -> bool:
        return self.found <= self.counted


def counted_page(found, number: int, per_page: int) -> CountedPage | None:
    """Page ``number`` of ``found`` (a :func:`search`) and how many it found, counted up to
    :data:`COUNTED` or to the page's end, whichever is more (``None`` past the last page).

    The search runs once, for the ids of its first rows in order, which give both the count and the
    page; the page's profiles are then read by id. A common word matches thousands, and counting
    them all would cost more than the page; a search read twice, once to count and once for the
    page, would cost twice its walk."""
    end = number * per_page
    counted = max(COUNTED, end)
    with one_process():
        ids = list(found.values_list("pk", flat=True)[:counted + 1])
    if number > 1 and len(ids) <= end - per_page:
        return None
    return CountedPage(number, _rows_by_id(ids[end - per_page:end]), len(ids), counted, len(ids) > end)


def _rows_by_id(ids: list[int]) -> list[DirectoryProfile]:
    """The profiles of ``ids`` in that order, as ``selectors.result_cards`` reads them: the member
    and user joined, the trades prefetched. Each card is still checked against the viewer's access
    there."""
    rows = (DirectoryProfile.objects.filter(pk__in=ids).select_related("member__user")
            .prefetch_related("member__trades").defer(*SEARCH_ONLY).in_bulk())
    return [rows[pk] for pk in ids if pk in rows]
