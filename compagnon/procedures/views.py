"""Pages of shared procedures: search, a procedure in force, writing and editing a version, the
review, the history and the comparison of two versions, the referents page, step photos."""

from __future__ import annotations

import difflib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from compagnon.core.params import (
    choice_param,
    id_param,
    lite_page,
    page_param,
    paginate,
    text_param,
)
from compagnon.core.views_helpers import apply_errors, get_or_404, run_action
from compagnon.members.models import Trade
from compagnon.organisation.models import Entity
from compagnon.permissions import scope_for

from . import search, selectors, services, sources
from .forms import DraftMetaForm, ProcedureForm, ReferentForm, ReviewForm, VersionForm
from .models import OPEN_STATES, Kind, State, TradeReferent
from .rules import reader_entity_ids, writer_entity_ids

BLANK_ROWS = 3


def _readers_only(user):
    if not reader_entity_ids(user):
        raise Http404


@login_required
def index(request):
    _readers_only(request.user)
    q = text_param(request, "q", max_length=200)
    trade_id = id_param(request, "trade")
    kind = choice_param(request, "kind", Kind.values)
    base = selectors.in_force(request.user, trade_id=trade_id, kind=kind)
    context = {"q": q, "trade_id": trade_id, "kind": kind, "kinds": Kind.choices, "trades": selectors.trades(),
               "may_write": bool(writer_entity_ids(request.user)),
               "waiting": selectors.review_queue(request.user).count(),
               "names_referents": bool(scope_for(request.user).admin_entities)}
    if q:
        context["results"] = search.search(base, q)
    else:
        context["page"] = lite_page(base, page_param(request), 20)  # no count over every procedure
    return render(request, "procedures/index.html", context)


# --- writing -------------------------------------------------------------------------------------


def _rows_from_post(post, files) -> list[dict]:
    rows = []
    for i in range(services.MAX_STEPS + BLANK_ROWS):
        if f"step_text_{i}" not in post:
            continue
        rows.append({"text": post.get(f"step_text_{i}", ""), "to_tick": post.get(f"step_tick_{i}") == "1",
                     "photo_ids": [p for p in post.getlist(f"step_keep_{i}") if p.isdigit()],
                     "uploads": [(f.name, f.read()) for f in files.getlist(f"step_photo_{i}")[:10]]})
    return rows


def _rows_for_page(rows: list[dict], photos_by_id: dict | None = None) -> list[dict]:
    """Rows of the editor: the steps, then blank rows to add more."""
    photos_by_id = photos_by_id or {}
    out = [{"text": r["text"], "to_tick": r["to_tick"],
            "photos": [photos_by_id[int(p)] for p in r.get("photo_ids", []) if int(p) in photos_by_id]}
           for r in rows if r["text"].strip() or r.get("photo_ids")]
    out += [{"text": "", "to_tick": False, "photos": []} for _ in range(BLANK_ROWS)]
    for i, row in enumerate(out):
        row["i"], row["n"] = i, i + 1
    return out


def _split_errors(form, exc: ValidationError) -> list[str]:
    step_errors = list(exc.message_dict.pop("steps", [])) if hasattr(exc, "error_dict") else []
    rest = {k: v for k, v in exc.message_dict.items() if k != "steps"} if hasattr(exc, "error_dict") else {}
    if rest:
        apply_errors(form, ValidationError(rest))
    elif not hasattr(exc, "error_dict"):
        apply_errors(form, exc)
    return step_errors


def _after_save(request, version, action: str):
    if action == "submit":
        services.submit(actor=request.user, version=version)
        messages.success(request, _("Sent for review: a referent of the trade reads it before it is in force."))
    else:
        messages.success(request, _("Draft saved. Only you, the trade's referents and the staff see it."))
    return redirect("procedures-version", version.procedure_id, version.pk)


