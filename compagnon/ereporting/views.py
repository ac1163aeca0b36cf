"""Pages for the entity's accountants: the e-reports of each period (build, check against the books,
download, send) and the platform inbox (supplier invoices waiting for an activity, invoice
statuses received). Entities come from the permission layer: 404 outside the user's scope."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from compagnon import permissions
from compagnon.core.params import paginate
from compagnon.core.views_helpers import apply_errors
from compagnon.members.models import Activity

from . import builder, inbox, pdp, selectors, services
from .models import EReportingSettings, LifecycleStatus, PlatformFlow, Regime, Report, ReportKind


def _entity(request, entity_pk):
    entity = permissions.entities(request.user).filter(pk=entity_pk).first()
    if entity is None:
        raise Http404
    if not request.user.has_perm("ereporting.view_report", entity):
        raise PermissionDenied(_("Only the accountants and administrators of %(entity)s see its e-reports.")
                               % {"entity": entity.name})
    return entity


class SettingsForm(forms.ModelForm):
    class Meta:
        model = EReportingSettings
        fields = ["regime", "send_automatically"]


class RouteForm(forms.Form):
    activity = forms.ModelChoiceField(label=gettext_lazy("Activity"), queryset=Activity.objects.none())

    def __init__(self, *args, entity, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = Activity.objects.filter(entity=entity).order_by("name")


@login_required
def index(request):
    entities = [e for e in permissions.entities(request.user).filter(jurisdiction="FR").order_by("name")
                if request.user.has_perm("ereporting.view_report", e)]
    if len(entities) == 1:
        return redirect("ereporting-entity", entity_pk=entities[0].pk)
    return render(request, "ereporting/index.html", {"entities": entities})


def _months(today: datetime.date, count: int = 3) -> list[datetime.date]:
    first, out = today.replace(day=1), []
    for _i in range(count):
        out.append(first)
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return out


@login_required
def entity_reports(request, entity_pk):
    entity = _entity(request, entity_pk)
    conf = services.settings_for(entity)
    today = services.today()
    reports = {(r.kind, r.period_start): r for r in selectors.latest_reports(entity)}
    months = []
    for month in _months(today):
        rows = []
        for kind in ReportKind.values:
            for start, end in builder.periods(conf.regime, kind, month.year, month.month):
                rows.append({"kind": kind, "label": ReportKind(kind).label, "start": start, "end": end,
                             "over": end < today, "report": reports.get((kind, start))})
        months.append({"month": month, "rows": rows})
    form = SettingsForm(instance=conf)
    return render(request, "ereporting/entity.html", {
        "entity": entity, "months": months, "form": form, "platform": pdp.configured(),
        "waiting": PlatformFlow.objects.filter(entity=entity, file__gt="", invoice__isnull=True).count(),
        "regimes": Regime.choices,
    })


@login_required
@require_POST
def entity_settings(request, entity_pk):
    entity = _entity(request, entity_pk)
    if not request.user.has_perm("ereporting.send_report", entity):
        raise PermissionDenied
    form = SettingsForm(request.POST, instance=services.settings_for(entity))
    if form.is_valid():
        form.save()
        messages.success(request, _("E-reporting settings saved."))
    else:
        messages.error(request, _("The settings were not saved: %(errors)s")
                       % {"errors": "; ".join(e for errs in form.errors.values() for e in errs)})
    return redirect("ereporting-entity", entity_pk=entity.pk)


@login_required
@require_POST
def build(request, entity_pk):
    entity = _entity(request, entity_pk)
    try:
        kind = request.POST.get("kind", "")
        start = datetime.date.fromisoformat(request.POST.get("start", ""))
        end = datetime.date.fromisoformat(request.POST.get("end", ""))
    except ValueError:
        messages.error(request, _("Choose a period from the list."))
        return redirect("ereporting-entity", entity_pk=entity.pk)
    try:
        report = services.build_report(actor=request.user, entity=entity, kind=kind, start=start, end=end)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("ereporting-entity", entity_pk=entity.pk)
    if report.proof.get("ok"):
        messages.success(request, _("Report built: its amounts match the books."))
    else:
        messages.warning(request, _("Report built, but its amounts do not match the books: see below why."))
    return redirect("ereporting-report", pk=report.pk)


def _report(request, pk) -> Report:
    report = selectors.report(request.user, pk)
    if report is None:
        raise Http404
    return report


@login_required
def report_detail(request, pk):
    report = _report(request, pk)
    history = selectors.versions(report)
    return render(request, "ereporting/report.html", {
        "report": report, "entity": report.entity, "history": history, "platform": pdp.configured(),
        "documents": selectors.report_documents(report)[:200],
    })


@login_required
def report_download(request, pk):
    report = _report(request, pk)
    return FileResponse(report.file.open("rb"), as_attachment=True, filename=report.file_name,
                        content_type="application/xml")


@login_required
@require_POST
def report_send(request, pk):
    report = _report(request, pk)
    try:
        services.send_report(actor=request.user, report=report)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except pdp.PlatformError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Report sent to the platform. Its answer shows here when it arrives."))
    return redirect("ereporting-report", pk=report.pk)


@login_required
def platform_inbox(request, entity_pk):
    entity = _entity(request, entity_pk)
    waiting = PlatformFlow.objects.filter(entity=entity, file__gt="", invoice__isnull=True).order_by("-created_at")
    statuses = LifecycleStatus.objects.filter(entity=entity).select_related("document").order_by("-at", "-id")
    return render(request, "ereporting/inbox.html", {
        "entity": entity, "waiting": [(flow, RouteForm(entity=entity, prefix=f"f{flow.pk}")) for flow in waiting[:50]],
        "page": paginate(request, statuses, 50), "platform": pdp.configured(),
    })


@login_required
@require_POST
def platform_route(request, entity_pk, flow_pk):
    entity = _entity(request, entity_pk)
    flow = PlatformFlow.objects.filter(entity=entity, pk=flow_pk).first()
    if flow is None:
        raise Http404
    form = RouteForm(request.POST, entity=entity, prefix=f"f{flow.pk}")
    if form.is_valid():
        try:
            invoice = inbox.route(actor=request.user, flow=flow, activity=form.cleaned_data["activity"])
        except ValidationError as exc:
            apply_errors(form, exc)
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Invoice given to %(activity)s: it waits there for approval.")
                             % {"activity": invoice.activity.name})
    else:
        messages.error(request, _("Choose the activity this invoice is for."))
    return redirect("ereporting-inbox", entity_pk=entity.pk)
