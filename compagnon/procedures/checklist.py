"""The procedures' part of an intervention sheet (registered in ``interventions.hooks``): the
checklists attached to the sheet — their items are fields of the sheet's own form, so they are
saved, kept offline and restored with the sheet — and the form to attach a procedure in force."""

from __future__ import annotations

from django.template.loader import render_to_string

from . import selectors


def render(request, sheet, *, editable: bool) -> dict:
    checklists = selectors.checklists_of(sheet)
    for c in checklists:
        ticked = {t.step_id for t in c.ticks.all()}
        c.items = [s for s in c.version.steps.all() if s.to_tick]
        for s in c.items:
            s.ticked = s.pk in ticked
        c.newer = c.version.procedure.current_id not in (None, c.version_id)
    context = {"sheet": sheet, "checklists": checklists, "editable": editable, "request": request}
    fields = render_to_string("procedures/_sheet_fields.html", context, request=request) if (
        editable and checklists) else ""
    if editable:
        context["choices"] = selectors.attachable(request.user, sheet)
        context["attached"] = {c.version.procedure_id for c in checklists}
    after = render_to_string("procedures/_sheet_after.html", context, request=request)
    return {"fields": fields, "after": after}
