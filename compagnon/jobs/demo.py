"""Demo data: per entity, two jobs declared by a demo member through the service (one for an
existing client, one for a new client without an email, so the checklist shows a missing step),
and in the French entity one job offered to colleagues with a 10 % finder's fee. Texts in the
entity's language. Idempotent: an entity that already has jobs is left alone."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from compagnon.members.models import ActivityMembership, ActivityStatus, MemberStatus

from . import handover, services
from .models import Job


def seed_demo_jobs(entities) -> dict:
    out = {"jobs": 0, "offers": 0}
    today = timezone.localdate()
    for entity in entities:
        if Job.objects.filter(entity=entity).exists():
            continue
        with translation.override(entity.default_language):
            made = _jobs(entity, today)
        out["jobs"] += len(made)
        if made and entity.jurisdiction == "FR":
            handover.offer_job(actor=made[-1].member.user, job=made[-1], client_agreed=True,
                               postcode_prefix=(made[-1].postcode or "")[:2], fee_kind="percent",
                               fee_value=Decimal("10"), note=_("The client would like it done before the holidays."))
            out["offers"] += 1
    return out


def _jobs(entity, today) -> list[Job]:
    m = (ActivityMembership.objects.filter(activity__entity=entity, member__user__isnull=False,
                                           activity__clients__isnull=False)
         .exclude(activity__status=ActivityStatus.CLOSED).exclude(member__status=MemberStatus.LEFT)
         .select_related("activity__entity", "member__user").order_by("activity_id").first())
    if m is None:
        return []
    client = m.activity.clients.filter(archived=False).order_by("id").first()
    city, postcode = (client.city or entity.city), (client.postcode or entity.postcode)
    first = services.declare_job(
        actor=m.member.user, activity=m.activity, client=client, description=_("Repaint the meeting room"),
        amount=Decimal("1800.00"), starts_on=today + datetime.timedelta(days=14),
        ends_on=today + datetime.timedelta(days=16), street=client.street, postcode=postcode, city=city,
    )
    second = services.declare_job(
        actor=m.member.user, activity=m.activity, client_name=_("Mr and Mrs Martin"),
        description=_("Garden clean-up after the storm"), amount=Decimal("650.00"),
        starts_on=today + datetime.timedelta(days=30), ends_on=today + datetime.timedelta(days=30),
        postcode=postcode, city=city,
    )
    return [first, second]


seed = seed_demo_jobs
