"""Pages of mentoring: my mentoring (offers, requests, pairs, requests I could take), a request,
a pair with its meetings, and the pairs the staff follow (404 outside one's scope)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon import permissions
from compagnon.core.params import id_param, paginate
from compagnon.core.views_helpers import apply_errors, get_or_404, run_action
from compagnon.organisation.models import Office

from . import mentoring
from . import selectors_mentoring as sel
from .forms import AcceptForm, AskForm, MeetingForm, OfferForm
from .models import MentorRequestStatus


def _context(request, offer_form=None, ask_form=None):
    user = request.user
    s = permissions.scope_for(user)
    return {
        "active": s.member_active,
        "pairs": list(sel.my_pairs(user)[:50]),
        "offers": list(sel.my_offers(user)),
        "requests": list(sel.my_requests(user)[:20]),
        "to_take": list(sel.requests_to_take(user)[:50]),
        "offer_form": offer_form or (OfferForm(prefix="offer") if s.member_active else None),
        "ask_form": ask_form or (AskForm(prefix="ask") if s.member_active else None),
        "follows": sel.follows(user),
        "me": s.member_id,
    }


@login_required
def mentoring_page(request):
    return render(request, "events/mentoring.html", _context(request))


@login_required
@require_POST
def offer(request):
    if not permissions.scope_for(request.user).member_active:
        raise Http404
    form = OfferForm(request.POST, prefix="offer")
    if form.is_valid():
        try:
            mentoring.offer_mentoring(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Thank you: members looking for a mentor in this trade will see your offer."))
            return redirect("events-mentoring")
    return render(request, "events/mentoring.html", _context(request, offer_form=form), status=400)


@login_required
@require_POST
def offer_withdraw(request, pk):
    o = get_or_404(lambda u, pk: sel.my_offers(u).get(pk=pk), request.user, pk)
    return run_action(request, mentoring.withdraw_offer, offer=o, success=_("Offer withdrawn."),
                      redirect_to=reverse("events-mentoring"))


@login_required
@require_POST
def ask(request):
    if not permissions.scope_for(request.user).member_active:
        raise Http404
    form = AskForm(request.POST, prefix="ask")
    if form.is_valid():
        try:
            mentoring.ask_mentor(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Request sent: the mentors of this trade and your advisor are told."))
            return redirect("events-mentoring")
    return render(request, "events/mentoring.html", _context(request, ask_form=form), status=400)


@login_required
@require_POST
def request_withdraw(request, pk):
    r = get_or_404(lambda u, pk: sel.my_requests(u).get(pk=pk), request.user, pk)
    return run_action(request, mentoring.withdraw_request, request=r, success=_("Request withdrawn."),
                      redirect_to=reverse("events-mentoring"))


def _request_context(request, req, form=None):
    user = request.user
    may_accept = req.status == MentorRequestStatus.OPEN and user.has_perm("events.accept_mentor_request", req)
    s = permissions.scope_for(user)
    staff = req.entity_id in s.admin_entities or req.mentee.office_id in s.advisor_offices
    mentors = sel.possible_mentors(req) if staff else None
    return {
        "req": req,
        "may_accept": may_accept,
        "form": form or (AcceptForm(mentors=mentors) if may_accept else None),
        "mentors": mentors,
        "pair": getattr(req, "pair", None) if req.status == MentorRequestStatus.MATCHED else None,
    }


@login_required
def request_page(request, pk):
    req = get_or_404(sel.request, request.user, pk)
    return render(request, "events/mentor_request.html", _request_context(request, req))


@login_required
@require_POST
def accept(request, pk):
    req = get_or_404(sel.request, request.user, pk)
    ctx = _request_context(request, req)
    if not ctx["may_accept"] and req.status == MentorRequestStatus.OPEN:
        mentoring.accept_request(actor=request.user, request=req)  # raises the 403
    form = AcceptForm(request.POST, mentors=ctx["mentors"])
    if form.is_valid():
        try:
            pair = mentoring.accept_request(actor=request.user, request=req, mentor=form.cleaned_data.get("mentor"),
                                            goals=form.cleaned_data["goals"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Mentoring started: both of you are told."))
            return redirect("events-pair", pair.pk)
    return render(request, "events/mentor_request.html", _request_context(request, req, form), status=400)


def _pair_context(request, pair, form=None):
    user = request.user
    may_log = pair.ended_on is None and user.has_perm("events.log_meeting", pair)
    return {
        "pair": pair,
        "meetings": list(sel.meetings(pair)[:100]),
        "may_log": may_log,
        "may_end": pair.ended_on is None and user.has_perm("events.end_pair", pair),
        "form": form or (MeetingForm(initial={"date": timezone.localdate()}) if may_log else None),
        "no_news": pair.ended_on is None and pair.last_contact < sel.no_news_since(),
    }


@login_required
def pair_page(request, pk):
    pair = get_or_404(sel.pair, request.user, pk)
    return render(request, "events/pair.html", _pair_context(request, pair))


@login_required
@require_POST
def pair_meeting(request, pk):
    pair = get_or_404(sel.pair, request.user, pk)
    form = MeetingForm(request.POST)
    if form.is_valid():
        try:
            mentoring.log_meeting(actor=request.user, pair=pair, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Meeting noted."))
            return redirect("events-pair", pair.pk)
    return render(request, "events/pair.html", _pair_context(request, pair, form), status=400)


@login_required
@require_POST
def pair_end(request, pk):
    pair = get_or_404(sel.pair, request.user, pk)
    return run_action(request, mentoring.end_pair, pair=pair, success=_("Mentoring ended."),
                      redirect_to=reverse("events-pair", args=[pair.pk]))


@login_required
def followed(request):
    """The pairs an advisor (or administrator) follows: last contact, no news for two months."""
    if not sel.follows(request.user):
        raise Http404
    office = id_param(request, "office")
    page = paginate(request, sel.followed_pairs(request.user, office_id=office), 50)
    since = sel.no_news_since()
    scope = permissions.scope_for(request.user)
    return render(request, "events/pairs.html", {
        "page": page, "rows": [(p, p.last_contact < since) for p in page.object_list], "office": office,
        "query": f"office={office}" if office else "",
        "offices": list(Office.objects.filter(Q(entity_id__in=scope.admin_entities) | Q(id__in=scope.advisor_offices))
                        .order_by("entity__name", "name")),
    })
