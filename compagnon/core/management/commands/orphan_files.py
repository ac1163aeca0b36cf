"""manage.py orphan_files [--delete] [--min-age-hours N]: the stored files that nothing points to.

It walks the default storage (``STORAGES["default"]``: MEDIA_ROOT on the local disk, or the
bucket's ``media/`` folder with ``STORAGE_URL=s3://…``) through the storage API, so it works the
same on every backend; a bucket is listed with its modification times in one paginated listing.

Generic over every model (``apps.get_models()``), so the kernel imports no context: a stored file
is *referenced* when a ``FileField`` (or ``ImageField``) row holds its name, or when a JSON value
anywhere (a frozen document snapshot: the content-addressed logo copies under brands/frozen/, an
archive path…) holds it, alone or as ``storage:<name>``. Everything else is an orphan: a file
written for an import or upload whose transaction rolled back or whose process was killed.

Lists only by default (a dry run); ``--delete`` removes them. Files younger than
``--min-age-hours`` (default 24) are never touched: an upload may be between writing its file and
committing its row.
"""

from __future__ import annotations

import datetime

from django.apps import apps
from django.core.files.storage import Storage, default_storage
from django.core.management.base import BaseCommand
from django.db import models
from django.utils import timezone


def stored_files(storage: Storage) -> dict[str, datetime.datetime | None]:
    """Every file of ``storage``: {name: modified time, or None when the listing does not say}."""
    bucket = getattr(storage, "bucket", None)
    if bucket is not None:  # S3: one listing gives the names and their times, 1,000 at a time
        prefix = (storage.location.strip("/") + "/") if storage.location.strip("/") else ""
        return {
            obj.key[len(prefix):]: obj.last_modified
            for obj in bucket.objects.filter(Prefix=prefix)
            if not obj.key.endswith("/")
        }
    found: dict[str, datetime.datetime | None] = {}
    folders = [""]
    while folders:
        folder = folders.pop()
        try:
            dirs, files = storage.listdir(folder)
        except FileNotFoundError:  # nothing stored yet: MEDIA_ROOT does not exist
            continue
        for name in files:
            found[f"{folder}{name}"] = None
        folders.extend(f"{folder}{d}/" for d in dirs)
    return found


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


def referenced_files(candidates: set[str]) -> set[str]:
    """The names of ``candidates`` some row points to (file fields, then JSON values)."""
    seen: set[str] = set()
    for model in apps.get_models():
        file_fields = [f.name for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        json_fields = [f.name for f in model._meta.concrete_fields if isinstance(f, models.JSONField)]
        for name in file_fields:
            seen.update(
                model._default_manager.exclude(**{name: ""})
                .exclude(**{f"{name}__isnull": True})
                .values_list(name, flat=True)
                .iterator()
            )
        for name in json_fields:
            for value in model._default_manager.exclude(**{f"{name}__isnull": True}).values_list(
                name, flat=True
            ).iterator():
                for text in _strings(value):
                    text = text.removeprefix("storage:")
                    if text in candidates:
                        seen.add(text)
    return seen & candidates


def orphans(storage: Storage, *, min_age: datetime.timedelta, now=None) -> list[str]:
    now = now or timezone.now()
    stored = stored_files(storage)
    candidates = set(stored)
    referenced = referenced_files(candidates)
    cutoff = now - min_age
    return [
        name
        for name in sorted(candidates - referenced)
        if (stored[name] or storage.get_modified_time(name)) <= cutoff
    ]


class Command(BaseCommand):
    help = (
        "List the stored files (MEDIA_ROOT or the bucket) that no row points to (a dry run by "
        "default); --delete removes them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="Remove the orphans listed.")
        parser.add_argument(
            "--min-age-hours",
            type=float,
            default=24,
            help="Leave files younger than this alone (an upload may not have committed yet).",
        )

    def handle(self, *args, **options):
        found = orphans(default_storage, min_age=datetime.timedelta(hours=options["min_age_hours"]))
        for name in found:
            if options["delete"]:
                default_storage.delete(name)
            self.stdout.write(name)
        verb = "removed" if options["delete"] else "found (dry run: --delete removes them)"
        self.stdout.write(f"{len(found)} orphan file(s) {verb}")
