"""manage.py orphan_files [--delete] [--min-age-hours N]: the files under MEDIA_ROOT that nothing
points to.

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
import os

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import models
from django.utils import timezone


def stored_files(root) -> list[str]:
    """Every file under ``root``, as storage names (forward slashes, relative)."""
    found = []
    for folder, _dirs, files in os.walk(root):
        for name in files:
            found.append(os.path.relpath(os.path.join(folder, name), root).replace(os.sep, "/"))
    return sorted(found)


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


def orphans(root, *, min_age: datetime.timedelta, now=None) -> list[str]:
    now = now or timezone.now()
    candidates = set(stored_files(root))
    referenced = referenced_files(candidates)
    cutoff = (now - min_age).timestamp()
    return [
        name
        for name in sorted(candidates - referenced)
        if os.path.getmtime(os.path.join(root, name)) <= cutoff
    ]


class Command(BaseCommand):
    help = (
        "List the files under MEDIA_ROOT that no row points to (a dry run by default); "
        "--delete removes them."
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
        root = str(settings.MEDIA_ROOT)
        found = orphans(root, min_age=datetime.timedelta(hours=options["min_age_hours"]))
        for name in found:
            if options["delete"]:
                os.remove(os.path.join(root, name))
            self.stdout.write(name)
        verb = "removed" if options["delete"] else "found (dry run: --delete removes them)"
        self.stdout.write(f"{len(found)} orphan file(s) {verb}")
