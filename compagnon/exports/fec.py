"""Fichier des écritures comptables (FEC), article A47 A-1 du livre des procédures fiscales.

One line per entry line, the 18 columns of the article in its order, tab-separated, a header line
with their names, dates AAAAMMJJ, amounts with a decimal comma and two decimals (both Debit and
Credit filled, "0,00" on the empty side), no thousands separator, CR LF line ends, ISO 8859-15
(characters it lacks become "?"). File name ``<SIREN>FEC<closing date AAAAMMJJ>.txt``.

* EcritureNum: the ledger's number of the entry in its journal ("VT-2026-00042", gap-free per
  journal and year, and chronological: the ledger refuses an entry dated before the journal's last);
* ValidDate: the day the entry was posted (entries are validated when posted: they are immutable),
  never before its date;
* CompAuxNum / CompAuxLib: the client ("C000042") on client lines, the supplier ("F000007") on the
  supplier account's lines of a supplier invoice;
* PieceRef / PieceDate: the sales document's or supplier invoice's number and issue date, else the
  entry's reference and date;
* EcritureLet / DateLet: the lettering code and date (lettering app), when the whole lettering is
  in the year;
* Montantdevise / Idevise: empty (every amount is in euros).

Two writers give the same bytes: on PostgreSQL the database formats the rows and streams them with
``COPY (SELECT …) TO STDOUT`` (constant memory, about the speed of COPY itself); elsewhere Python
formats the rows of ``books.lines``. ``fec_check.check`` verifies a file.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator

from django.db import connection

from . import books

COLUMNS = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)
ENCODING = "iso8859_15"
NEWLINE = "\r\n"
LANGUAGE = "fr"  # the tax administration reads the account and journal names in French
# Text fields: every character Python counts as white space (tabs, line breaks, no-break spaces…)
# becomes a plain space and every other control character a "?", in both writers alike; so a field
# is empty exactly when it is made of spaces, and no value breaks a line or a column.
SPACES = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace() and ch != " ")
CONTROLS = "".join(
    ch for ch in map(chr, range(1, 0xA0)) if not ch.isprintable() and not ch.isspace()
)
_CLEAN = str.maketrans(SPACES + CONTROLS, " " * len(SPACES) + "?" * len(CONTROLS))


def filename(entity, year: int) -> str:
    siren = "".join(ch for ch in (entity.company_number or "") if ch.isdigit())[:9] or "000000000"
    return f"{siren}FEC{year}1231.txt"


def clean(text) -> str:
    return str(text or "").translate(_CLEAN)


def amount(value) -> str:
    return f"{value:.2f}".replace(".", ",")


def day(value) -> str:
    return value.strftime("%Y%m%d") if value else ""


def header() -> str:
    return "\t".join(COLUMNS) + NEWLINE


def python_rows(entity, year: int) -> Iterator[str]:
    accounts, journals = books.labels(entity, LANGUAGE)
    for line in books.lines(entity, year, journals):
        jcode, jname, _role = journals[line.journal_id]
        code, name = accounts[line.account_id]
        if line.client_id:
            aux, aux_name = books.client_aux(line.client_id), line.client_name
        elif line.supplier_id:
            aux, aux_name = books.supplier_aux(line.supplier_id), line.supplier_name
        else:
            aux = aux_name = ""
        yield (
            "\t".join(
                clean(v)
                for v in (
                    jcode,
                    jname,
                    books.reference(jcode, line.year, line.number),
                    day(line.date),
                    code,
                    name,
                    aux,
                    aux_name,
                    line.piece,
                    day(line.piece_date),
                    line.label if clean(line.label).strip(" ") else line.entry_label,
                    amount(line.debit),
                    amount(line.credit),
                    line.letter,
                    day(line.letter_date) if line.letter else "",
                    day(max(line.posted_on, line.date)),
                    "",
                    "",
                )
            )
            + NEWLINE
        )


# --- PostgreSQL: the database formats and streams -------------------------------------------------


def _pg_text(expr: str) -> str:
    """The value cleaned as ``clean`` does; ``translate`` only runs on the rare value that needs it."""
    value = f"COALESCE({expr}, '')"
    return f"CASE WHEN {value} ~ %(dirty)s THEN translate({value}, %(clean_from)s, %(clean_to)s) ELSE {value} END"


def pg_select(entity, year: int) -> tuple[str, dict]:
    accounts, journals = books.labels(entity, LANGUAGE)
    start, end = books.year_bounds(year)
    columns = [
        "jl.code",
        "jl.name",
        "jl.code || '-' || e.year || '-' || lpad(e.number::text, 5, '0')",
        "to_char(e.date, 'YYYYMMDD')",
        "al.code",
        "al.name",
        "CASE WHEN l.client_id IS NOT NULL THEN 'C' || lpad(l.client_id::text, 6, '0') "
        "WHEN s.id IS NOT NULL THEN 'F' || lpad(s.id::text, 6, '0') ELSE '' END",
        _pg_text("CASE WHEN l.client_id IS NOT NULL THEN c.name ELSE s.name END"),
        _pg_text(
            "COALESCE(NULLIF(d.number, ''), NULLIF(si.number, ''), "
            "jl.code || '-' || e.year || '-' || lpad(e.number::text, 5, '0'))"
        ),
        "to_char(COALESCE(d.issue_date, si.issue_date, e.date), 'YYYYMMDD')",
        _pg_text("CASE WHEN l.label ~ %(nonblank)s THEN l.label ELSE e.label END"),
        "replace(l.debit::text, '.', ',')",
        "replace(l.credit::text, '.', ',')",
        "COALESCE(lt.code, '')",
        "COALESCE(to_char(lt.date, 'YYYYMMDD'), '')",
        "to_char(GREATEST((e.posted_at AT TIME ZONE %(tz)s)::date, e.date), 'YYYYMMDD')",
        "''",
        "''",
    ]
    # COPY's CSV mode quotes a non-null value equal to the NULL string: empty strings go out as NULLs
    columns = [f"NULLIF({c}, '')" for c in columns]
    names = books.from_clause().replace(
        f"JOIN {books.t(books.Journal)} j ON j.id = e.journal_id",
        f"JOIN {books.t(books.Journal)} j ON j.id = e.journal_id JOIN jl ON jl.id = j.id JOIN al ON al.id = l.account_id",
    )
    # table names from the models; values bound, or inlined as literals by copy_statement
    cte = (
        "WITH jl(id, code, name) AS (SELECT * FROM unnest(%(jids)s::bigint[], %(jcodes)s::text[], "
        "%(jnames)s::text[])), al(id, code, name) AS (SELECT * FROM unnest(%(aids)s::bigint[], "
        "%(acodes)s::text[], %(anames)s::text[])) "
    )
    sql = f"{cte}SELECT {', '.join(columns)} {names}"  # noqa: S608
    from django.conf import settings

    params = {
        "entity": entity.pk,
        "start": start,
        "end": end,
        "tz": settings.TIME_ZONE,
        "clean_from": SPACES + CONTROLS,
        "dirty": f"[{SPACES}{CONTROLS}]",
        "nonblank": f"[^ {SPACES}]",
        "clean_to": " " * len(SPACES) + "?" * len(CONTROLS),
        "jids": list(journals),
        "jcodes": [clean(v[0]) for v in journals.values()],
        "jnames": [clean(v[1]) for v in journals.values()],
        "aids": list(accounts),
        "acodes": [clean(v[0]) for v in accounts.values()],
        "anames": [clean(v[1]) for v in accounts.values()],
    }
    return sql, params


def copy_statement(entity, year: int) -> str:
    """``COPY (SELECT …) TO STDOUT`` with every value inlined (COPY takes no parameters)."""
    from psycopg import sql as pgsql

    query, params = pg_select(entity, year)
    literal = {k: pgsql.Literal(v) for k, v in params.items()}
    inlined = pgsql.SQL(query.replace("%(", "{").replace(")s", "}")).format(**literal)
    connection.ensure_connection()
    body = inlined.as_string(connection.connection)
    return (
        f"COPY ({body}) TO STDOUT WITH (FORMAT csv, DELIMITER E'\\t', QUOTE E'\\x01', "
        "NULL '', ENCODING 'UTF8')"
    )


PG_CHUNK = 1 << 20  # COPY hands one message per row: convert them a megabyte at a time


def _pg_chunks(entity, year: int) -> Iterator[str]:
    statement = copy_statement(entity, year)
    decoder = codecs.getincrementaldecoder("utf-8")()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(statement) as copy:
            pending: list = []
            size = 0
            for block in copy:
                pending.append(block)
                size += len(block)
                if size >= PG_CHUNK:
                    yield decoder.decode(b"".join(pending)).replace("\n", NEWLINE)
                    pending, size = [], 0
            tail = decoder.decode(b"".join(pending), final=True)
    if tail:
        yield tail.replace("\n", NEWLINE)


def stream(entity, year: int, *, fast: bool | None = None) -> Iterator[bytes]:
    """The file's bytes, in chunks (constant memory)."""
    if fast is None:
        fast = connection.vendor == "postgresql"
    yield header().encode(ENCODING)
    if fast:
        for text in _pg_chunks(entity, year):
            yield text.encode(ENCODING, errors="replace")
        return
    buffer: list[str] = []
    size = 0
    for row in python_rows(entity, year):
        buffer.append(row)
        size += len(row)
        if size > 64 * 1024:
            yield "".join(buffer).encode(ENCODING, errors="replace")
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer).encode(ENCODING, errors="replace")


def write(entity, year: int, directory) -> str:
    """Write the file into ``directory``; returns its path."""
    from pathlib import Path

    path = Path(directory) / filename(entity, year)
    with path.open("wb") as out:
        for chunk in stream(entity, year):
            out.write(chunk)
    return str(path)
