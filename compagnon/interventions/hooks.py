"""Sections that upper apps add to an intervention sheet, without this app importing them.

``register_sheet_section(name, *, render, save=None, order=100)`` from the upper app's
``AppConfig.ready()`` (the procedures' checklist uses it):

* ``render(request, sheet, *, editable) -> {"fields": html, "after": html}`` — ``fields`` is put
  inside the sheet's form (so its inputs are saved, queued offline and restored exactly like the
  sheet's own fields by ``static/interventions/visit.js``), ``after`` below the form (its own
  forms, or a read-only view when the sheet can no longer change). Either may be empty; both must
  be safe HTML (rendered by a template).
* ``save(*, actor, sheet, data)`` — called by ``services.update_sheet`` inside its transaction,
  after the conflict check, with the posted data (a ``QueryDict`` or a dict of lists); raise
  ``ValidationError`` naming the field to refuse the whole save.

Registering a name again replaces it; sections run by ``order``, then name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.safestring import mark_safe


@dataclass(frozen=True)
class Section:
    name: str
    render: Callable
    save: Callable | None
    order: int


_SECTIONS: dict[str, Section] = {}


def register_sheet_section(name: str, *, render: Callable, save: Callable | None = None, order: int = 100) -> None:
    _SECTIONS[name] = Section(name, render, save, order)


def sections() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.name))


def render_sections(request, sheet, *, editable: bool) -> list[dict]:
    out = []
    for section in sections():
        parts = section.render(request, sheet, editable=editable) or {}
        out.append({"name": section.name, "fields": mark_safe(parts.get("fields", "")),  # noqa: S308 - templates
                    "after": mark_safe(parts.get("after", ""))})  # noqa: S308 - rendered by templates
    return out


def save_sections(*, actor, sheet, data) -> None:
    for section in sections():
        if section.save is not None:
            section.save(actor=actor, sheet=sheet, data=data)
