"""Bulk writing for the scale seeding: reserve ids and write plain tuples as fast as the database
allows (PostgreSQL ``COPY``, SQLite ``executemany``), optionally from a background thread.

Used by each context's ``scale.py`` (composed by ``manage.py seed_scale``). Imports no context.

``bulk_set(model, objects, fields)`` writes some fields of many existing rows (the services'
bulk ``UPDATE``: payments' allocations, payroll's transfers).
"""

from __future__ import annotations

import threading
import time

from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

# --- writing -----------------------------------------------------------------------------------


class Writer:
    """Reserve ids and write plain tuples as fast as the database allows (COPY / executemany)."""

    def __init__(self):
        connection.ensure_connection()
        self.vendor = connection.vendor
        if self.vendor not in ("postgresql", "sqlite"):
            raise CommandError("seed_scale supports PostgreSQL and SQLite only.")
        self.ops = connection.ops
        self.rows = 0
        self._sqlite_next: dict[str, int] = {}
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    @staticmethod
    def columns(model, names):
        meta = model._meta
        return meta.db_table, [meta.get_field(n).column for n in names]

    def reserve_ids(self, model, n: int) -> list[int]:
        self.wait()
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                # nextval() is safe against concurrent writers; the identity column accepts them.
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [connection.ops.quote_name(table), n],
                )
                return [row[0] for row in cursor.fetchall()]
            # SQLite: the surrounding transaction holds the write lock (IMMEDIATE), so max(id) is ours.
            if table not in self._sqlite_next:
                cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608
                self._sqlite_next[table] = cursor.fetchone()[0] + 1
            first = self._sqlite_next[table]
            self._sqlite_next[table] = first + n
            return list(range(first, first + n))

    def insert(self, model, names, rows) -> None:
        if not rows:
            return
        self.wait()
        self._write(connection.connection, model, names, rows)
        self.rows += len(rows)

    def _write(self, raw, model, names, rows) -> None:
        """Write on the DB-API connection itself: no per-row Django overhead, and usable from
        the background thread (Django's connection object is per thread)."""
        table, cols = self.columns(model, names)
        quoted = ", ".join(self.ops.quote_name(c) for c in cols)
        if self.vendor == "postgresql":
            with raw.cursor() as cursor:
                with cursor.copy(
                    f"COPY {self.ops.quote_name(table)} ({quoted}) FROM STDIN"
                ) as copy:
                    write = copy.write_row
                    for row in rows:
                        write(row)
        else:
            marks = ", ".join("?" * len(cols))
            raw.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})', rows)  # noqa: S608

    def insert_in_background(self, batches) -> None:
        """Write ``[(model, names, rows), …]`` from a thread while the caller builds the next
        rows: the database parses, indexes and logs one chunk while Python prepares the next
        (2 cores busy instead of one at a time). Same connection, same transaction: the caller
        must not touch the database until ``wait()`` (which re-raises a failed write)."""
        self.wait()
        raw = connection.connection
        batches = [batch for batch in batches if batch[2]]
        self.rows += sum(len(rows) for _m, _n, rows in batches)

        def work():
            try:
                for model, names, rows in batches:
                    self._write(raw, model, names, rows)
            except BaseException as exc:  # noqa: BLE001 - handed over to wait()
                self._error = exc

        self._thread = threading.Thread(target=work, name="seed_scale-writer", daemon=True)
        self._thread.start()

    def wait(self) -> float:
        """Block until the background write is done; return the seconds spent waiting."""
        if self._thread is None:
            return 0.0
        started = time.perf_counter()
        self._thread.join()
        self._thread = None
        error, self._error = self._error, None
        if error is not None:
            raise error
        return time.perf_counter() - started

    def analyze(self, models) -> None:
        """Fresh planner statistics, as autovacuum would produce them a minute later."""
        self.wait()
        if self.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f"ANALYZE {self.ops.quote_name(model._meta.db_table)}")


class Table:
    """Rows for one model: the columns we set, then every other concrete field at its default
    (so a field added to the model later does not break the bulk insert)."""

    def __init__(self, model, names: list[str]):
        self.model = model
        explicit = set(names)
        now = timezone.now()
        extra = []
        for f in model._meta.concrete_fields:
            if f.primary_key or f.name in explicit or f.attname in explicit:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = now
            else:
                value = f.get_default()
            extra.append((f.name, f.get_db_prep_save(value, connection)))
        self.names = list(names) + [n for n, _ in extra]
        self.tail = tuple(v for _, v in extra)
        self.rows: list[tuple] = []

    def add(self, row: tuple) -> None:
        self.rows.append(row + self.tail if self.tail else row)

    def flush(self, writer: Writer) -> int:
        n = len(self.rows)
        writer.insert(self.model, self.names, self.rows)
        self.rows = []
        return n


# --- updating many rows ------------------------------------------------------------------------


def bulk_set(model, objects: list, fields: list[str]) -> None:
    """Write ``fields`` of many rows. On PostgreSQL one ``UPDATE … FROM (VALUES …)`` per 5,000
    rows (``bulk_update``'s CASE WHEN costs seconds of Python at 10,000 rows); elsewhere
    ``bulk_update``."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objects, fields, batch_size=1000)
        return
    qn = connection.ops.quote_name
    columns = [model._meta.get_field(f) for f in fields]
    pk = model._meta.pk
    sets = ", ".join(f"{qn(c.column)} = v.{qn(c.column)}::{c.db_type(connection)}" for c in columns)
    names = ", ".join(qn(c.column) for c in [pk, *columns])
    row = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(objects), 5000):
            chunk = objects[start : start + 5000]
            params = [
                value
                for obj in chunk
                for value in [
                    obj.pk,
                    *(c.get_db_prep_save(getattr(obj, c.attname), connection) for c in columns),
                ]
            ]
            cursor.execute(
                f"UPDATE {qn(model._meta.db_table)} AS t SET {sets} "  # noqa: S608 - names from the model, values bound
                f"FROM (VALUES {', '.join([row] * len(chunk))}) AS v({names}) "
                f"WHERE t.{qn(pk.column)} = v.{qn(pk.column)}::{pk.db_type(connection)}",
                params,
            )
