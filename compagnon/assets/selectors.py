"""Reads of fixed assets, always through the permission layer: an asset exists for a user only
through an activity they may see (members their own, advisors their members', staff the entity's)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from compagnon import permissions

from .models import Asset, Depreciation


def assets(user, *, state: str | None = None) -> QuerySet[Asset]:
    qs = permissions.scoped_by_activity(user, Asset.objects.select_related("activity", "entity"))
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-acquired_on", "-id")


def asset_detail(user, pk: int) -> Asset:
    """The asset if ``user`` may see it; Asset.DoesNotExist otherwise (views: 404)."""
    return (
        assets(user)
        .select_related("invoice", "disposal_entry__journal")
        .prefetch_related(
            Prefetch(
                "depreciations", queryset=Depreciation.objects.select_related("entry__journal")
            )
        )
        .get(pk=pk)
    )


def schedule_rows(asset: Asset) -> list[dict]:
    """The schedule with what is posted: each year's allowance, accumulated, book value, entry."""
    posted = {d.year: d for d in asset.depreciations.all()}
    rows = []
    for period in asset.periods:
        if asset.disposed_on and period.year > asset.disposed_on.year:
            break
        done = posted.pop(period.year, None)
        rows.append(
            {"period": period, "posted": done, "amount": done.amount if done else period.amount}
        )
    return rows
