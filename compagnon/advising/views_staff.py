"""Pages of advising for who follows members (advisors, their relays, administrators): the list of
one's members by attention, a member's follow-up file, the actions on an appointment, answering
requests, reviews, review templates and absences. 404 outside one's scope, 403 for what one sees
but may not change."""

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
from compagnon.core.params import choice_param, id_param, paginate, text_param
from compagnon.core.services import require
from compagnon.core.views_helpers import apply_errors, get_or_404, run_action
from compagnon.members.models import MemberStatus
from compagnon.organisation.models import Entity

from . import absences as absence_services
from . import attention, selectors, services
from . import reviews as review_services
from .forms import (
    AbsenceForm,
    AcceptForm,
    AppointmentForm,
    DeclineForm,
    NotesForm,
    QuestionFormSet,
    ReviewStartForm,
    StepForm,
    TemplateForm,
    WhenWhereForm,
)
from .models import AppointmentKind
from .rules import staff_entity_ids
from .views import appointment_context


def _require_follower(user):
    if not selectors.follows_anyone(user):
        raise Http404


@login_required
def members_list(request):
    """The advisor's members, most in need of attention first."""
    user = request.user
    _require_follower(user)
    scope = permissions.scope_for(user)
    show = choice_param(request, "show", attention.SHOWS, default="mine" if scope.is_advisor else "all")
    kind = choice_param(request, "attention", ["any", *attention.KINDS])
    status = choice_param(request, "status", MemberStatus.values)
    office_id = id_param(request, "office")
    q = text_param(request, "q", max_length=100)
    today = timezone.localdate()
    relays = selectors.relaying(user)
    relayed = [a.advisor_id for a in relays if a.covers(today)]
    ids, tally, needs = attention.rank(user, show=show, q=q, office_id=office_id, status=status, attention=kind,
                                       relayed=relayed)
    page = paginate(request, ids, 25)
    page.object_list = attention.rows(user, page.object_list, needs, relays=relays)
    return render(request, "advising/members.html", {
        "page": page, "tally": tally, "show": show, "kind": kind, "status": status, "office_id": office_id,
        "q": q, "kinds": [(k, label, tally[k]) for k, (label, _w) in attention.KINDS.items()],
        "statuses": MemberStatus.choices,
        "offices": (permissions.offices(user).filter(pk__in=list(scope.advisor_offices)) if not scope.is_admin
                    else permissions.offices(user)).order_by("name"),
        "relays": relays,
        "upcoming": selectors.upcoming_for(user, relayed=relayed, limit=5),
        "requests_waiting": list(selectors.open_requests_for(user)[:10]),
        "no_meeting_months": attention.no_meeting_months(),
    })


def _file_context(request, member, **forms):
    user = request.user
    data = selectors.member_file(user, member)
    templates = selectors.templates_for_member(user, member)
    data.update({
        "member": member,
        "plan_form": forms.get("plan_form") or AppointmentForm(),
        "step_form": forms.get("step_form") or StepForm(),
        "review_form": forms.get("review_form") or ReviewStartForm(templates=templates),
        "has_templates": templates.exists(),
        "today": timezone.localdate(),
    })
    bound = forms.get("accept_form")
    for r in data["requests"]:
        r.accept_form = bound if bound is not None and bound.prefix == f"r{r.pk}" else AcceptForm(
            prefix=f"r{r.pk}", initial={"topic": r.topic})
        r.decline_form = DeclineForm(prefix=f"d{r.pk}")
    return data


