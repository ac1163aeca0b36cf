"""The steps a declaration runs, one function each, and their explanation in words.

Each runner returns a ``Result``; :func:`run` stores it on the job's ``JobStep`` row. A step that
raises (``ValidationError``, ``PermissionDenied``) is rolled back alone (a savepoint) and recorded
as *missing* with the message: the job and the other steps stay.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from compagnon import jurisdictions
from compagnon.core.formatting import money
from compagnon.sales.models import Kind, PaymentState, State

from .models import (
    MATURITY_ORDER,
    STEP_ORDER,
    AutoFrom,
    Job,
    JobDocument,
    JobSettings,
    JobStep,
    StepKind,
    StepState,
    WaitingFor,
)


@dataclass
class Result:
    state: str
    code: str
    params: dict = field(default_factory=dict)
    waiting_for: str = ""
    missing: list = field(default_factory=list)
    data: dict = field(default_factory=dict)
    automatic: bool = False


def settings_for(entity) -> JobSettings:
    return JobSettings.objects.filter(entity_id=entity.pk).first() or JobSettings(entity=entity)


def automatic_for(member, settings: JobSettings) -> bool:
    """Registrations are automatic from the entity's maturity level (compared the way
    prefinancing compares them); ``never`` sends every one to the advisor."""
    level = settings.registration_automatic_from
    if level == AutoFrom.NEVER or member.maturity not in MATURITY_ORDER or level not in MATURITY_ORDER:
        return False
    return MATURITY_ORDER.index(member.maturity) >= MATURITY_ORDER.index(level)


def kinds_for(job: Job, settings: JobSettings) -> list[str]:
    kinds = [StepKind.CLIENT, StepKind.DOCUMENT, StepKind.PLANNING, StepKind.INSURANCE]
    if job.entity.jurisdiction == "BE" and _days(job) <= settings.short_engagement_days:
        kinds.append(StepKind.WORKING_DAYS)
    if job.wants_prefinancing:
        kinds.append(StepKind.PREFINANCING)
    return [k.value for k in kinds]


def _days(job: Job) -> int:
    return (job.ends_on - job.starts_on).days + 1


def standard_rate(entity) -> Decimal:
    rules = jurisdictions.get(entity.jurisdiction)
    try:
        return rules.vat_rate("standard").rate
    except LookupError:
        return max(r.rate for r in rules.vat_rates)


# --- runners ---------------------------------------------------------------------------------------


def _client(job: Job, *, actor, ctx) -> Result:
    from compagnon.clients.services import create_client

    if job.client_id is None:
        if not job.client_name:
            return Result(StepState.MISSING, "client_name", missing=["client_name"])
        fields = {"name": job.client_name, "email": job.client_email,
                  "kind": "company" if job.client_is_company else "individual",
                  "street": job.street, "postcode": job.postcode, "city": job.city}
        job.client = create_client(actor=actor, activity=job.activity, **fields)
        Job.objects.filter(pk=job.pk).update(client=job.client)
        code = "client_created"
    else:
        code = "client_found"
    if not job.client.email:
        return Result(StepState.MISSING, code, {"name": job.client.name}, missing=["client_email"],
                      data={"client": job.client_id})
    return Result(StepState.DONE, code, {"name": job.client.name}, data={"client": job.client_id})


def _document(job: Job, *, actor, ctx) -> Result:
    from compagnon.sales.services import create_document

    existing = ctx.get("document")
    if existing is None:
        existing = (JobDocument.objects.filter(job=job, document__kind__in=[Kind.QUOTE, Kind.STATEMENT])
                    .select_related("document").first())
        existing = existing.document if existing else None
    if existing is None:
        if job.client_id is None:
            return Result(StepState.MISSING, "needs_client", missing=["client_name"])
        line = {"description": job.description, "quantity": Decimal("1"), "unit": "LS",
                "unit_price": job.amount, "vat_category": "S", "vat_rate": standard_rate(job.entity)}
        existing = create_document(actor=actor, activity=job.activity, client=job.client, kind=job.document_kind,
                                   lines=[line], title=job.description[:200])
        JobDocument.objects.create(job=job, document=existing)
    ctx["document"] = existing
    return Result(StepState.WAITING, "document_drafted", {"kind": existing.get_kind_display()},
                  waiting_for=WaitingFor.MEMBER, data={"document": existing.pk})


def _planning(job: Job, *, actor, ctx) -> Result:
    from compagnon.fieldwork.models import Visit, VisitState
    from compagnon.fieldwork.services_planning import add_unavailability

    if job.reservation_id is None:
        tz = timezone.get_current_timezone()
        start = datetime.datetime.combine(job.starts_on, datetime.time(0), tzinfo=tz)
        end = datetime.datetime.combine(job.ends_on + datetime.timedelta(days=1), datetime.time(0), tzinfo=tz)
        job.reservation = add_unavailability(actor=actor, member=job.member, starts_at=start, ends_at=end,
                                             reason=(_("Job: %(what)s") % {"what": job.description})[:200])
        Job.objects.filter(pk=job.pk).update(reservation=job.reservation)
    r = job.reservation
    visits = (Visit.objects.filter(member_id=job.member_id, starts_at__lt=r.ends_at, starts_at__gte=r.starts_at)
              .exclude(state=VisitState.CANCELLED).count())
    data = {"reservation": r.pk, "visits": visits}
    if visits:
        return Result(StepState.DONE, "reserved_with_visits", {"count": visits}, data=data)
    return Result(StepState.DONE, "reserved", data=data)


def _registration(job: Job, *, actor, ctx, kind: str) -> Result:
    data = {"country": job.entity.country, "from": job.starts_on.isoformat(), "until": job.ends_on.isoformat(),
            "place": job.place}
    if kind == StepKind.WORKING_DAYS:
        data["days"] = [(job.starts_on + datetime.timedelta(days=i)).isoformat() for i in range(_days(job))]
    elif not (job.postcode and job.city):
        return Result(StepState.MISSING, "address", missing=["address"], data=data)
    if automatic_for(job.member, ctx["settings"]):
        return Result(StepState.DONE, "registered_auto", data=data, automatic=True)
    return Result(StepState.WAITING, "waiting_advisor", waiting_for=WaitingFor.ADVISOR, data=data)


def _prefinancing(job: Job, *, actor, ctx) -> Result:
    from compagnon.prefinancing.models import AdvanceState
    from compagnon.prefinancing.services import request_advance

    invoice = (JobDocument.objects.filter(job=job, document__kind=Kind.INVOICE, document__activity_id=job.activity_id)
               .exclude(document__state=State.DRAFT)
               .filter(document__payment_state__in=[PaymentState.AWAITING, PaymentState.PARTIAL])
               .select_related("document").first())
    if invoice is None:
        return Result(StepState.MISSING, "needs_invoice", missing=["invoice"])
    advance = request_advance(actor=actor, document=invoice.document)
    data = {"advance": advance.pk, "amount": str(advance.amount)}
    if advance.state == AdvanceState.APPROVED:
        return Result(StepState.DONE, "advance_approved", {"amount": advance.amount}, data=data, automatic=True)
    return Result(StepState.WAITING, "advance_asked", {"amount": advance.amount},
                  waiting_for=WaitingFor.COOPERATIVE, data=data)


RUNNERS = {
    StepKind.CLIENT: _client,
    StepKind.DOCUMENT: _document,
    StepKind.PLANNING: _planning,
    StepKind.INSURANCE: lambda job, **kw: _registration(job, kind=StepKind.INSURANCE, **kw),
    StepKind.WORKING_DAYS: lambda job, **kw: _registration(job, kind=StepKind.WORKING_DAYS, **kw),
    StepKind.PREFINANCING: _prefinancing,
}


def _messages(exc) -> list[str]:
    if isinstance(exc, ValidationError):
        return [str(m) for m in exc.messages]
    return [str(exc) or _("You are not allowed to do this.")]


def run(job: Job, kind: str, *, actor, ctx: dict, step: JobStep | None = None) -> JobStep:
    """Run one step in its own savepoint and store what came out (a new row, or ``step``)."""
    try:
        with transaction.atomic():
            result = RUNNERS[kind](job, actor=actor, ctx=ctx)
    except (ValidationError, PermissionDenied) as exc:
        result = Result(StepState.MISSING, "refused", {"messages": _messages(exc)})
    step = step or JobStep(job=job, kind=kind, position=STEP_ORDER.index(kind))
    step.state, step.waiting_for, step.automatic = result.state, result.waiting_for, result.automatic
    step.note = {"code": result.code, "params": {k: v if isinstance(v, list) else str(v)
                                                  for k, v in result.params.items()}}
    step.missing, step.data = result.missing, result.data
    step.decided_by = actor if result.state == StepState.DONE and not result.automatic else None
    return step


# --- in words --------------------------------------------------------------------------------------

MISSING_LABELS = {
    "client_name": lambda: _("client name missing"),
    "client_email": lambda: _("client email missing"),
    "address": lambda: _("address of the work missing"),
    "invoice": lambda: _("an issued invoice of this job is needed"),
}


def missing_texts(step: JobStep) -> list[str]:
    return [MISSING_LABELS[m]() if m in MISSING_LABELS else m for m in step.missing]


def explain(step: JobStep) -> str:
    note = step.note or {}
    code, p = note.get("code", ""), note.get("params", {})
    n = int(p.get("count", "0") or 0)
    texts = {
        "client_name": lambda: _("Type the client's name or choose a client."),
        "client_created": lambda: _("Client %(name)s created.") % p,
        "client_found": lambda: _("Client %(name)s found.") % p,
        "needs_client": lambda: _("The document waits for the client."),
        "document_drafted": lambda: _("Draft %(kind)s ready: check it and OK it, then send it.") % p,
        "reserved": lambda: _("The dates are reserved: the field planning will not book you then."),
        "reserved_with_visits": lambda: ngettext(
            "The dates are reserved, but %(count)s visit is already planned then: move it or ask a colleague.",
            "The dates are reserved, but %(count)s visits are already planned then: move them or ask a colleague.",
            n) % {"count": n},
        "address": lambda: _("The cooperative registers the work at its address: add it."),
        "registered_auto": lambda: _("Registered with the cooperative automatically."),
        "waiting_advisor": lambda: _("Waiting for your advisor."),
        "needs_invoice": lambda: _("Prefinancing is asked on an issued invoice: issue the invoice of this job, "
                                   "link it here and tap OK."),
        "advance_approved": lambda: _("Advance of %(amount)s approved.") % {"amount": money(p.get("amount"))},
        "advance_asked": lambda: _("Advance of %(amount)s asked: the cooperative decides.")
        % {"amount": money(p.get("amount"))},
        "refused": lambda: " ".join(p.get("messages", [])),
        "validated": lambda: _("Validated by your advisor."),
        "ok": lambda: _("OK given."),
        "held": lambda: _("You hold this step: tap OK to run it."),
    }
    fn = texts.get(code)
    return fn() if fn else code
