"""Pages of recruiting: the staff's board, an application, the information meetings, the open
needs and calls, the teams' load (404 for whoever does not recruit for the office)."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon.core.params import (
    BadParameter,
    bool_param,
    choice_param,
    date_param,
    id_param,
    int_param,
    paginate,
)
from compagnon.core.views_helpers import get_or_404, run_action
from compagnon.members.models import Trade
from compagnon.organisation.models import Entity

from . import selectors, services
from .forms import CallForm, MeetingForm, MoveForm, NoteForm, RefuseForm, SignUpForm
from .models import Document, Step
from .rules import is_recruiter, recruiting_entities


def _recruiter_only(request):
    if not is_recruiter(request.user):
        raise Http404


def _tabs(request, current: str) -> dict:
    return {"tab": current, "may_calls": bool(recruiting_entities(request.user))}


@login_required
def board(request):
    _recruiter_only(request)
    step = choice_param(request.GET, "step", [s.value for s in Step])
    office = id_param(request.GET, "office")
    trade = id_param(request.GET, "trade")
    qs = selectors.board(request.user, step=step, office=office, trade=trade)
    page = paginate(request, qs.select_related("office").prefetch_related("trades").order_by("-step_since", "-id"), 30)
    return render(request, "recruiting/board.html", {
        "page": page, "counts": selectors.step_counts(request.user, office=office, trade=trade),
        "step": step, "office": office, "trade": trade, "offices": selectors.offices(request.user),
        "trades": Trade.objects.all(), **_tabs(request, "board"),
    })


def _detail_context(request, application, **forms):
    return {
        "a": application, "trades": list(application.trades.all()),
        "documents": list(application.documents.all()),
        "moves": list(application.moves.select_related("by")),
        "signups": list(application.signups.select_related("meeting__office").order_by("meeting__starts_at")),
        "move_form": forms.get("move_form") or MoveForm(),
        "refuse_form": forms.get("refuse_form") or RefuseForm(),
        "note_form": forms.get("note_form") or NoteForm(),
        "Step": Step, **_tabs(request, "board"),
    }


@login_required
def application_detail(request, pk):
    application = get_or_404(selectors.application, request.user, pk)
    return render(request, "recruiting/application.html", _detail_context(request, application))


def _post_form(request, pk, form_class, fn, form_name, success, **extra):
    application = get_or_404(selectors.application, request.user, pk)
    form = form_class(request.POST)
    if form.is_valid():
        response = run_action(request, fn, application=application, form=form,
                              redirect_to=reverse("recruiting-application", args=[pk]), success=success,
                              **form.cleaned_data, **extra)
        if response is not None:
            return response
    ctx = _detail_context(request, application, **{form_name: form})
    return render(request, "recruiting/application.html", ctx, status=400)


@login_required
@require_POST
def application_move(request, pk):
    return _post_form(request, pk, MoveForm, services.move_application, "move_form", _("Application moved."))


@login_required
@require_POST
def application_refuse(request, pk):
    return _post_form(request, pk, RefuseForm, services.refuse_application, "refuse_form",
                      _("Application refused: the applicant is told by email."))


@login_required
@require_POST
def application_note(request, pk):
    return _post_form(request, pk, NoteForm, services.add_note, "note_form", _("Note added."))


@login_required
@require_POST
def application_join(request, pk):
    application = get_or_404(selectors.application, request.user, pk)
    return run_action(request, services.join, application=application,
                      redirect_to=reverse("recruiting-application", args=[pk]),
                      success=lambda m: _("%(name)s is now a member: they received a link to choose their password.")
                      % {"name": m.user})


@login_required
def document(request, pk):
    """An applicant's file, for the staff who recruit for the office only, always downloaded."""
    doc = get_or_404(lambda u, k: Document.objects.select_related("application").get(
        pk=k, application__in=selectors.applications(u)), request.user, pk)
    with doc.file.open("rb") as fh:  # at most 5 MB: read whole, nothing left open
        response = HttpResponse(fh.read(), content_type=doc.content_type)
    response["Content-Disposition"] = content_disposition_header(True, doc.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- meetings ----------------------------------------------------------------------------------


@login_required
def meeting_list(request):
    _recruiter_only(request)
    offices = list(selectors.offices(request.user))
    form = MeetingForm(request.POST or None, offices=offices)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            response = run_action(
                request, services.create_meeting, form=form, office=form.offices[d["office"]],
                starts_at=d["starts_at"], minutes=d["minutes"], place=d["place"], video_url=d["video_url"],
                capacity=d["capacity"], redirect_to=reverse("recruiting-meetings"), success=_("Meeting planned."),
            )
            if response is not None:
                return response
        status = 400
    past = bool_param(request.GET, "past")
    now = timezone.now()
    qs = selectors.with_counts(selectors.meetings(request.user))
    qs = qs.filter(starts_at__lte=now).order_by("-starts_at") if past else qs.filter(starts_at__gt=now).order_by("starts_at")
    page = paginate(request, qs, 20)
    return render(request, "recruiting/meetings.html",
                  {"page": page, "form": form, "past": past, **_tabs(request, "meetings")}, status=status)


def _meeting_context(request, meeting, signup_form=None):
    return {
        "m": meeting, "signups": selectors.meeting_signups(meeting),
        "registered": sum(1 for s in selectors.meeting_signups(meeting) if s.state == "registered"),
        "signup_form": signup_form or SignUpForm(applications=selectors.signable_applications(meeting)),
        "started": meeting.starts_at <= timezone.now(), **_tabs(request, "meetings"),
    }


@login_required
def meeting_detail(request, pk):
    meeting = get_or_404(selectors.meeting, request.user, pk)
    return render(request, "recruiting/meeting.html", _meeting_context(request, meeting))


@login_required
@require_POST
def meeting_add(request, pk):
    meeting = get_or_404(selectors.meeting, request.user, pk)
    form = SignUpForm(request.POST, applications=selectors.signable_applications(meeting))
    if form.is_valid():
        response = run_action(request, services.sign_up, meeting=meeting, form=form,
                              application=form.applications[form.cleaned_data["application"]],
                              redirect_to=reverse("recruiting-meeting", args=[pk]), success=_("Applicant signed up."))
        if response is not None:
            return response
    return render(request, "recruiting/meeting.html", _meeting_context(request, meeting, form), status=400)


@login_required
@require_POST
def signup_action(request, pk, action):
    signup = get_or_404(lambda u, k: selectors.signups(u).get(pk=k), request.user, pk)
    back = reverse("recruiting-meeting", args=[signup.meeting_id])
    if action == "cancel":
        return run_action(request, services.cancel_signup, signup=signup, redirect_to=back, success=_("Sign-up cancelled."))
    return run_action(request, services.set_attendance, signup=signup, attended=action == "present",
                      redirect_to=back, success=_("Attendance saved."))


# --- open needs and calls ------------------------------------------------------------------------


@login_required
def needs(request):
    entities = list(Entity.objects.filter(pk__in=recruiting_entities(request.user)).order_by("name"))
    if not entities:
        raise Http404
    form = CallForm(request.POST or None, entities=entities)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            entity = form.entities.get(d["entity"])
            response = run_action(
                request, services.publish_call, form=form, entity=entity, trade=d["trade"], postcode=d["postcode"],
                city=d["city"], text=d["text"], requests_count=d["requests_count"] or 0,
                redirect_to=reverse("recruiting-needs"), success=_("Call published."),
            )
            if response is not None:
                return response
        status = 400
    return render(request, "recruiting/needs.html", {
        "needs": selectors.open_needs(request.user), "form": form, "single_entity": len(entities) == 1,
        "entities": entities, "calls": selectors.manageable_calls(request.user).order_by("-published", "-published_at", "-id"),
        **_tabs(request, "needs"),
    }, status=status)


@login_required
@require_POST
def call_unpublish(request, pk):
    call = get_or_404(lambda u, k: selectors.manageable_calls(u).get(pk=k), request.user, pk)
    return run_action(request, services.unpublish_call, call=call, redirect_to=reverse("recruiting-needs"),
                      success=_("Call withdrawn from the public page."))


# --- team load ---------------------------------------------------------------------------------


@login_required
def load(request):
    if not selectors.load_sectors(request.user).exists():
        raise Http404
    weeks = int_param(request.GET, "weeks", default=4, min_value=1, max_value=8)
    today = timezone.localdate()
    start = date_param(request.GET, "start") or today
    if abs((start - today).days) > 366:
        raise BadParameter("start", _("The parameter “%(name)s” must be a date within a year from today.") % {"name": "start"})
    sector = id_param(request.GET, "sector")
    groups = selectors.team_load(request.user, start=start, weeks=weeks, sector=sector)
    monday = selectors.week_start(start)
    mondays = [monday + datetime.timedelta(weeks=i) for i in range(weeks)]
    return render(request, "recruiting/load.html", {
        "groups": groups, "mondays": mondays, "weeks": weeks, "start": monday, "sector": sector,
        "sectors": selectors.load_sectors(request.user).order_by("name"), **_tabs(request, "load"),
    })
