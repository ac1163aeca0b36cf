"""Demo data: a proposed plan for next week of the demo's first sector of gardeners (called by
seed_demo after ``fieldwork.demo.seed_fieldwork``)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from compagnon.fieldwork.models import Sector

from . import problem as plans
from . import services
from .models import Proposal


def seed_demo_planning(entity, *, today: datetime.date | None = None, seconds: int = 2) -> dict:
    """Propose next week's plan for ``entity``'s first sector (by name), computed at once, by its
    lead. Idempotent: nothing is done when the sector already has a proposal."""
    sector = (
        Sector.objects.filter(entity=entity, lead__isnull=False)
        .select_related("lead__user")
        .order_by("name", "id")
        .first()
    )
    if sector is None or Proposal.objects.filter(sector=sector).exists():
        return {"proposals": 0}
    today = today or timezone.localdate()
    monday = plans.monday_of(today) + datetime.timedelta(days=7)
    proposal = services.propose(actor=sector.lead.user, sector=sector, week=monday)
    Proposal.objects.filter(pk=proposal.pk).update(seconds=seconds)
    services.compute(proposal.pk)  # the task enqueued after commit finds it computed: nothing more
    proposal.refresh_from_db()
    return {
        "proposals": 1,
        "planned": proposal.items.exclude(member=None).count(),
        "travel": proposal.travel_minutes,
    }
