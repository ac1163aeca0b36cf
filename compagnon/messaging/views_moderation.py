"""The administrators' moderation queue: reported conversations of their entities, read up to
the message they were reported at, and the decisions (close, warn, suspend), with the suspensions
in force. Anybody who administers no entity gets 404; a report of another entity is a 404 too."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from compagnon.core.params import choice_param, id_param, paginate
from compagnon.core.views_helpers import apply_errors, get_or_404, run_action

from . import moderation, selectors
from .forms import DecisionForm
from .models import ReportState
from .views import _posted, download


def _moderator(request):
    if not selectors.moderates(request.user):
        raise Http404


@login_required
@require_GET
def report_list(request):
    _moderator(request)
    state = choice_param(request, "state", ["open", "decided"], default="open")
    page = paginate(request, selectors.reports(request.user, state=ReportState.OPEN if state == "open" else "decided"),
                    25)
    return render(request, "messaging/reports.html", {
        "page": page, "state": state, "suspensions": list(selectors.suspensions(request.user)[:50]),
    })


DECIDED = {
    "close": gettext_lazy("Report closed."),
    "warn": gettext_lazy("The person reported is warned: they read your note."),
    "suspend": gettext_lazy("The person reported can no longer write messages in this cooperative."),
}


@login_required
def report_page(request, pk):
    report = get_or_404(selectors.report, request.user, pk)
    form = DecisionForm(_posted(request)) if report.state == ReportState.OPEN else None
    if request.method == "POST":
        if form is None:
            messages.info(request, _("This report was already decided."))
            return redirect("messaging-report", pk=report.pk)
        if form.is_valid():
            d = form.cleaned_data
            try:
                moderation.decide_report(actor=request.user, report=report, decision=d["decision"], note=d["note"],
                                         until=d["until"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, str(DECIDED[d["decision"]]))
                return redirect("messaging-reports")
    before = id_param(request, "before")
    rows, earlier = selectors.page_of(selectors.report_messages(report, before=before))
    names = selectors.people_of([report.conversation_id])[report.conversation_id]
    return render(request, "messaging/report.html", {
        "report": report, "rows": rows, "earlier": earlier, "before": before, "people": names, "form": form,
    }, status=400 if form is not None and form.is_bound else 200)


@login_required
@require_GET
def report_attachment(request, pk, file_pk):
    return download(get_or_404(selectors.report_attachment, request.user, pk, file_pk))


@login_required
@require_POST
def suspension_lift(request, pk):
    suspension = get_or_404(selectors.suspension, request.user, pk)
    return run_action(request, moderation.lift_suspension, suspension=suspension, redirect_to="messaging-reports",
                      success=_("%(name)s can write messages again.") % {"name": suspension.user})
