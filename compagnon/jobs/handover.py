"""Handing a job over to a colleague.

The member offers a job (its client request) to colleagues of the entity, filtered by trade and
zone, with a note and an optional finder's fee agreed in advance, and confirms that the client
agreed to be handed over (the consent record: who confirmed, when). A colleague takes the offer
into one of their activities: the client is copied there (the original is archived: its issued
documents stay with the original activity, untouched), the job's drafts are copied and the
originals deleted, the job and its steps move, the dates are reserved in the taker's planning and
the registrations run again for the taker. The fee waits, pending, for the taker's invoice to be
paid (``fees.py``).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.members.models import Activity, ActivityStatus, Member

from . import steps
from .models import (
    FeeKind,
    FinderFee,
    Job,
    JobDocument,
    JobStep,
    Offer,
    OfferState,
    StepKind,
    StepState,
)

CLIENT_COPY = ["kind", "name", "email", "phone", "language", "payment_terms_days", "street", "postcode", "city",
               "country", "site_street", "site_postcode", "site_city", "company_number", "vat_number", "notes"]
RERUN = (StepKind.PLANNING, StepKind.INSURANCE, StepKind.WORKING_DAYS)


def _audit(actor, offer: Offer, action: str, message: str, **params):
    job = offer.job
    record(actor=actor, action=f"jobs.{action}", obj=offer, message=message,
           params={"job": job.description, **params}, entity=offer.entity, activity=job.activity, member=job.member)


def check_fee(fee_kind: str, fee_value) -> Decimal:
    value = Decimal(fee_value or 0)
    if fee_kind not in FeeKind.values:
        raise ValidationError({"fee_kind": _("Choose no fee, a percentage or a fixed amount.")})
    if fee_kind == FeeKind.NONE:
        return Decimal("0")
    if value <= 0:
        raise ValidationError({"fee_value": _("Type the fee agreed: above zero.")})
    if fee_kind == FeeKind.PERCENT and value > 100:
        raise ValidationError({"fee_value": _("A percentage is at most 100.")})
    return value.quantize(Decimal("0.01"))


@transaction.atomic
def offer_job(*, actor, job: Job, client_agreed: bool, note: str = "", trade=None, postcode_prefix: str = "",
              sector=None, fee_kind: str = FeeKind.NONE, fee_value=0, colleague=None) -> Offer:
    job = Job.objects.select_for_update(of=("self",)).select_related("entity", "activity", "member").get(pk=job.pk)
    require(actor, "jobs.act", job)
    if not client_agreed:
        raise ValidationError({"client_agreed": _(
            "Ask the client first: their details go to a colleague only with their agreement.")})
    if job.offers.filter(state=OfferState.OPEN).exists():
        raise ValidationError({"job": _("This job is already offered to colleagues.")})
    if sector is not None and sector.entity_id != job.entity_id:
        raise ValidationError({"sector": _("Choose a sector of your cooperative.")})
    value = check_fee(fee_kind, fee_value)
    me = Member.objects.get(user=actor)
    if colleague is not None and (colleague.entity_id != job.entity_id or colleague.pk == me.pk):
        raise ValidationError({"colleague": _("Choose a colleague of your cooperative.")})
    offer = Offer.objects.create(
        job=job, entity=job.entity, offered_by=me, from_activity=job.activity, trade=trade,
        postcode_prefix=(postcode_prefix or "").replace(" ", "")[:8], sector=sector, note=(note or "").strip()[:2000],
        colleague=colleague, fee_kind=fee_kind, fee_value=value, client_consent_at=timezone.now(), client_consent_by=actor,
    )
    _audit(actor, offer, "offered", gettext_noop("Job %(job)s offered to colleagues; the client's agreement "
                                                 "confirmed by the member"))
    return offer


@transaction.atomic
def withdraw_offer(*, actor, offer: Offer) -> Offer:
    offer = Offer.objects.select_for_update(of=("self",)).select_related("job__activity", "job__member").get(
        pk=offer.pk)
    require(actor, "jobs.act", offer.job)
    if offer.state != OfferState.OPEN:
        raise ValidationError({"offer": _("This offer is no longer open.")})
    offer.state = OfferState.WITHDRAWN
    offer.save(update_fields=["state"])
    _audit(actor, offer, "offer_withdrawn", gettext_noop("Offer of job %(job)s withdrawn"))
    return offer


def _copy_client(actor, client, activity):
    """The client in the taker's activity, with its relationship log's meetings and open
    commitments (reflections are the finder's own notes: they stay)."""
    from django.db.models import Q

    from compagnon.clients.models import COMMITMENT_KINDS, EntryKind
    from compagnon.clients.services import add_relationship_entry, create_client

    copy = create_client(actor=actor, activity=activity, **{f: getattr(client, f) for f in CLIENT_COPY
                                                          if getattr(client, f) not in (None, "")})
    kept = Q(kind=EntryKind.MEETING) | Q(kind__in=COMMITMENT_KINDS, done=False)
    for entry in client.relationship_entries.filter(kept).order_by("date", "id")[:200]:
        add_relationship_entry(actor=actor, client=copy, kind=entry.kind, title=entry.title, date=entry.date,
                               body=entry.body, due_on=entry.due_on)
    return copy


def _move_drafts(actor, giver_user, job: Job, client, activity) -> None:
    """Drafts are copied into the taker's activity (same lines and texts) and the originals
    deleted; issued documents stay linked, in the original activity."""
    from compagnon.sales.services import DRAFT_FIELDS, LINE_FIELDS, create_document, delete_draft

    links = list(JobDocument.objects.filter(job=job).select_related("document"))
    for link in links:
        doc = link.document
        if not doc.is_draft:
            continue
        lines = [{f: getattr(line, f) for f in LINE_FIELDS} for line in doc.lines.order_by("position")]
        fields = {f: getattr(doc, f) for f in DRAFT_FIELDS if getattr(doc, f) not in (None, "")}
        copy = create_document(actor=actor, activity=activity, client=client, kind=doc.kind, lines=lines, **fields)
        JobDocument.objects.create(job=job, document=copy)
        link.delete()
        delete_draft(actor=giver_user, document=doc)


@transaction.atomic
def take_offer(*, actor, offer: Offer, activity: Activity) -> Job:
    """Take an open offer into ``activity`` (one of the taker's): the client, the drafts and the
    job move; the fee is recorded pending."""
    from compagnon.clients.services import archive_client
    from compagnon.fieldwork.services_planning import delete_unavailability

    offer = Offer.objects.select_for_update(of=("self",)).select_related(
        "job__entity", "job__activity", "job__member__user", "job__client", "job__reservation__member__entity",
        "offered_by__user").get(pk=offer.pk)
    require(actor, "jobs.take_offer", offer)
    if offer.state != OfferState.OPEN:
        raise ValidationError({"offer": _("A colleague took this offer already, or it was withdrawn.")})
    if not actor.has_perm("members.work_in_activity", activity) or activity.entity_id != offer.entity_id:
        raise ValidationError({"activity": _("Choose one of your own activities.")})
    if activity.status == ActivityStatus.CLOSED:
        raise ValidationError({"activity": _("This activity is closed: it takes no new jobs.")})
    if activity.pk == offer.job.activity_id:
        raise ValidationError({"activity": _("Choose another activity than the one offering the job.")})
    taker = Member.objects.get(user=actor)
    job, giver = offer.job, offer.offered_by.user
    origin = job.activity
    client = _copy_client(actor, job.client, activity) if job.client_id else None
    _move_drafts(actor, giver, job, client, activity)
    if job.client_id:
        try:
            with transaction.atomic():
                archive_client(actor=giver, client=job.client)
        except PermissionDenied:
            pass  # the giver left the activity: the client stays as it is
    if job.reservation_id:
        try:
            with transaction.atomic():
                delete_unavailability(actor=giver, unavailability=job.reservation)
        except PermissionDenied:
            pass
    Job.objects.filter(pk=job.pk).update(activity=activity, member=taker, client=client, reservation=None,
                                         origin_activity=origin)
    job.activity, job.member, job.client, job.reservation, job.origin_activity = activity, taker, client, None, origin
    job.colleagues.clear()
    ctx = {"settings": steps.settings_for(job.entity)}
    for step in JobStep.objects.filter(job=job, kind__in=RERUN):
        steps.run(job, step.kind, actor=actor, ctx=ctx, step=step).save()
    client_step = JobStep.objects.filter(job=job, kind=StepKind.CLIENT).first()
    if client_step is not None and client is not None:
        steps.run(job, StepKind.CLIENT, actor=actor, ctx=ctx, step=client_step).save()
    doc_step = JobStep.objects.filter(job=job, kind=StepKind.DOCUMENT).first()
    if doc_step is not None and doc_step.state == StepState.DONE:
        doc_step.state, doc_step.waiting_for = StepState.WAITING, "member"  # the taker checks the copy
        doc_step.note = {"code": "document_drafted", "params": doc_step.note.get("params", {})}
        doc_step.save(update_fields=["state", "waiting_for", "note", "updated_at"])
    offer.state, offer.taken_by, offer.to_activity, offer.taken_at = OfferState.TAKEN, taker, activity, timezone.now()
    offer.save(update_fields=["state", "taken_by", "to_activity", "taken_at"])
    if offer.fee_kind != FeeKind.NONE:
        FinderFee.objects.create(offer=offer, job=job, payer=activity, payee=origin, kind=offer.fee_kind,
                                 value=offer.fee_value)
    _audit(actor, offer, "offer_taken", gettext_noop("Job %(job)s taken over by %(taker)s"), taker=str(taker))
    return job
