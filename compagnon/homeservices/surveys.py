"""Satisfaction surveys: after a visit (contracts invoiced per visit, and one-off visits) or once a
month per contract (contracts invoiced weekly or monthly), the client gets a link to rate the work
(1–5 stars and a comment), once. A member reads the answers about their own work only; a sector
reads its averages, shown from 5 answers on and never person by person: no ranking of people.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from compagnon.fieldwork.models import InvoicingPeriod

from .models import Survey

MIN_ANSWERS = 5


def public_url(survey: Survey) -> str:
    base = (getattr(settings, "PORTAL_BASE_URL", "") or "http://localhost:8000").rstrip("/")
    return base + reverse("homeservices-survey", args=[survey.token])


def for_sheet(sheet) -> Survey | None:
    """The survey a validated sheet calls for: per visit, or the contract's survey of the month."""
    visit = sheet.visit
    contract = visit.contract
    common = {
        "activity_id": visit.activity_id,
        "client_id": visit.client_id,
        "member_id": visit.member_id,
        "sector_id": visit.sector_id,
    }
    day = visit.day or timezone.localdate()
    try:
        with transaction.atomic():
            if contract is not None and contract.invoicing != InvoicingPeriod.VISIT:
                survey, created = Survey.objects.get_or_create(
                    contract=contract, month=day.replace(day=1), defaults=common
                )
            else:
                if Survey.objects.filter(visit=visit).exists():
                    return None
                survey, created = (
                    Survey.objects.create(visit=visit, contract=contract, **common),
                    True,
                )
    except IntegrityError:  # the same sheet twice at once: the other call made it
        return None
    return survey if created else None


def send(survey: Survey) -> bool:
    """Email the client the survey's link (once)."""
    from compagnon.core.tasks import send_email

    client = survey.client
    if not client.email or survey.sent_at:
        return False
    with translation.override(client.language or "fr"):
        subject = _("How did it go? Two taps to tell us")
        body = _(
            "Hello,\n\nHow was the work done at your home? Give it 1 to 5 stars and, if you like, a word:\n%(url)s\n\n"
            "Thank you."
        ) % {"url": public_url(survey)}
    if Survey.objects.filter(pk=survey.pk, sent_at__isnull=True).update(sent_at=timezone.now()):
        transaction.on_commit(
            lambda: send_email.enqueue(to=[client.email], subject=subject, body=body)
        )
        return True
    return False


@transaction.atomic
def answer(*, survey: Survey, stars, comment: str = "") -> Survey:
    survey = Survey.objects.select_for_update(of=("self",)).get(pk=survey.pk)
    if survey.answered_at is not None:
        raise ValidationError(_("You already answered this survey. Thank you!"))
    try:
        stars = int(stars)
    except (TypeError, ValueError):
        stars = 0
    if not 1 <= stars <= 5:
        raise ValidationError({"stars": _("Choose from 1 to 5 stars.")})
    comment = (comment or "").strip()
    if len(comment) > 2000:
        raise ValidationError({"comment": _("The comment can be at most 2000 characters long.")})
    survey.stars, survey.comment, survey.answered_at = stars, comment, timezone.now()
    survey.save(update_fields=["stars", "comment", "answered_at"])
    return survey


@dataclass
class Summary:
    answers: int
    average: Decimal | None


def summary(queryset) -> Summary:
    row = queryset.filter(answered_at__isnull=False).aggregate(n=Count("id"), avg=Avg("stars"))
    avg = Decimal(str(row["avg"])).quantize(Decimal("0.1")) if row["avg"] is not None else None
    return Summary(row["n"], avg)


def sector_summaries(sector_ids) -> list[dict]:
    """Each sector's average, only once it has at least ``MIN_ANSWERS`` answers (anonymised)."""
    from compagnon.fieldwork.models import Sector

    rows = (
        Survey.objects.filter(sector_id__in=sector_ids, answered_at__isnull=False)
        .values("sector_id")
        .annotate(n=Count("id"), avg=Avg("stars"))
    )
    by_id = {r["sector_id"]: r for r in rows}
    out = []
    for sector in Sector.objects.filter(pk__in=sector_ids).order_by("name", "id"):
        r = by_id.get(sector.pk, {"n": 0, "avg": None})
        shown = r["n"] >= MIN_ANSWERS
        out.append(
            {
                "sector": sector,
                "id": sector.pk,
                "name": sector.name,
                "answers": r["n"],
                "shown": shown,
                "average": Decimal(str(r["avg"])).quantize(Decimal("0.1")) if shown else None,
            }
        )
    return out


def send_monthly(today) -> int:
    """Send the monthly surveys of the months that are over (once each)."""
    first = today.replace(day=1)
    sent = 0
    for survey in Survey.objects.filter(month__lt=first, sent_at__isnull=True).select_related(
        "client"
    ):
        with transaction.atomic():
            sent += 1 if send(survey) else 0
    return sent
