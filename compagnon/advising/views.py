"""Pages of advising seen by members and staff alike: "My advisor", an appointment (its calendar
file), ticking a next step, a yearly review and its PDF. 404 outside one's scope."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon.core.params import bool_param
from compagnon.core.views_helpers import apply_errors, get_or_404, run_action

from . import reviews as review_services
from . import selectors, services
from .forms import (
    CancelForm,
    NotesForm,
    RequestForm,
    ReviewForm,
    ReviewStartForm,
    StepForm,
    WhenWhereForm,
)
from .ical import appointment_ics
from .models import AppointmentKind, StepOwner


@login_required
def mine(request):
    """My advisor: who, how to reach them, the relay when they are away, my appointments, my next
    steps, the notes shared with me; and asking for an appointment."""
    data = selectors.my_advisor(request.user)
    if data is None:
        raise Http404
    form = RequestForm()
    status = 200
    if request.method == "POST":
        form = RequestForm(request.POST)
        if form.is_valid():
            try:
                services.request_appointment(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Your request is sent: your advisor will propose a time."))
                return redirect("advising-mine")
        status = 400
    data["form"] = form
    data["my_steps"] = [s for s in data["steps"] if s.owner == StepOwner.MEMBER]
    data["advisor_steps"] = [s for s in data["steps"] if s.owner == StepOwner.ADVISOR]
    data["may_request"] = request.user.has_perm("advising.request_appointment", data["member"])
    return render(request, "advising/mine.html", data, status=status)


@login_required
@require_POST
def request_withdraw(request, pk):
    r = get_or_404(selectors.request, request.user, pk)
    return run_action(request, services.withdraw_request, request=r, redirect_to=reverse("advising-mine"),
                      success=_("Request withdrawn."))


def appointment_context(request, a, **forms):
    user = request.user
    follows = user.has_perm("advising.follow_member", a.member)
    steps = list(a.steps.order_by("due_on", "id"))
    context = {
        "appointment": a,
        "member": a.member,
        "follows": follows,
        "notes": selectors.visible_notes(user, a),
        "steps": steps,
        "may_cancel": a.is_planned and user.has_perm("advising.cancel_appointment", a),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "reviews": list(a.reviews.all()) if follows else [],
        "today": timezone.localdate(),
    }
    if follows:
        context.update({
            "edit_form": forms.get("edit_form") or WhenWhereForm(initial={
                "starts_at": a.starts_at, "duration_minutes": a.duration_minutes, "place": a.place,
                "video_url": a.video_url}),
            "notes_form": forms.get("notes_form") or NotesForm(initial={"notes": a.notes,
                                                                       "notes_shared": a.notes_shared}),
            "step_form": forms.get("step_form") or StepForm(),
            "is_review": a.kind == AppointmentKind.REVIEW,
            "review_form": ReviewStartForm(templates=selectors.templates_for_member(user, a.member))
            if a.kind == AppointmentKind.REVIEW and not context["reviews"] else None,
            "past": a.starts_at <= timezone.now(),
        })
    return context


@login_required
def appointment_page(request, pk):
    a = get_or_404(selectors.appointment, request.user, pk)
    return render(request, "advising/appointment.html", appointment_context(request, a))


@login_required
def appointment_ics_view(request, pk):
    a = get_or_404(selectors.appointment, request.user, pk)
    response = HttpResponse(appointment_ics(a), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="appointment-{a.pk}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def appointment_cancel(request, pk):
    a = get_or_404(selectors.appointment, request.user, pk)
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return run_action(request, services.cancel, appointment=a, reason=reason,
                      redirect_to=reverse("advising-appointment", args=[a.pk]), success=_("Appointment cancelled."))


@login_required
@require_POST
def step_tick(request, pk):
    s = get_or_404(selectors.step, request.user, pk)
    done = bool_param(request.POST, "done", default=True)
    return run_action(request, services.tick_step, step=s, done=done, redirect_to=reverse("advising-mine"),
                      success=_("Well done!") if done else _("Back on the list."))


# --- reviews ---------------------------------------------------------------------------------------


@login_required
def review_page(request, pk):
    r = get_or_404(selectors.review, request.user, pk)
    follows = request.user.has_perm("advising.follow_member", r.member)
    editable = follows and not r.is_done
    form = ReviewForm(review=r) if editable else None
    status = 200
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(_("You are not allowed to do this."))
        form = ReviewForm(request.POST, review=r)
        if form.is_valid():
            try:
                review_services.save_answers(actor=request.user, review=r, answers=form.answers(),
                                             summary=form.cleaned_data["summary"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                if request.POST.get("done"):
                    return run_action(request, review_services.complete_review, review=r,
                                      redirect_to=reverse("advising-review", args=[r.pk]),
                                      success=_("Review done: the member can read it now."))
                messages.success(request, _("Answers saved."))
                return redirect("advising-review", r.pk)
        status = 400
    return render(request, "advising/review.html", {"review": r, "form": form, "follows": follows,
                                                    "sections": r.sections()}, status=status)


@login_required
def review_pdf(request, pk):
    from .pdf import filename
    from .pdf import review_pdf as render_pdf

    r = get_or_404(selectors.review, request.user, pk)
    response = HttpResponse(render_pdf(r), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename(r)}"'
    response["Cache-Control"] = "private, no-store"
    return response
