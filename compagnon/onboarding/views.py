"""The member's pages: "My first steps" (their path, what is done, what is next; resumable) and the
new member's kit (templates, key contacts, who does what)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon.core.client_ip import client_ip
from compagnon.core.params import id_param
from compagnon.core.views_helpers import apply_errors, get_or_404, run_action
from compagnon.organisation.models import Entity

from . import selectors, services
from .forms import SignForm
from .models import StepKind


def lang() -> str:
    code = (get_language() or "fr")[:2]
    return code if code in ("fr", "nl", "en") else "fr"


def _rows(assignment, sign_forms=None):
    code = lang()
    rows = []
    for state in selectors.steps_of(assignment):
        step = state.step
        row = {"state": state, "step": step, "title": step.title(code), "text": step.text(code)}
        if step.kind == StepKind.SIGN and state.done is None:
            row["document"] = services.document_of(step, code)
            row["form"] = (sign_forms or {}).get(step.pk) or SignForm()
        rows.append(row)
    return rows


def _mine_context(request, sign_forms=None):
    member = selectors.own_member(request.user)
    if member is None:
        raise Http404
    assignment = selectors.active_assignment(member)
    context = {"member": member, "assignment": assignment, "lang": lang()}
    if assignment is not None:
        context.update(rows=_rows(assignment, sign_forms), title=assignment.path.title(lang()),
                       intro=assignment.path.intro(lang()),
                       percent=round(100 * assignment.done_count / assignment.total_count)
                       if assignment.total_count else 0)
    return context


@login_required
def mine(request):
    return render(request, "onboarding/mine.html", _mine_context(request))


def _member_or_404(request):
    member = selectors.own_member(request.user)
    if member is None:
        raise Http404
    return member


@login_required
@require_POST
def step_done(request, pk):
    member = _member_or_404(request)
    step = get_or_404(selectors.my_step, request.user, pk)
    return run_action(request, services.mark_done, member=member, step=step,
                      redirect_to=reverse("onboarding-mine") + f"#step-{step.pk}", success=_("Step done."))


@login_required
@require_POST
def step_undo(request, pk):
    member = _member_or_404(request)
    step = get_or_404(selectors.my_step, request.user, pk)
    return run_action(request, services.undo, member=member, step=step,
                      redirect_to=reverse("onboarding-mine") + f"#step-{step.pk}", success=_("Step to do again."))


@login_required
@require_POST
def step_sign(request, pk):
    member = _member_or_404(request)
    step = get_or_404(selectors.my_step, request.user, pk)
    form = SignForm(request.POST)
    if form.is_valid():
        try:
            services.sign(actor=request.user, member=member, step=step, typed_name=form.cleaned_data["typed_name"],
                          language=lang(), ip_address=client_ip(request),
                          user_agent=request.META.get("HTTP_USER_AGENT", ""))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Signed. The signature is kept with the document's version."))
            return redirect(reverse("onboarding-mine") + f"#step-{step.pk}")
    return render(request, "onboarding/mine.html", _mine_context(request, {step.pk: form}), status=400)


def _download(field, filename):
    if not field:
        raise Http404
    return FileResponse(field.open("rb"), as_attachment=True, filename=filename or "document",
                        content_type="application/octet-stream")


@login_required
def step_document(request, pk):
    step = get_or_404(selectors.my_step, request.user, pk)
    return _download(step.file, step.filename)


# --- the kit ---------------------------------------------------------------------------------------


def _kit_entity(request) -> Entity:
    ids = selectors.kit_entity_ids(request.user)
    if not ids:
        raise Http404
    wanted = id_param(request, "entity")
    member = selectors.own_member(request.user)
    if wanted in ids:
        entity_id = wanted
    elif member is not None:
        entity_id = member.entity_id
    else:
        entity_id = min(ids)
    return Entity.objects.get(pk=entity_id)


@login_required
def kit(request):
    entity = _kit_entity(request)
    ids = selectors.kit_entity_ids(request.user)
    return render(request, "onboarding/kit.html", {
        "entity": entity, "files": selectors.kit_files(request.user, entity.pk),
        "contacts": selectors.kit_contacts(request.user, entity.pk), "chart": selectors.org_chart(request.user,
                                                                                                 entity.pk),
        "entities": Entity.objects.filter(id__in=ids).order_by("name") if len(ids) > 1 else [],
        "may_manage": request.user.has_perm("onboarding.manage", entity),
    })


@login_required
def kit_download(request, pk):
    item = get_or_404(selectors.kit_file, request.user, pk)
    return _download(item.file, item.filename)
