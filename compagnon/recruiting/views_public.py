"""Public pages of recruiting, without an account: the application form of an entity, its calls
for new members, and the applicant's own page (a private link sent by email) where they follow
their application and sign up to an information meeting."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon.core.params import id_param, text_param
from compagnon.core.views_helpers import apply_errors, error_messages
from compagnon.fieldwork import antispam
from compagnon.members.models import Trade
from compagnon.organisation.models import Entity, Office

from . import selectors, services
from .forms import ApplyForm
from .models import Application, Meeting, SignUp, SignUpState, Step


def _spam(request, form) -> str | None:
    if form.data.get("website"):
        return _("Your application could not be sent. Please try again.")
    if antispam.filled_too_fast(form.data.get("started", "")):
        return _("The form was sent too fast or the page is too old: check your answers and send it again.")
    if antispam.over_limit(request, "recruiting-apply"):
        return _("Too many requests from your connection: please try again in an hour.")
    return None


def apply(request, entity_pk: int):
    entity = get_object_or_404(Entity, pk=entity_pk)
    offices = list(Office.objects.filter(entity=entity).order_by("name"))
    initial = {"started": antispam.started_token()}
    trade_code = text_param(request.GET, "trade", max_length=40)
    call = None
    call_id = id_param(request.GET, "call")
    if call_id:
        call = selectors.published_calls(entity.pk).filter(pk=call_id).first()
        if call is not None:
            initial.update(call=call.pk, trades=[call.trade_id], postcode=call.postcode, city=call.city)
    if trade_code:
        trade = Trade.objects.filter(code=trade_code).first()
        if trade is not None:
            initial["trades"] = [trade.pk]
    office_id = id_param(request.GET, "office")
    if office_id and any(o.pk == office_id for o in offices):
        initial["office"] = office_id
    elif len(offices) == 1:
        initial["office"] = offices[0].pk
    form = ApplyForm(request.POST or None, request.FILES or None, offices=offices, initial=initial)
    status = 200
    if request.method == "POST":
        problem = _spam(request, form)
        if problem:
            messages.error(request, problem)
            form.data = form.data.copy()
            form.data["started"] = antispam.started_token()
            status = 400
        elif form.is_valid():
            d = form.cleaned_data
            call = selectors.published_calls(entity.pk).filter(pk=d["call"]).first() if d.get("call") else None
            try:
                application = services.submit_application(
                    entity=entity, office=form.offices.get(d["office"]) if d["office"] else None,
                    first_name=d["first_name"], last_name=d["last_name"], email=d["email"], phone=d["phone"],
                    language=get_language() or "fr", trades=d["trades"], postcode=d["postcode"], city=d["city"],
                    zone_km=d["zone_km"], experience=d["experience"], availability=d["availability"],
                    motivation=d["motivation"], consent=d["consent"], files=request.FILES.getlist("documents"),
                    call=call,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
                status = 400
            else:
                messages.success(request, _("Thank you: your application is sent. We sent you an email with the link to this page."))
                return redirect("recruiting-follow", application.token)
        else:
            status = 400
    return render(request, "recruiting/public/apply.html", {
        "form": form, "entity": entity, "call": call, "trades_chosen": [str(v) for v in (form["trades"].value() or [])],
    }, status=status)


def calls(request, entity_pk: int):
    entity = get_object_or_404(Entity, pk=entity_pk)
    return render(request, "recruiting/public/calls.html", {
        "entity": entity, "calls": selectors.published_calls(entity.pk).order_by("trade__code", "postcode"),
    })


def _followed(token: str) -> Application:
    try:
        return Application.objects.select_related("entity", "office").get(token=token)
    except Application.DoesNotExist:
        raise Http404 from None


def follow(request, token: str):
    application = _followed(token)
    signups = list(application.signups.exclude(state=SignUpState.CANCELLED).select_related("meeting__office")
                   .order_by("meeting__starts_at"))
    taken = {s.meeting_id for s in signups}
    meetings = [m for m in selectors.upcoming_for(application) if m.pk not in taken] if application.is_open else []
    return render(request, "recruiting/public/follow.html", {
        "a": application, "signups": signups, "meetings": meetings, "Step": Step,
        "trades": list(application.trades.all()), "steps": selectors.follow_steps(application),
    })


@require_POST
def follow_sign_up(request, token: str, meeting_pk: int):
    application = _followed(token)
    if antispam.over_limit(request, "recruiting-signup", limit=20):
        messages.error(request, _("Too many requests from your connection: please try again in an hour."))
        return redirect("recruiting-follow", token)
    meeting = get_object_or_404(Meeting, pk=meeting_pk, entity_id=application.entity_id)
    try:
        signup = services.sign_up(meeting=meeting, application=application)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        if signup.state == SignUpState.WAITING:
            messages.info(request, _("The meeting is full: you are on its waiting list. We email you if a place frees up."))
        else:
            messages.success(request, _("You are signed up. We sent you the details by email."))
    return redirect("recruiting-follow", token)


@require_POST
def follow_cancel(request, token: str, signup_pk: int):
    application = _followed(token)
    signup = get_object_or_404(SignUp, pk=signup_pk, application=application)
    try:
        services.cancel_signup(signup=signup)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Your sign-up is cancelled."))
    return redirect("recruiting-follow", token)
