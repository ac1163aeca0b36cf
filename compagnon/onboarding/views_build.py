"""Administrators build the paths (one page per path, one form per step, buttons to move steps:
usable on a phone) and keep the kit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from compagnon.core.params import id_param
from compagnon.core.services import require
from compagnon.core.views_helpers import apply_errors, get_or_404, run_action
from compagnon.organisation.models import Entity, Office

from . import building, selectors
from .forms import ContactForm, KitFileForm, PathForm, StepForm
from .models import LANGUAGES, KitContact, KitFile, Step
from .rules import admin_entity_ids
from .views import lang


def _admin_entities(request):
    ids = admin_entity_ids(request.user)
    if not ids:
        raise Http404
    return Entity.objects.filter(id__in=ids).order_by("name")


def _entity(request) -> Entity:
    entities = _admin_entities(request)
    wanted = id_param(request.POST if request.method == "POST" else request.GET, "entity")
    return next((e for e in entities if e.pk == wanted), entities[0])


@login_required
def paths(request):
    entities = list(_admin_entities(request))
    existing = list(selectors.managed_paths(request.user))
    code = lang()
    for p in existing:
        p.shown_title = p.title(code)
    return render(request, "onboarding/paths.html", {"paths": existing, "entities": entities})


@login_required
def path_new(request):
    entity = _entity(request)
    if request.method == "POST":
        form = PathForm(request.POST)
        if form.is_valid():
            try:
                path = building.save_path(actor=request.user, entity=entity, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Path created: add its steps."))
                return redirect("onboarding-path", path.pk)
        return render(request, "onboarding/path_form.html", {"form": form, "entity": entity}, status=400)
    return render(request, "onboarding/path_form.html", {"form": PathForm(initial={"maturity": request.GET.get(
        "maturity", "new")}), "entity": entity})


@login_required
def path_page(request, pk):
    path = get_or_404(selectors.managed_path, request.user, pk)
    if request.method == "POST":
        form = PathForm(request.POST)
        form.fields["maturity"].required = False
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "maturity"}
            try:
                building.save_path(actor=request.user, entity=path.entity, maturity=path.maturity, path=path, **data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Path saved."))
                return redirect("onboarding-path", path.pk)
        status = 400
    else:
        form = PathForm(initial={f: getattr(path, f) for f in PathForm.base_fields})
        status = 200
    form.fields["maturity"].disabled = True
    code = lang()
    steps = selectors.path_steps(path)
    for s in steps:
        s.shown_title = s.title(code)
    return render(request, "onboarding/path.html", {"path": path, "form": form, "steps": steps,
                                                    "title": path.title(code),
                                                    "members": path.assignments.filter(active=True).count()},
                  status=status)


def _articles(path):
    from compagnon.knowledge.models import Article

    rows = list(Article.objects.filter(Q(entity_id=path.entity_id) | Q(shared=True), published_at__isnull=False)
                .prefetch_related("translations").order_by("-published_at", "id")[:300])
    code = lang()
    for a in rows:
        titles = {t.language: t.title for t in a.translations.all() if t.current_id}
        a.label = titles.get(code) or next(iter(titles.values()), str(a))
    return Article.objects.filter(pk__in=[a.pk for a in rows]), {a.pk: a.label for a in rows}


def _step_form(path, data=None, files=None, initial=None):
    articles, labels = _articles(path)
    form = StepForm(data, files, articles=articles, initial=initial)
    form.fields["article"].label_from_instance = lambda obj: labels.get(obj.pk, str(obj))
    return form


@login_required
def step_edit(request, pk, step_pk=None):
    path = get_or_404(selectors.managed_path, request.user, pk)
    step = get_or_404(Step.objects.get, pk=step_pk, path=path, archived=False) if step_pk else None
    if request.method == "POST":
        form = _step_form(path, request.POST, request.FILES)
        if form.is_valid():
            d = dict(form.cleaned_data)
            uploaded = d.pop("file", None)
            try:
                building.save_step(actor=request.user, path=path, step=step, uploaded_file=uploaded, **d)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Step saved."))
                return redirect("onboarding-path", path.pk)
        return render(request, "onboarding/step_form.html", {"path": path, "step": step, "form": form}, status=400)
    initial = {}
    if step:
        initial = {f: getattr(step, f) for f in ("kind", "meeting_place", *[f"{k}_{c}" for k in ("title", "text")
                                                                            for c in LANGUAGES])}
        initial["article"], initial["meeting_at"] = step.article_id, step.meeting_at
    return render(request, "onboarding/step_form.html", {"path": path, "step": step,
                                                         "form": _step_form(path, initial=initial)})


@login_required
@require_POST
def step_move(request, pk, step_pk):
    path = get_or_404(selectors.managed_path, request.user, pk)
    step = get_or_404(Step.objects.get, pk=step_pk, path=path, archived=False)
    return run_action(request, building.move_step, step=step, up=request.POST.get("direction") == "up",
                      redirect_to=reverse("onboarding-path", args=[pk]) + f"#step-{step.pk}")


@login_required
@require_POST
def step_remove(request, pk, step_pk):
    path = get_or_404(selectors.managed_path, request.user, pk)
    step = get_or_404(Step.objects.get, pk=step_pk, path=path, archived=False)
    return run_action(request, building.remove_step, step=step, redirect_to=reverse("onboarding-path", args=[pk]),
                      success=_("Step removed from the path. What members already did is kept."))


@login_required
@require_POST
def path_give(request, pk):
    path = get_or_404(selectors.managed_path, request.user, pk)
    return run_action(request, building.give_to_members, path=path, redirect_to=reverse("onboarding-path", args=[pk]),
                      success=lambda n: ngettext("The path was given to %(n)s member.",
                                                 "The path was given to %(n)s members.", n) % {"n": n})


# --- the kit ---------------------------------------------------------------------------------------


def _kit_context(request, entity, file_form=None, contact_form=None):
    return {"entity": entity, "entities": _admin_entities(request),
            "files": list(KitFile.objects.filter(entity=entity).order_by("position", "id")),
            "contacts": list(KitContact.objects.filter(entity=entity).select_related("office")
                             .order_by("position", "id")),
            "file_form": file_form or KitFileForm(),
            "contact_form": contact_form or ContactForm(offices=Office.objects.filter(entity=entity).order_by("name"))}


@login_required
def kit_manage(request):
    entity = _entity(request)
    require(request.user, "onboarding.manage", entity)
    if request.method == "POST":
        if request.POST.get("form") == "file":
            form = KitFileForm(request.POST, request.FILES)
            if form.is_valid():
                d = dict(form.cleaned_data)
                try:
                    building.add_kit_file(actor=request.user, entity=entity, uploaded_file=d.pop("file"), **d)
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    messages.success(request, _("Template added to the kit."))
                    return redirect(reverse("onboarding-kit-manage") + f"?entity={entity.pk}")
            return render(request, "onboarding/kit_manage.html", _kit_context(request, entity, file_form=form),
                          status=400)
        form = ContactForm(request.POST, offices=Office.objects.filter(entity=entity).order_by("name"))
        if form.is_valid():
            try:
                building.save_contact(actor=request.user, entity=entity, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Contact added to the kit."))
                return redirect(reverse("onboarding-kit-manage") + f"?entity={entity.pk}")
        return render(request, "onboarding/kit_manage.html", _kit_context(request, entity, contact_form=form),
                      status=400)
    return render(request, "onboarding/kit_manage.html", _kit_context(request, entity))


@login_required
@require_POST
def kit_file_remove(request, pk):
    item = get_or_404(KitFile.objects.filter(entity_id__in=admin_entity_ids(request.user)).get, pk=pk)
    return run_action(request, building.remove_kit_file, item=item,
                      redirect_to=reverse("onboarding-kit-manage") + f"?entity={item.entity_id}",
                      success=_("Template removed."))


@login_required
@require_POST
def kit_contact_remove(request, pk):
    contact = get_or_404(KitContact.objects.filter(entity_id__in=admin_entity_ids(request.user)).get, pk=pk)
    return run_action(request, building.remove_contact, contact=contact,
                      redirect_to=reverse("onboarding-kit-manage") + f"?entity={contact.entity_id}",
                      success=_("Contact removed."))