@login_required
def create(request):
    entities = Entity.objects.filter(id__in=writer_entity_ids(request.user)).order_by("name")
    if not entities:
        raise Http404
    if request.method == "POST":
        form = ProcedureForm(request.POST, entities=entities)
        rows = _rows_from_post(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            try:
                version = services.create_procedure(
                    actor=request.user, entity=d["entity"], trade=d["trade"], kind=d["kind"], title=d["title"],
                    steps=rows, tools=d["tools"], safety=d["safety"], shared=d["shared"], source=d["source"])
            except ValidationError as exc:
                step_errors = _split_errors(form, exc)
            else:
                return _after_save(request, version, request.POST.get("action", ""))
        else:
            step_errors = []
        return render(request, "procedures/edit.html", {
            "form": form, "rows": _rows_for_page(rows), "step_errors": step_errors, "new": True,
            "source": sources.describe(request.user, form.data.get("source", ""))}, status=400)
    initial = {"title": text_param(request, "title", max_length=200),
               "kind": choice_param(request, "kind", Kind.values),
               "source": services.clean_source(text_param(request, "source", max_length=80))}
    trade_id = id_param(request, "trade")
    if trade_id:
        initial["trade"] = Trade.objects.filter(pk=trade_id).first()
    body = text_param(request, "body", max_length=2000)
    form = ProcedureForm(initial=initial, entities=entities)
    rows = _rows_for_page([{"text": body, "to_tick": False}] if body else [])
    return render(request, "procedures/edit.html", {
        "form": form, "rows": rows, "new": True, "source": sources.describe(request.user, initial["source"])})


def _own_version(request, pk, version_pk):
    procedure = get_or_404(selectors.procedure, request.user, pk)
    version = get_or_404(selectors.version, request.user, procedure, version_pk)
    return procedure, version


@login_required
def edit(request, pk, version_pk):
    procedure, version = _own_version(request, pk, version_pk)
    if not request.user.has_perm("procedures.edit_version", version):
        raise PermissionDenied
    first = procedure.current_id is None
    Form = DraftMetaForm if first else VersionForm  # noqa: N806
    photos = {p.pk: p for p in procedure.photos.all()}
    if request.method == "POST":
        form = Form(request.POST)
        rows = _rows_from_post(request.POST, request.FILES)
        step_errors = []
        if form.is_valid():
            d = form.cleaned_data
            try:
                version = services.save_draft(actor=request.user, version=version, title=d["title"], steps=rows,
                                              tools=d["tools"], safety=d["safety"], change_note=d["change_note"],
                                              kind=d.get("kind"), trade=d.get("trade"))
                return _after_save(request, version, request.POST.get("action", ""))
            except ValidationError as exc:
                step_errors = _split_errors(form, exc)
        return render(request, "procedures/edit.html", {
            "form": form, "procedure": procedure, "version": version, "step_errors": step_errors,
            "rows": _rows_for_page(rows, photos)}, status=400)
    initial = {"title": version.title, "tools": version.tools, "safety": version.safety,
               "change_note": version.change_note, "trade": procedure.trade, "kind": procedure.kind}
    rows = [{"text": s.text, "to_tick": s.to_tick, "photo_ids": [p.pk for p in s.photos.all()]}
            for s in version.steps.all()]
    return render(request, "procedures/edit.html", {
        "form": Form(initial=initial), "procedure": procedure, "version": version,
        "rows": _rows_for_page(rows, photos)})


# --- reading -------------------------------------------------------------------------------------


@login_required
def detail(request, pk):
    procedure = get_or_404(selectors.procedure, request.user, pk)
    drafts = selectors.open_drafts(request.user, procedure)
    if procedure.current_id is None:
        if not drafts:
            raise Http404
        return redirect("procedures-version", procedure.pk, drafts[0].pk)
    current = selectors.version(request.user, procedure, procedure.current_id)
    return render(request, "procedures/detail.html", {
        "procedure": procedure, "version": current, "drafts": drafts,
        "may_propose": request.user.has_perm("procedures.propose", procedure),
        "source": sources.describe(request.user, procedure.source)})


@login_required
def version_page(request, pk, version_pk, *, review_form=None, status=200):
    procedure, version = _own_version(request, pk, version_pk)
    may_review = selectors.may_review(request.user, procedure)
    context = {"procedure": procedure, "version": version, "in_force": procedure.current_id == version.pk,
               "may_edit": request.user.has_perm("procedures.edit_version", version),
               "source": sources.describe(request.user, procedure.source)}
    if may_review and version.state in OPEN_STATES:
        context["review_form"] = review_form or ReviewForm(initial={"shared": procedure.shared})
    if version.based_on_id:
        context["compare_url"] = (reverse("procedures-compare", args=[procedure.pk])
                                  + f"?a={version.based_on_id}&b={version.pk}")
    return render(request, "procedures/version.html", context, status=status)


@login_required
@require_POST
def submit(request, pk, version_pk):
    procedure, version = _own_version(request, pk, version_pk)
    return run_action(request, services.submit, version=version,
                      redirect_to=reverse("procedures-version", args=[pk, version_pk]),
                      success=_("Sent for review: a referent of the trade reads it before it is in force."))


@login_required
@require_POST
def discard(request, pk, version_pk):
    procedure, version = _own_version(request, pk, version_pk)
    return run_action(request, services.discard_draft, version=version,
                      redirect_to=reverse("procedures-mine"), success=_("Draft discarded."))


@login_required
@require_POST
def decide(request, pk, version_pk):
    procedure, version = _own_version(request, pk, version_pk)
    if not selectors.may_review(request.user, procedure):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.review(actor=request.user, version=version, decision=d["decision"], comment=d["comment"],
                            shared=d["shared"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Validated: this version is now in force.") if d["decision"] == "validate"
                             else _("Sent back to the author with your comment."))
            return redirect("procedures-version", pk, version_pk)
    return version_page(request, pk, version_pk, review_form=form, status=400)


@login_required
@require_POST
def propose(request, pk):
    procedure = get_or_404(selectors.procedure, request.user, pk)
    version = services.propose_version(actor=request.user, procedure=procedure)
    return redirect("procedures-edit", procedure.pk, version.pk)


@login_required
def history(request, pk):
    procedure = get_or_404(selectors.procedure, request.user, pk)
    versions = selectors.history(request.user, procedure)
    validated = [v for v in versions if v.state == State.VALIDATED]
    return render(request, "procedures/history.html", {
        "procedure": procedure, "versions": versions, "comparable": versions,
        "a": validated[1].pk if len(validated) > 1 else (versions[-1].pk if versions else None),
        "b": validated[0].pk if validated else (versions[0].pk if versions else None)})


def _lines(version) -> list[str]:
    lines = [_("Title: %(title)s") % {"title": version.title}]
    for label, text in ((_("Tools and materials"), version.tools), (_("Safety warnings"), version.safety)):
        lines += [f"{label} — {line}" for line in text.splitlines() if line.strip()]
    for n, step in enumerate(version.steps.all(), start=1):
        mark = " ☐" if step.to_tick else ""
        photos = len(step.photos.all())
        extra = (" " + ngettext("(%(n)s photo)", "(%(n)s photos)", photos) % {"n": photos}) if photos else ""
        lines.append(_("Step %(n)s:") % {"n": n} + f" {' '.join(step.text.split())}{mark}{extra}")
    return lines


@login_required
def compare(request, pk):
    procedure = get_or_404(selectors.procedure, request.user, pk)
    a_id, b_id = id_param(request, "a"), id_param(request, "b")
    if not a_id or not b_id:
        return redirect("procedures-history", pk)
    a = get_or_404(selectors.version, request.user, procedure, a_id)
    b = get_or_404(selectors.version, request.user, procedure, b_id)
    rows = []
    for line in difflib.ndiff(_lines(a), _lines(b)):
        if line.startswith("? "):
            continue
        rows.append({"-": "removed", "+": "added"}.get(line[:1], "same") if line[:1] in "-+" else "same")
        rows[-1] = (rows[-1], line[2:])
    return render(request, "procedures/compare.html", {"procedure": procedure, "a": a, "b": b, "rows": rows,
                                                       "same": all(kind == "same" for kind, _line in rows)})


@login_required
def review_queue(request):
    page = paginate(request, selectors.review_queue(request.user), 30)
    if not page.object_list and not reader_entity_ids(request.user):
        raise Http404
    return render(request, "procedures/review.html", {"page": page})


@login_required
def my_work(request):
    _readers_only(request.user)
    return render(request, "procedures/mine.html", {"versions": list(selectors.my_work(request.user)[:100])})


@login_required
def photo(request, pk):
    p = get_or_404(selectors.photo, request.user, pk)
    response = FileResponse(p.file.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- referents -----------------------------------------------------------------------------------


@login_required
def referents(request):
    admin = scope_for(request.user).admin_entities
    if not admin:
        raise Http404
    entity = Entity.objects.filter(pk__in=admin).order_by("name").first()
    entity_id = id_param(request, "entity")
    if entity_id:
        entity = Entity.objects.filter(pk=entity_id, pk__in=admin).first() or entity
    members = selectors.members_to_name(entity.pk)
    form = ReferentForm(request.POST or None, members=members)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.name_referent(actor=request.user, entity=entity, trade=form.cleaned_data["trade"],
                                       member=form.cleaned_data["member"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Referent named."))
                return redirect(reverse("procedures-referents") + f"?entity={entity.pk}")
        status = 400
    rows = [r for r in selectors.referents(request.user) if r.entity_id == entity.pk]
    return render(request, "procedures/referents.html", {
        "entity": entity, "entities": Entity.objects.filter(pk__in=admin).order_by("name"), "form": form,
        "rows": rows}, status=status)


@login_required
@require_POST
def referent_remove(request, pk):
    referent = get_or_404(lambda u, k: selectors.referents(u).get(pk=k), request.user, pk)
    return run_action(request, services.remove_referent, referent=referent,
                      redirect_to=reverse("procedures-referents") + f"?entity={referent.entity_id}",
                      success=_("Referent removed."))


# --- checklists on intervention sheets -----------------------------------------------------------


@login_required
@require_POST
def sheet_attach(request, sheet_pk):
    sheet = get_or_404(selectors.sheet, request.user, sheet_pk)
    to = reverse("interventions-visit", args=[sheet.visit_id])
    procedure_id = id_param(request.POST, "procedure")
    procedure = selectors.in_force(request.user).filter(pk=procedure_id).first() if procedure_id else None
    if procedure is None:
        messages.error(request, _("Choose a procedure in force."))
        return redirect(to)
    return run_action(request, services.attach_checklist, sheet=sheet, procedure=procedure, redirect_to=to,
                      success=_("Checklist added to the sheet."))


__all__ = ["TradeReferent"]
