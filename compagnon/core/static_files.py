from pathlib import Path

from django.contrib.staticfiles import finders


def static_path(name: str) -> Path:
    """The file behind a static name, from the app folders (no collectstatic needed)."""
    found = finders.find(name)
    if not found:
        raise FileNotFoundError(name)
    return Path(found)