@login_required
def member_file(request, pk):
    """A member's follow-up for who follows them; POST plans an appointment."""
    member = get_or_404(selectors.followed_member, request.user, pk)
    if request.method == "POST":
        require(request.user, "advising.follow_member", member)
        form = AppointmentForm(request.POST)
        if form.is_valid():
            try:
                a = services.plan_appointment(actor=request.user, member=member, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Appointment planned: the member is told, with a calendar file."))
                return redirect("advising-appointment", a.pk)
        return render(request, "advising/member.html", _file_context(request, member, plan_form=form), status=400)
    return render(request, "advising/member.html", _file_context(request, member))


@login_required
@require_POST
def step_add(request, pk):
    """Add a next step to a member (``?appointment=`` ties it to one of their appointments)."""
    member = get_or_404(selectors.followed_member, request.user, pk)
    require(request.user, "advising.follow_member", member)
    appointment_id = id_param(request.POST, "appointment")
    appointment = None
    if appointment_id:
        appointment = selectors.appointments(request.user).filter(pk=appointment_id, member=member).first()
        if appointment is None:
            raise Http404
    form = StepForm(request.POST)
    back = reverse("advising-appointment", args=[appointment.pk]) if appointment else reverse(
        "advising-member", args=[member.pk])
    if form.is_valid():
        try:
            services.add_step(actor=request.user, member=member, appointment=appointment, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Next step added."))
            return redirect(back)
    if appointment is not None:
        a = selectors.appointment(request.user, appointment.pk)
        return render(request, "advising/appointment.html", appointment_context(request, a, step_form=form),
                      status=400)
    return render(request, "advising/member.html", _file_context(request, member, step_form=form), status=400)


def _followed_appointment(request, pk):
    a = get_or_404(selectors.appointment, request.user, pk)
    require(request.user, "advising.follow_member", a.member)
    return a


@login_required
@require_POST
def appointment_edit(request, pk):
    a = _followed_appointment(request, pk)
    form = WhenWhereForm(request.POST)
    if form.is_valid():
        try:
            services.update_appointment(actor=request.user, appointment=a, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Appointment changed: the member is told."))
            return redirect("advising-appointment", a.pk)
    return render(request, "advising/appointment.html", appointment_context(request, a, edit_form=form), status=400)


@login_required
@require_POST
def appointment_notes(request, pk):
    """Save the notes; with ``held=1``, also mark the appointment held."""
    a = _followed_appointment(request, pk)
    form = NotesForm(request.POST)
    if form.is_valid():
        try:
            if request.POST.get("held"):
                services.hold(actor=request.user, appointment=a, **form.cleaned_data)
                messages.success(request, _("Appointment marked as held."))
            else:
                services.update_appointment(actor=request.user, appointment=a, **form.cleaned_data)
                messages.success(request, _("Notes saved."))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("advising-appointment", a.pk)
    return render(request, "advising/appointment.html", appointment_context(request, a, notes_form=form), status=400)


@login_required
@require_POST
def appointment_missed(request, pk):
    a = _followed_appointment(request, pk)
    return run_action(request, services.mark_missed, appointment=a,
                      redirect_to=reverse("advising-appointment", args=[a.pk]),
                      success=_("Appointment marked as missed."))


# --- requests --------------------------------------------------------------------------------------


def _followed_request(request, pk):
    r = get_or_404(selectors.request, request.user, pk)
    require(request.user, "advising.follow_member", r.member)
    return r


@login_required
@require_POST
def request_accept(request, pk):
    r = _followed_request(request, pk)
    form = AcceptForm(request.POST, prefix=f"r{r.pk}")
    if form.is_valid():
        try:
            a = services.accept_request(actor=request.user, request=r, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Appointment planned: the member is told, with a calendar file."))
            return redirect("advising-appointment", a.pk)
    member = selectors.followed_member(request.user, r.member_id)
    return render(request, "advising/member.html", _file_context(request, member, accept_form=form), status=400)


@login_required
@require_POST
def request_decline(request, pk):
    r = _followed_request(request, pk)
    form = DeclineForm(request.POST, prefix=f"d{r.pk}")
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return run_action(request, services.decline_request, request=r, reason=reason,
                      redirect_to=reverse("advising-member", args=[r.member_id]), success=_("Request declined."))


# --- reviews -----------------------------------------------------------------------------------------


@login_required
@require_POST
def review_start(request, pk):
    member = get_or_404(selectors.followed_member, request.user, pk)
    require(request.user, "advising.follow_member", member)
    form = ReviewStartForm(request.POST, templates=selectors.templates_for_member(request.user, member))
    appointment = None
    appointment_id = id_param(request.POST, "appointment")
    if appointment_id:
        appointment = selectors.appointments(request.user).filter(pk=appointment_id, member=member,
                                                                  kind=AppointmentKind.REVIEW).first()
    if form.is_valid():
        try:
            r = review_services.start_review(actor=request.user, member=member, appointment=appointment,
                                             **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("advising-review", r.pk)
    return render(request, "advising/member.html", _file_context(request, member, review_form=form), status=400)


# --- templates -------------------------------------------------------------------------------------


def _staff_entities(user):
    ids = staff_entity_ids(user)
    if not ids:
        raise Http404
    return Entity.objects.filter(pk__in=ids).order_by("name")


@login_required
def templates_list(request):
    _staff_entities(request.user)
    return render(request, "advising/templates.html",
                  {"templates": list(selectors.templates(request.user).prefetch_related("questions")
                                     .order_by("entity__name", "-active", "name", "id"))})


@login_required
def template_edit(request, pk=None):
    entities = _staff_entities(request.user)
    template = get_or_404(selectors.template, request.user, pk) if pk else None
    entity_id = template.entity_id if template else (id_param(request, "entity") or entities[0].pk)
    entity = entities.filter(pk=entity_id).first()
    if entity is None:
        raise Http404
    require(request.user, "advising.manage_templates", entity)
    if request.method == "POST":
        form, formset = TemplateForm(request.POST), QuestionFormSet(request.POST, prefix="q")
        if form.is_valid() and formset.is_valid():
            questions = [f.cleaned_data for f in formset.forms if f.cleaned_data and f.cleaned_data.get("label")]
            try:
                t = review_services.save_template(actor=request.user, entity=entity, template=template,
                                                  questions=questions, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Template saved."))
                return redirect("advising-template", t.pk)
        return render(request, "advising/template.html", {"form": form, "formset": formset, "template": template,
                                                          "entity": entity}, status=400)
    if template:
        form = TemplateForm(initial={"name": template.name, "intro": template.intro, "active": template.active})
        formset = QuestionFormSet(prefix="q", initial=[
            {"section": q.section, "label": q.label, "help": q.help, "kind": q.kind}
            for q in template.questions.all()])
    else:
        form, formset = TemplateForm(), QuestionFormSet(prefix="q")
    return render(request, "advising/template.html", {"form": form, "formset": formset, "template": template,
                                                      "entity": entity})


# --- absences ----------------------------------------------------------------------------------------


def _absence_form(request, data=None):
    entities = _staff_entities(request.user)
    return AbsenceForm(data, entities=entities, advisors=selectors.advisors_of_entities([e.pk for e in entities]),
                       may_choose_advisor=permissions.scope_for(request.user).is_admin)


@login_required
def absences_page(request):
    user = request.user
    _staff_entities(user)
    form = _absence_form(request)
    status = 200
    if request.method == "POST":
        form = _absence_form(request, request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                absence_services.declare_absence(actor=user, entity=d["entity"], advisor=d.get("advisor") or user,
                                                 starts_on=d["starts_on"], ends_on=d["ends_on"], relay=d["relay"],
                                                 message=d["message"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Absence saved: the relay sees your members during it."))
                return redirect("advising-absences")
        status = 400
    today = timezone.localdate()
    rows = list(selectors.absences(user).filter(ends_on__gte=today).order_by("starts_on", "id")[:100])
    for a in rows:
        a.may_cancel = a.advisor_id == user.pk or a.entity_id in permissions.scope_for(user).admin_entities
    return render(request, "advising/absences.html", {"form": form, "absences": rows, "today": today}, status=status)


@login_required
@require_POST
def absence_cancel(request, pk):
    a = get_or_404(selectors.absence, request.user, pk)
    return run_action(request, absence_services.cancel_absence, absence=a, redirect_to=reverse("advising-absences"),
                      success=_("Absence cancelled."))
