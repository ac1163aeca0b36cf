"""Pages of general assemblies: list, preparation, registration, proxies, the vote, the receipt
check, the results and the minutes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from compagnon.core.params import paginate
from compagnon.core.services import require
from compagnon.core.views_helpers import apply_errors, get_or_404, run_action

from . import pdf, selectors, voting
from .forms import (
    AssemblyForm,
    AttendanceForm,
    DocumentForm,
    ProxyForm,
    ReceiptForm,
    ResolutionForm,
    VoteForm,
)
from .models import AssemblyState, Associate, Registration, VoteRecord


@login_required
def assembly_list(request, entity_pk):
    entity = get_or_404(selectors.assembly_entity, request.user, entity_pk)
    may_manage = request.user.has_perm("governance.manage_assembly", entity)
    form = None
    if may_manage:
        form = AssemblyForm(request.POST or None)
        if request.method == "POST":
            if form.is_valid():
                try:
                    assembly = voting.create_assembly(actor=request.user, entity=entity, **form.cleaned_data)
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    return redirect("governance-assembly", assembly.pk)
    elif request.method == "POST":
        require(request.user, "governance.manage_assembly", entity)
    page = paginate(request, selectors.assemblies(request.user, entity), 20)
    status = 400 if form is not None and form.errors else 200
    return render(
        request,
        "governance/assemblies.html",
        {"entity": entity, "page": page, "form": form, "may_manage": may_manage},
        status=status,
    )


def _context(request, assembly, **forms):
    user = request.user
    associate = voting.associate_of(user, assembly)
    eligible = voting.is_eligible(associate, assembly) and user.has_perm("governance.take_part", assembly)
    resolutions = list(assembly.resolutions.all())
    voted, proxies = set(), selectors.proxies_for(assembly, associate)
    proxy_votes = set()
    if associate is not None:
        voted = set(
            VoteRecord.objects.filter(resolution__assembly=assembly, associate=associate).values_list(
                "resolution_id", flat=True
            )
        )
        givers = [p.giver_id for p in proxies["held"]]
        proxy_votes = set(
            VoteRecord.objects.filter(resolution__assembly=assembly, associate_id__in=givers).values_list(
                "resolution_id", "associate_id"
            )
        )
    registration = (
        Registration.objects.filter(assembly=assembly, associate=associate).first() if associate else None
    )
    may_manage = user.has_perm("governance.manage_assembly", assembly)
    return {
        "assembly": assembly,
        "resolutions": resolutions,
        "documents": list(assembly.documents.all()),
        "associate": associate,
        "eligible": eligible,
        "voted": voted,
        "proxy_votes": proxy_votes,
        "proxies": proxies,
        "registration": registration,
        "may_manage": may_manage,
        "voting_open": assembly.state == AssemblyState.VOTING,
        "taking_part": assembly.state in (AssemblyState.CONVENED, AssemblyState.VOTING),
        "closed": assembly.state == AssemblyState.CLOSED,
        "attendance_form": forms.get("attendance_form") or AttendanceForm(),
        "proxy_form": forms.get("proxy_form") or ProxyForm(),
        "vote_form": VoteForm(),
        "document_form": forms.get("document_form") or DocumentForm(),
        "resolution_form": forms.get("resolution_form") or ResolutionForm(),
        "receipt_form": ReceiptForm(),
    }


@login_required
def assembly_page(request, pk):
    assembly = get_or_404(selectors.assembly, request.user, pk)
    return render(request, "governance/assembly.html", _context(request, assembly))


def _form_action(request, pk, form_class, key, call, success):
    assembly = get_or_404(selectors.assembly, request.user, pk)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            call(assembly, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("governance-assembly", assembly.pk)
    return render(request, "governance/assembly.html", _context(request, assembly, **{key: form}), status=400)


@login_required
@require_POST
def add_document(request, pk):
    return _form_action(
        request, pk, DocumentForm, "document_form",
        lambda a, d: voting.add_document(actor=request.user, assembly=a, **d),
        _("The document is on the agenda."),
    )


@login_required
@require_POST
def add_resolution(request, pk):
    return _form_action(
        request, pk, ResolutionForm, "resolution_form",
        lambda a, d: voting.add_resolution(actor=request.user, assembly=a, **d),
        _("The resolution is added."),
    )


@login_required
@require_POST
def attend(request, pk):
    return _form_action(
        request, pk, AttendanceForm, "attendance_form",
        lambda a, d: voting.register_attendance(actor=request.user, assembly=a, **d),
        _("You are registered."),
    )


@login_required
@require_POST
def proxy(request, pk):
    return _form_action(
        request, pk, ProxyForm, "proxy_form",
        lambda a, d: voting.give_proxy(actor=request.user, assembly=a, **d),
        _("Your proxy is given."),
    )


STEPS = {
    "convene": (
        voting.convene,
        lambda n: ngettext("Convocation sent to %(n)s associate.", "Convocation sent to %(n)s associates.", n) % {"n": n},
    ),
    "open": (voting.open_vote, lambda _result: _("The vote is open.")),
    "close": (voting.close, lambda _result: _("The vote is closed and the results are counted.")),
}


@login_required
@require_POST
def step(request, pk, action):
    assembly = get_or_404(selectors.assembly, request.user, pk)
    if action not in STEPS:
        raise Http404
    fn, success = STEPS[action]
    return run_action(request, fn, success=success, redirect_to=reverse("governance-assembly", args=[assembly.pk]), assembly=assembly)


@login_required
@require_POST
def vote(request, pk, resolution_pk):
    assembly = get_or_404(selectors.assembly, request.user, pk)
    resolution = next((r for r in assembly.resolutions.all() if r.pk == resolution_pk), None)
    if resolution is None:
        raise Http404
    form = VoteForm(request.POST)
    if form.is_valid():
        behalf = form.cleaned_data.get("on_behalf_of")
        on_behalf_of = None
        if behalf:
            on_behalf_of = Associate.objects.filter(pk=behalf, entity_id=assembly.entity_id).select_related("member__user").first()
            if on_behalf_of is None:
                raise Http404
        try:
            receipt = voting.cast_vote(
                actor=request.user, resolution=resolution, choice=form.cleaned_data["choice"], on_behalf_of=on_behalf_of
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return render(
                request,
                "governance/receipt.html",
                {"assembly": assembly, "resolution": resolution, "receipt": receipt, "on_behalf_of": on_behalf_of},
            )
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("governance-assembly", assembly.pk)


@login_required
def verify(request, pk):
    assembly = get_or_404(selectors.assembly, request.user, pk)
    form = ReceiptForm(request.POST or None)
    ballot, checked, status = None, False, 200
    if request.method == "POST":
        if form.is_valid():
            try:
                ballot = voting.verify_receipt(actor=request.user, assembly=assembly, receipt=form.cleaned_data["receipt"])
                checked = True
            except ValidationError as exc:
                apply_errors(form, exc)
        if form.errors:
            status = 400
    return render(
        request,
        "governance/verify.html",
        {"assembly": assembly, "form": form, "ballot": ballot, "checked": checked},
        status=status,
    )


@login_required
def minutes(request, pk):
    assembly = get_or_404(selectors.assembly, request.user, pk)
    if assembly.state != AssemblyState.CLOSED:
        raise Http404
    data = pdf.minutes_pdf(assembly)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="minutes-{assembly.pk}.pdf"'
    return response


@login_required
def document(request, pk):
    doc = get_or_404(selectors.document, request.user, pk)
    return FileResponse(doc.file.open("rb"), as_attachment=True, filename=doc.file.name.rsplit("/", 1)[-1])
