"""Streaming CSV: rows written to a small buffer that is handed on and emptied (constant memory)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

FLUSH = 64 * 1024


def csv_stream(
    rows: Iterable[Iterable], *, header=None, encoding="utf-8", **fmt
) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, **fmt)
    if header:
        writer.writerow(header)
    for row in rows:
        writer.writerow(row)
        if buffer.tell() > FLUSH:
            yield buffer.getvalue().encode(encoding, errors="replace")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode(encoding, errors="replace")
