"""Pages of jobs: the list, the one-form declaration, the job's thread with its checklist, the
advisor's queue, and the offers between colleagues (404 outside one's scope)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon import permissions
from compagnon.clients.models import Client
from compagnon.core.params import id_param, paginate
from compagnon.core.views_helpers import apply_errors, get_or_404, run_action

from . import handover, selectors, services, steps
from .forms import DeclareForm, LinkForm, OfferForm, SettingsForm, TakeForm
from .models import StepState, WaitingFor


@login_required
def job_list(request):
    s = permissions.scope_for(request.user)
    qs = selectors.my_jobs(request.user) if s.is_member and not s.is_staff_role else selectors.jobs(request.user)
    page = paginate(request, qs.order_by("-starts_on", "-id"), 30)
    return render(request, "jobs/list.html", {
        "page": page, "may_declare": selectors.declarable_activities(request.user).exists(),
        "offers": selectors.open_offers(request.user).count() if s.member_active else 0,
    })


def _declare_form(request, data=None):
    me = selectors.own_member(request.user)
    activities = selectors.declarable_activities(request.user)
    clients = Client.objects.filter(activity__in=activities, archived=False).order_by("name", "id")
    colleagues = selectors.colleague_choices(me).filter(activity_memberships__activity__in=activities)
    today = timezone.localdate()
    return DeclareForm(data, activities=activities, clients=clients, colleagues=colleagues,
                       initial={"starts_on": today, "ends_on": today})


@login_required
def job_new(request):
    if not selectors.declarable_activities(request.user).exists():
        raise Http404
    if request.method == "POST":
        form = _declare_form(request, request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                job = services.declare_job(actor=request.user, **d)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                if getattr(job, "already_declared", False):
                    messages.info(request, _("This job was already declared: here it is."))
                else:
                    messages.success(request, _("Job declared: here is where each step stands."))
                return redirect("jobs-detail", job.pk)
        return render(request, "jobs/new.html", {"form": form}, status=400)
    return render(request, "jobs/new.html", {"form": _declare_form(request)})


def _rows(job_steps):
    return [{"step": st, "text": steps.explain(st), "missing": steps.missing_texts(st)} for st in job_steps]


@login_required
def job_detail(request, pk):
    job = get_or_404(selectors.job, request.user, pk)
    may_act = request.user.has_perm("jobs.act", job)
    thread = selectors.thread(job)
    link_form = LinkForm(documents=list(selectors.linkable_documents(job))) if may_act else None
    open_offer = next((o for o in thread.offers if o.state == "open"), None)
    return render(request, "jobs/detail.html", {
        "job": job, "rows": _rows(job.steps.all()), "thread": thread, "may_act": may_act,
        "may_validate": request.user.has_perm("jobs.validate", job), "link_form": link_form,
        "open_offer": open_offer, "State": StepState, "WaitingFor": WaitingFor,
    })


@login_required
@require_POST
def step_action(request, pk, action):
    step = get_or_404(lambda u, k: selectors.steps(u).get(pk=k), request.user, pk)
    fn = {"hold": services.hold_step, "ok": services.ok_step, "validate": services.validate_step}[action]
    texts = {"hold": _("Step held."), "ok": _("Step updated."), "validate": _("Step validated.")}
    return run_action(request, fn, step=step, redirect_to=reverse("jobs-detail", args=[step.job_id]), success=texts[action])


@login_required
@require_POST
def job_link(request, pk):
    job = get_or_404(selectors.job, request.user, pk)
    form = LinkForm(request.POST, documents=list(selectors.linkable_documents(job)))
    if not form.is_valid():
        messages.error(request, _("Choose one of the documents listed."))
        return redirect("jobs-detail", job.pk)
    return run_action(request, services.link_document, job=job, document=form.documents[form.cleaned_data["document"]],
                      redirect_to=reverse("jobs-detail", args=[job.pk]), success=_("Document linked to the job."))


@login_required
def check_queue(request):
    s = permissions.scope_for(request.user)
    if not (s.advisor_offices or s.admin_entities):
        raise Http404
    page = paginate(request, selectors.queue(request.user), 50)
    return render(request, "jobs/queue.html", {
        "page": page, "rows": _rows(page.object_list),
        "settings_entities": permissions.entities(request.user).filter(pk__in=s.admin_entities).order_by("name"),
    })


@login_required
def settings_page(request, entity_pk):
    """The entity's administrators: when registrations are automatic, what a short engagement is."""
    entity = get_or_404(lambda u, k: permissions.entities(u).get(pk=k), request.user, entity_pk)
    if not request.user.has_perm("jobs.change_settings", entity):
        raise Http404
    current = steps.settings_for(entity)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_settings(actor=request.user, entity=entity, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("jobs-settings", entity.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "jobs/settings.html", {"entity": entity, "form": form}, status=status)


# --- offers ---------------------------------------------------------------------------------------


def _sectors(job):
    from compagnon.fieldwork.models import Sector

    return Sector.objects.filter(entity_id=job.entity_id).order_by("name")


@login_required
def job_offer(request, pk):
    job = get_or_404(selectors.job, request.user, pk)
    if not request.user.has_perm("jobs.act", job):
        raise Http404
    colleagues = selectors.colleague_choices(job.member)
    if request.method == "POST":
        form = OfferForm(request.POST, sectors=_sectors(job), colleagues=colleagues)
        if form.is_valid():
            try:
                handover.offer_job(actor=request.user, job=job, **{**form.cleaned_data,
                                                                  "fee_value": form.cleaned_data["fee_value"] or 0})
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Offered to your colleagues."))
                return redirect("jobs-detail", job.pk)
        return render(request, "jobs/offer.html", {"job": job, "form": form}, status=400)
    colleague_id = id_param(request, "colleague")  # a colleague called in (from peer help's answers)
    initial = {"colleague": colleague_id} if colleague_id and colleagues.filter(pk=colleague_id).exists() else {}
    return render(request, "jobs/offer.html", {"job": job, "form": OfferForm(sectors=_sectors(job),
                                                                            colleagues=colleagues, initial=initial)})


@login_required
def offer_list(request):
    activities = list(selectors.declarable_activities(request.user))
    page = paginate(request, selectors.open_offers(request.user).order_by("-created_at", "-id"), 30)
    return render(request, "jobs/offers.html", {
        "page": page, "activities": activities, "me": permissions.scope_for(request.user).member_id,
        "mine": list(selectors.offers_of(request.user).order_by("-created_at")[:20]),
    })


@login_required
@require_POST
def offer_take(request, pk):
    offer = get_or_404(lambda u, k: selectors.open_offers(u).get(pk=k), request.user, pk)
    form = TakeForm(request.POST, activities=selectors.declarable_activities(request.user))
    if not form.is_valid():
        messages.error(request, _("Choose one of your activities."))
        return redirect("jobs-offers")
    response = run_action(request, handover.take_offer, offer=offer, activity=form.cleaned_data["activity"],
                          redirect_to="jobs-offers", success=_("The job is yours: its client and drafts moved to your activity."))
    if response.result is not None:
        return redirect("jobs-detail", response.result.pk)
    return response


@login_required
@require_POST
def offer_withdraw(request, pk):
    offer = get_or_404(lambda u, k: selectors.offers_of(u).get(pk=k), request.user, pk)
    return run_action(request, handover.withdraw_offer, offer=offer, redirect_to=reverse("jobs-detail", args=[offer.job_id]),
                      success=_("Offer withdrawn."))

