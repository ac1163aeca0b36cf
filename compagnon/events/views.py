"""Pages of the agenda: the agenda, an event, new / change, proposals, attendance, my
registrations, certificates and the calendar feeds (404 outside one's scope)."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from compagnon import permissions
from compagnon.core.params import choice_param, paginate, text_param
from compagnon.core.services import require
from compagnon.core.views_helpers import apply_errors, get_or_404, run_action

from . import ical, selectors, services, trainings
from .forms import DATETIME, CancelForm, DeclineForm, EventForm, place_key
from .models import Attendance, EventKind, EventStatus, Level, RegistrationStatus
from .pdf import certificate_pdf

PER_PAGE = 30


def _staff(user) -> bool:
    s = permissions.scope_for(user)
    return bool(s.admin_entities or s.advisor_offices)


def labelled(events: list) -> list:
    """Give each event of a list page what its row prints, computed once in Python (the
    templates' ``get_FOO_display`` and date filters cost more than the query at 30 rows):
    ``kind_label``, ``level_label``, ``day`` (local date), ``start_hm`` / ``end_hm`` (local)."""
    kinds, levels = dict(EventKind.choices), dict(Level.choices)
    for e in events:
        start, end = timezone.localtime(e.starts_at), timezone.localtime(e.ends_at)
        e.kind_label, e.level_label = str(kinds.get(e.kind, e.kind)), str(levels.get(e.level, ""))
        e.day, e.start_hm, e.end_hm = start.date(), f"{start:%H:%M}", f"{end:%H:%M}"
    return events


def by_day(rows) -> list[tuple]:
    """[(local day, [(event, my registration), …]), …] in the order given."""
    labelled([event for event, _reg in rows])
    return [(day, list(group)) for day, group in groupby(rows, key=lambda row: row[0].day)]


@login_required
def agenda(request):
    where, choices = selectors.read_where(request, request.user)
    kind = selectors.read_kind(request)
    page = paginate(request, selectors.agenda_rows(request.user, where=where, kind=kind), PER_PAGE)
    events = list(page.object_list)
    mine = selectors.my_registrations_by_event(request.user, [e.pk for e in events])
    s = permissions.scope_for(request.user)
    return render(request, "events/agenda.html", {
        "page": page, "days": by_day([(e, mine.get(e.pk)) for e in events]), "where": where, "kind": kind,
        "where_choices": choices, "kinds": EventKind.choices, "may_propose": s.member_active,
        "staff": _staff(request.user),
        "proposals_count": selectors.proposals(request.user).count() if _staff(request.user) else 0,
        "query": "&".join(p for p in (f"where={where}" if where else "", f"kind={kind}" if kind else "") if p),
    })


def _event_context(request, ev, **extra):
    user = request.user
    mine = selectors.my_registration(user, ev)
    may_manage = user.has_perm("events.manage_event", ev)
    return {
        "event": ev,
        "mine": mine,
        "position": selectors.waiting_position(mine) if mine and mine.status == RegistrationStatus.WAITING else None,
        "certificate": mine is not None and ev.is_training and mine.attendance == Attendance.PRESENT,
        "may_register": user.has_perm("events.register", ev) and ev.status == EventStatus.PUBLISHED
        and ev.starts_at > timezone.now(),
        "may_manage": may_manage,
        "may_attendance": user.has_perm("events.view_attendance", ev),
        "started": ev.starts_at <= timezone.now(),
        "decline_form": extra.pop("decline_form", None) or (DeclineForm() if may_manage else None),
        "cancel_form": extra.pop("cancel_form", None) or (CancelForm() if may_manage else None),
        **extra,
    }


@login_required
def event_page(request, pk):
    ev = get_or_404(selectors.event, request.user, pk)
    return render(request, "events/event.html", _event_context(request, ev))


def _places(user) -> list:
    places = selectors.creatable_places(user)
    keys = {place_key(p) for p in places}
    return places + [p for p in selectors.proposable_places(user) if place_key(p) not in keys]


def _initial(request) -> dict:
    kind = choice_param(request, "kind", EventKind.values)
    return {
        "kind": kind or EventKind.WORKSHOP,
        "topic": text_param(request, "topic", max_length=120),
        "level": choice_param(request, "level", Level.values),
    }


@login_required
def event_new(request):
    places = _places(request.user)
    if not places:
        raise Http404
    topics = selectors.topics_of(places[0].entity_id if hasattr(places[0], "entity_id") else places[0].pk)
    if request.method == "POST":
        form = EventForm(request.POST, places=places)
        if form.is_valid():
            d = dict(form.cleaned_data)
            where = d.pop("where")
            fn = services.create_event if request.user.has_perm("events.create_event", where) else services.propose_event
            try:
                ev = fn(actor=request.user, where=where, **d)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Event published.") if ev.status == EventStatus.PUBLISHED
                                 else _("Proposal sent: the staff of your office will validate it."))
                return redirect("events-event", ev.pk)
        return render(request, "events/event_form.html", {"form": form, "topics": topics, "new": True}, status=400)
    form = EventForm(places=places, initial=_initial(request))
    return render(request, "events/event_form.html", {"form": form, "topics": topics, "new": True})


@login_required
def event_edit(request, pk):
    ev = get_or_404(selectors.event, request.user, pk)
    require(request.user, "events.manage_event", ev)
    place = ev.office or ev.entity
    topics = selectors.topics_of(ev.entity_id)
    if request.method == "POST":
        form = EventForm(request.POST, places=[place])
        if form.is_valid():
            d = dict(form.cleaned_data)
            d.pop("where")
            try:
                services.update_event(actor=request.user, event=ev, **d)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Event saved."))
                return redirect("events-event", ev.pk)
        return render(request, "events/event_form.html", {"form": form, "event": ev, "topics": topics}, status=400)
    local = timezone.localtime
    form = EventForm(places=[place], initial={
        "where": place_key(place), "kind": ev.kind, "title": ev.title, "description": ev.description,
        "starts_at": local(ev.starts_at).strftime(DATETIME), "ends_at": local(ev.ends_at).strftime(DATETIME),
        "place": ev.place, "online_url": ev.online_url, "capacity": ev.capacity,
        "topic": ev.topic.name if ev.topic else "", "level": ev.level,
        "trainer": ev.trainer.email if ev.trainer else "", "hours": ev.hours,
    })
    return render(request, "events/event_form.html", {"form": form, "event": ev, "topics": topics})


@login_required
@require_POST
def register(request, pk):
    ev = get_or_404(selectors.event, request.user, pk)

    def said(reg):
        if reg.status == RegistrationStatus.WAITING:
            return _("The event is full: you are on the waiting list. You will be told if a place frees up.")
        return _("You are registered.")

    return run_action(request, services.register, event=ev, success=said,
                      redirect_to=reverse("events-event", args=[ev.pk]))


@login_required
@require_POST
def cancel_registration(request, pk):
    ev = get_or_404(selectors.event, request.user, pk)
    return run_action(request, services.cancel_registration, event=ev, success=_("Your registration is cancelled."),
                      redirect_to=reverse("events-event", args=[ev.pk]))


@login_required
def proposals(request):
    page = paginate(request, selectors.proposals(request.user), PER_PAGE)
    mine = list(selectors.my_proposals(request.user)[:20])
    if not _staff(request.user) and not mine:
        raise Http404
    return render(request, "events/proposals.html", {"page": page, "mine": mine, "staff": _staff(request.user)})


@login_required
@require_POST
def validate(request, pk):
    ev = get_or_404(selectors.event, request.user, pk)
    return run_action(request, services.validate_event, event=ev, success=_("Event validated and published."),
                      redirect_to=reverse("events-event", args=[ev.pk]))


@login_required
@require_POST
def decline(request, pk):
    ev = get_or_404(selectors.event, request.user, pk)
    require(request.user, "events.manage_event", ev)
    form = DeclineForm(request.POST)
    if form.is_valid():
        response = run_action(request, services.decline_event, event=ev, reason=form.cleaned_data["reason"],
                              form=form, success=_("Proposal declined: the member is told why."),
                              redirect_to=reverse("events-proposals"))
        if response is not None:
            return response
    return render(request, "events/event.html", _event_context(request, ev, decline_form=form), status=400)


@login_required
@require_POST
def cancel_event(request, pk):
    ev = get_or_404(selectors.event, request.user, pk)
    require(request.user, "events.manage_event", ev)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return render(request, "events/event.html", _event_context(request, ev, cancel_form=form), status=400)
    return run_action(request, services.cancel_event, event=ev, reason=form.cleaned_data["reason"],
                      success=_("Event cancelled: the people registered are told."),
                      redirect_to=reverse("events-event", args=[ev.pk]))


@login_required
def attendance(request, pk):
    ev = get_or_404(selectors.event, request.user, pk)
    require(request.user, "events.view_attendance", ev)
    may_mark = request.user.has_perm("events.mark_attendance", ev)
    rows = selectors.attendees(ev)
    status = 200
    if request.method == "POST":
        require(request.user, "events.mark_attendance", ev)
        marks = {r.pk: choice_param(request.POST, f"a{r.pk}", Attendance.values) for r in rows}
        try:
            n = trainings.mark_attendance(actor=request.user, event=ev, marks=marks)
        except ValidationError as exc:
            for errors in exc.message_dict.values():
                for e in errors:
                    messages.error(request, e)
            status = 400
        else:
            messages.success(request, ngettext("Attendance saved: %(n)s change.", "Attendance saved: %(n)s changes.", n)
                             % {"n": n})
            return redirect("events-attendance", ev.pk)
    return render(request, "events/attendance.html", {
        "event": ev, "rows": rows, "waiting": selectors.waiting_list(ev), "may_mark": may_mark,
        "started": ev.starts_at <= timezone.now(),
        "present": sum(1 for r in rows if r.attendance == Attendance.PRESENT),
    }, status=status)


@login_required
def my_events(request):
    regs = selectors.my_registrations(request.user).exclude(status=RegistrationStatus.CANCELLED)
    now = timezone.now()
    upcoming = list(regs.filter(event__ends_at__gte=now).order_by("event__starts_at", "id")[:100])
    page = paginate(request, regs.filter(event__ends_at__lt=now).order_by("-event__starts_at", "-id"), PER_PAGE)
    return render(request, "events/mine.html", {
        "upcoming": upcoming, "page": page, "proposed": list(selectors.my_proposals(request.user)[:20]),
        "is_member": permissions.scope_for(request.user).member_id is not None,
    })


@login_required
def certificate(request, pk):
    reg = get_or_404(selectors.certificate_registration, request.user, pk)
    cert = trainings.certificate_for(actor=request.user, registration=reg)
    return pdf_response(cert)


def pdf_response(cert) -> HttpResponse:
    response = HttpResponse(certificate_pdf(cert.content), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{cert.reference}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- calendar feeds ------------------------------------------------------------------------------


@login_required
def feed(request):
    f = services.calendar_feed(request.user)
    return render(request, "events/feed.html", {
        "agenda_url": request.build_absolute_uri(reverse("events-ical-agenda", args=[f.token])),
        "mine_url": request.build_absolute_uri(reverse("events-ical-mine", args=[f.token])),
        "is_member": permissions.scope_for(request.user).member_id is not None,
    })


@login_required
@require_POST
def feed_rotate(request):
    return run_action(request, services.rotate_feed, success=_("New addresses made: the old ones no longer work."),
                      redirect_to=reverse("events-feed"))


def _ics(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f'inline; filename="{name}.ics"'
    return response


def ical_agenda(request, token: str):
    f = get_or_404(selectors.feed_by_token, token)
    return _ics(ical.agenda_calendar(f.user), "agenda")


def ical_mine(request, token: str):
    f = get_or_404(selectors.feed_by_token, token)
    return _ics(ical.registrations_calendar(f.user), "my-events")
