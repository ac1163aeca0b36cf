"""Staff pages: writing a mailing (its texts, channels and audience, with the count of recipients
before anything goes), its page (preview in each language, count or progress, send now, schedule),
and the entity's topics of interest. 404 for anyone who may not write to any entity."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from compagnon.core.params import choice_param, id_param, paginate
from compagnon.core.services import require
from compagnon.core.views_helpers import apply_errors, get_or_404, run_action
from compagnon.members.models import Maturity, MemberStatus

from . import audience, rendering, selectors, sending, services
from .forms import InterestForm, MailingForm, ScheduleForm
from .models import LANGS, Interest, Kind, MailingState
from .rules import writer_entity_ids

SHOWS = ("drafts", "sent")


def _writer(request):
    if not writer_entity_ids(request.user):
        raise Http404


def _form(request, entity, data=None, initial=None):
    return MailingForm(data, initial=initial, entity=entity, offices=selectors.offices_for(request.user, entity),
                       interests=Interest.objects.filter(entity=entity, archived=False).order_by("position", "id"),
                       may_send_service=request.user.has_perm("mailings.send_service", entity))


def _entity(request, entities):
    pk = id_param(request.POST if request.method == "POST" else request.GET, "entity")
    if pk:
        entity = next((e for e in entities if e.pk == pk), None)
        if entity is None:
            raise Http404
        return entity
    return entities[0] if len(entities) == 1 else None


@login_required
def mailing_list(request):
    _writer(request)
    show = choice_param(request, "status", SHOWS, default="drafts")
    states = (MailingState.DRAFT, MailingState.SCHEDULED) if show == "drafts" else (MailingState.SENDING,
                                                                                    MailingState.SENT)
    qs = selectors.mailings(request.user).filter(state__in=states).order_by("-updated_at", "-id")
    page = paginate(request, qs, 30)
    return render(request, "mailings/list.html", {
        "page": page, "show": show, "tabs": [("drafts", _("Drafts and scheduled")), ("sent", pgettext("mailings", "Sent"))],
        "may_manage_interests": bool(selectors.admin_entities(request.user).exists())})


@login_required
@require_http_methods(["GET", "POST"])
def mailing_new(request):
    _writer(request)
    entities = list(selectors.writer_entities(request.user))
    entity = _entity(request, entities)
    if entity is None:
        return render(request, "mailings/choose_entity.html", {"entities": entities})
    if request.method == "POST":
        form = _form(request, entity, request.POST)
        if form.is_valid():
            try:
                m = services.create_mailing(actor=request.user, entity=entity, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Draft saved. Check the preview and the recipients, then send it."))
                return redirect("mailings-detail", m.pk)
        return render(request, "mailings/form.html", {"form": form, "entity": entity}, status=400)
    return render(request, "mailings/form.html", {"form": _form(request, entity, initial={"send_email": True}),
                                                  "entity": entity})


@login_required
@require_http_methods(["GET", "POST"])
def mailing_edit(request, pk):
    m = get_or_404(selectors.mailing, request.user, pk)
    require(request.user, "mailings.change_mailing", m)
    if not m.is_editable:
        messages.error(request, _("This mailing has gone out: it can no longer be changed."))
        return redirect("mailings-detail", m.pk)
    if request.method == "POST":
        form = _form(request, m.entity, request.POST)
        if form.is_valid():
            try:
                services.update_mailing(actor=request.user, mailing=m, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Mailing saved."))
                return redirect("mailings-detail", m.pk)
        return render(request, "mailings/form.html", {"form": form, "entity": m.entity, "mailing": m}, status=400)
    initial = services.current_values(m)
    initial["postcode_prefixes"] = ", ".join(m.postcode_prefixes or [])
    return render(request, "mailings/form.html", {"form": _form(request, m.entity, initial=initial),
                                                  "entity": m.entity, "mailing": m})


@login_required
def mailing_count(request):
    """The count of recipients of the form as typed (htmx partial; one COUNT query)."""
    _writer(request)
    entity = _entity(request, list(selectors.writer_entities(request.user)))
    if entity is None:
        raise Http404
    form = _form(request, entity, request.GET)
    counts, errors = None, []
    if form.is_valid():
        try:
            counts = audience.count(services.criteria_for(actor=request.user, entity=entity, **form.cleaned_data))
        except ValidationError as exc:
            errors = [e for v in exc.message_dict.values() for e in v]
    else:
        errors = [e for v in form.errors.values() for e in v]
    return render(request, "mailings/_count.html", {"counts": counts, "errors": errors})


def _detail_context(request, m, schedule_form=None):
    lang = choice_param(request, "lang", LANGS, default=m.language_for((get_language() or "fr")[:2]))
    lang = m.language_for(lang)
    subject, body = m.text(lang)
    return {
        "mailing": m, "lang": lang, "variants": m.variants, "subject": subject, "html": rendering.to_html(body),
        "kind": Kind(m.kind).label,
        "maturity_labels": [Maturity(v).label for v in m.maturities if v in Maturity.values],
        "status_labels": [MemberStatus(v).label for v in m.statuses if v in MemberStatus.values],
        "counts": audience.count(audience.Criteria.of(m)) if m.is_editable else None,
        "progress": None if m.is_editable else sending.progress(m),
        "failures": [] if m.is_editable else sending.failures(m),
        "may_change": request.user.has_perm("mailings.change_mailing", m),
        "schedule_form": schedule_form or ScheduleForm(initial={"at": m.scheduled_for}),
    }


@login_required
def mailing_detail(request, pk):
    m = get_or_404(selectors.mailing, request.user, pk)
    return render(request, "mailings/detail.html", _detail_context(request, m))


@login_required
def mailing_progress(request, pk):
    m = get_or_404(selectors.mailing, request.user, pk)
    return render(request, "mailings/_progress.html", {"mailing": m, "progress": sending.progress(m),
                                                       "failures": sending.failures(m)})


def _sent_message(m):
    return ngettext("Sending to %(count)s person: follow the progress below.",
                    "Sending to %(count)s people: follow the progress below.", m.count) % {"count": m.count}


@login_required
@require_POST
def mailing_send(request, pk):
    m = get_or_404(selectors.mailing, request.user, pk)
    m.count = audience.count(audience.Criteria.of(m))["total"]
    return run_action(request, services.send_now, mailing=m, redirect_to=reverse("mailings-detail", args=[m.pk]),
                      success=lambda r: _sent_message(m))


@login_required
@require_POST
def mailing_schedule(request, pk):
    m = get_or_404(selectors.mailing, request.user, pk)
    require(request.user, "mailings.change_mailing", m)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        response = run_action(request, services.schedule, mailing=m, at=form.cleaned_data["at"], form=form,
                              redirect_to=reverse("mailings-detail", args=[m.pk]), success=_("Mailing scheduled."))
        if response is not None:
            return response
    return render(request, "mailings/detail.html", _detail_context(request, m, form), status=400)


@login_required
@require_POST
def mailing_unschedule(request, pk):
    m = get_or_404(selectors.mailing, request.user, pk)
    return run_action(request, services.cancel_schedule, mailing=m, success=_("Back to draft: nothing was sent."),
                      redirect_to=reverse("mailings-detail", args=[m.pk]))


@login_required
@require_POST
def mailing_delete(request, pk):
    m = get_or_404(selectors.mailing, request.user, pk)
    return run_action(request, services.delete_mailing, mailing=m, success=_("Draft deleted."),
                      redirect_to=reverse("mailings-list"))


@login_required
@require_POST
def mailing_retry(request, pk):
    m = get_or_404(selectors.mailing, request.user, pk)
    return run_action(request, services.retry_failed, mailing=m, redirect_to=reverse("mailings-detail", args=[m.pk]),
                      success=lambda n: ngettext("%(count)s email will be sent again.",
                                                 "%(count)s emails will be sent again.", n or 0) % {"count": n or 0})


# --- topics of interest (administrators) ----------------------------------------------------------


def _interest_initial(i):
    return {"name_fr": i.name_fr, "name_nl": i.name_nl, "name_en": i.name_en, "position": i.position,
            "archived": i.archived}


@login_required
@require_http_methods(["GET", "POST"])
def interests(request):
    entities = list(selectors.admin_entities(request.user))
    if not entities:
        raise Http404
    entity = _entity(request, entities) or entities[0]
    form = InterestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_interest(actor=request.user, entity=entity, **{
                    **form.cleaned_data, "position": form.cleaned_data["position"] or 0})
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Topic added."))
                return redirect(f"{reverse('mailings-interests')}?entity={entity.pk}")
        status = 400
    rows = Interest.objects.filter(entity=entity).annotate(members=Count("declared")).order_by("archived", "position",
                                                                                              "id")
    return render(request, "mailings/interests.html", {"entity": entity, "entities": entities, "rows": rows,
                                                       "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def interest_edit(request, pk):
    interest = get_or_404(lambda: Interest.objects.select_related("entity").get(
        pk=pk, entity_id__in=selectors.admin_entities(request.user).values("id")))
    if request.method == "POST":
        form = InterestForm(request.POST)
        if form.is_valid():
            try:
                services.save_interest(actor=request.user, entity=interest.entity, interest=interest, **{
                    **form.cleaned_data, "position": form.cleaned_data["position"] or 0})
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Topic saved."))
                return redirect(f"{reverse('mailings-interests')}?entity={interest.entity_id}")
        return render(request, "mailings/interest.html", {"interest": interest, "form": form}, status=400)
    return render(request, "mailings/interest.html", {"interest": interest,
                                                      "form": InterestForm(initial=_interest_initial(interest))})
