"""The fixed assets pages: the list (the assets of the activities you see; the entity's for its
staff) and an asset with its depreciation schedule; bookkeepers change its useful life before any
depreciation is posted and record its disposal. 404 outside your scope, 403 when you see it but
may not act."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon.core.params import choice_param, paginate
from compagnon.core.views_helpers import get_or_404, run_action

from . import selectors, services
from .forms import DisposalForm, YearsForm
from .models import AssetState


@login_required
def asset_list(request):
    state = choice_param(request, "state", AssetState.values)
    return render(
        request,
        "assets/list.html",
        {
            "page": paginate(request, selectors.assets(request.user, state=state), 50),
            "state": state or "",
            "states": AssetState.choices,
        },
    )


@login_required
def asset_detail(request, pk):
    asset = get_or_404(selectors.asset_detail, request.user, pk)
    manage = request.user.has_perm("assets.manage_asset", asset.entity) and not asset.is_disposed
    rows = selectors.schedule_rows(asset)
    return render(
        request,
        "assets/detail.html",
        {
            "asset": asset,
            "rows": rows,
            "can_manage": manage,
            "can_change_years": manage and not any(r["posted"] for r in rows),
            "years_form": YearsForm(initial={"years": asset.years}),
            "disposal_form": DisposalForm(initial={"on": timezone.localdate(), "kind": "sale"}),
        },
    )


def _manage(request, pk):
    asset = get_or_404(selectors.asset_detail, request.user, pk)
    if not request.user.has_perm("assets.manage_asset", asset.entity):
        raise PermissionDenied(
            _("Only the entity's accountants and administrators change its fixed assets.")
        )
    return asset


@login_required
@require_POST
def asset_years(request, pk):
    asset = _manage(request, pk)
    form = YearsForm(request.POST)
    form.is_valid()
    return run_action(
        request,
        services.change_years,
        asset=asset,
        years=form.cleaned_data.get("years"),
        success=_("Useful life changed."),
        redirect_to=reverse("asset-detail", args=[asset.pk]),
    )


@login_required
@require_POST
def asset_dispose(request, pk):
    asset = _manage(request, pk)
    form = DisposalForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    return run_action(
        request,
        services.dispose,
        asset=asset,
        on=data.get("on"),
        kind=data.get("kind", ""),
        price=data.get("price"),
        success=_("Disposal recorded in the books."),
        redirect_to=reverse("asset-detail", args=[asset.pk]),
    )
