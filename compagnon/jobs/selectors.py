"""Reads of jobs for pages and the API, always from the user's scope; the thread of a job reads
the other contexts' rows through their own models, limited to the job's activity and client."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from compagnon import permissions
from compagnon.members.models import ActivityStatus, Member, MemberStatus
from compagnon.sales.models import Document, Kind, State

from .models import Job, JobDocument, JobStep, Offer, OfferState, StepState, WaitingFor

ZERO = Decimal("0")
INVOICE_KINDS = (Kind.INVOICE, Kind.DEPOSIT)


def own_member(user) -> Member | None:
    s = permissions.scope_for(user)
    if s.member_id is None:
        return None
    return Member.objects.select_related("entity", "user", "office").filter(pk=s.member_id).first()


def declarable_activities(user):
    """The open activities the user works in (where they may declare a job)."""
    s = permissions.scope_for(user)
    if not s.member_active:
        return permissions.activities(user).none()
    return (
        permissions.activities(user)
        .filter(memberships__member_id=s.member_id)
        .exclude(status=ActivityStatus.CLOSED)
        .select_related("entity")
        .order_by("name", "id")
        .distinct()
    )


def jobs(user) -> QuerySet[Job]:
    return permissions.scoped_by_activity(user, Job.objects.all()).select_related(
        "activity", "client", "member__user"
    )


def job(user, pk) -> Job:
    return jobs(user).select_related("entity", "member__office", "reservation", "origin_activity").prefetch_related(
        Prefetch("steps", queryset=JobStep.objects.order_by("position", "id")),
        "colleagues__user",
    ).get(pk=pk)


def my_jobs(user) -> QuerySet[Job]:
    """The jobs of the activities the user works in (the member's list)."""
    s = permissions.scope_for(user)
    if s.member_id is None:
        return Job.objects.none()
    return jobs(user).filter(activity__memberships__member_id=s.member_id).distinct()


def steps(user) -> QuerySet[JobStep]:
    return JobStep.objects.filter(job__in=jobs(user)).select_related("job__activity", "job__member__office")


def queue(user) -> QuerySet[JobStep]:
    """Steps waiting for an advisor, of the members of the offices the user advises (or of the
    entities they administer)."""
    s = permissions.scope_for(user)
    if not (s.advisor_offices or s.admin_entities):
        return JobStep.objects.none()
    return (
        JobStep.objects.filter(state=StepState.WAITING, waiting_for=WaitingFor.ADVISOR)
        .filter(Q(job__member__office_id__in=s.advisor_offices) | Q(job__entity_id__in=s.admin_entities))
        .select_related("job__activity", "job__member__user", "job__member__office")
        .order_by("job__starts_on", "id")
    )


# --- offers -------------------------------------------------------------------------------------


def open_offers(user) -> QuerySet[Offer]:
    """Open offers of the member's entity that fit them: no trade asked or one of their trades; no
    zone asked, or their postcode starts with it, or they work in the sector named; an offer made
    to one colleague reaches that colleague only."""
    s = permissions.scope_for(user)
    if not s.member_active:
        return Offer.objects.none()
    member = Member.objects.filter(pk=s.member_id).values("postcode").first() or {"postcode": ""}
    postcode = (member["postcode"] or "").replace(" ", "")
    prefixes = [postcode[:i] for i in range(1, len(postcode) + 1)]
    trades = Member.trades.through.objects.filter(member_id=s.member_id).values("trade_id")
    zone = Q(postcode_prefix="", sector__isnull=True) | Q(postcode_prefix__in=prefixes) | Q(
        sector__memberships__member_id=s.member_id
    )
    fits = Q(colleague__isnull=True) & (Q(trade__isnull=True) | Q(trade_id__in=trades)) & zone
    return (
        Offer.objects.filter(entity_id=s.member_entity_id, state=OfferState.OPEN)
        .exclude(offered_by_id=s.member_id)
        .filter(fits | Q(colleague_id=s.member_id))  # an offer to one colleague: that colleague only
        .select_related("job", "trade", "sector", "offered_by__user")
        .distinct()
    )


def offers_of(user) -> QuerySet[Offer]:
    """Offers the user made or took (their own history)."""
    s = permissions.scope_for(user)
    if s.member_id is None:
        return Offer.objects.none()
    return Offer.objects.filter(Q(offered_by_id=s.member_id) | Q(taken_by_id=s.member_id)).select_related(
        "job", "trade", "sector", "offered_by__user"
    )


def visible_offers(user) -> QuerySet[Offer]:
    return Offer.objects.filter(Q(pk__in=open_offers(user).values("pk")) | Q(pk__in=offers_of(user).values("pk")))


# --- the thread ----------------------------------------------------------------------------------


@dataclass
class Thread:
    documents: list = field(default_factory=list)
    invoiced: Decimal = ZERO
    paid: Decimal = ZERO
    minutes: int = 0
    time_entries: int = 0
    expenses: Decimal = ZERO
    expense_count: int = 0
    subcontracted: Decimal = ZERO  # internal invoices of colleagues' activities for the job's documents
    visits: list = field(default_factory=list)
    offers: list = field(default_factory=list)
    fees: list = field(default_factory=list)

    @property
    def margin(self) -> Decimal:
        return self.invoiced - self.expenses - self.subcontracted

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(Decimal("0.01"))


def documents_of(job: Job) -> list[Document]:
    return list(
        Document.objects.filter(job_links__job=job).select_related("activity", "client").order_by("created_at", "id")
    )


def thread(job: Job) -> Thread:
    """Everything gathered on the job's page: a fixed number of queries."""
    from compagnon.fieldwork.models import Visit, VisitState
    from compagnon.timesheets.models import ExpenseEntry, TimeEntry

    t = Thread(documents=documents_of(job))
    for d in t.documents:
        if d.state == State.DRAFT:
            continue
        if d.kind in INVOICE_KINDS:
            t.invoiced += d.tax_exclusive
            t.paid += d.paid_amount
        elif d.kind == Kind.CREDIT_NOTE:
            t.invoiced -= d.tax_exclusive
    if job.client_id:
        quotes = [d.pk for d in t.documents if d.kind in (Kind.QUOTE, Kind.STATEMENT)]
        period = Q(date__gte=job.starts_on, date__lte=job.ends_on)
        time = TimeEntry.objects.filter(activity_id=job.activity_id, client_id=job.client_id).filter(
            period | Q(quote_id__in=quotes)
        ).aggregate(m=Sum("duration"), n=Count("id"))
        t.minutes, t.time_entries = time["m"] or 0, time["n"] or 0
        exp = ExpenseEntry.objects.filter(activity_id=job.activity_id, client_id=job.client_id).filter(
            period
        ).aggregate(s=Sum("amount"), n=Count("id"))
        t.expenses, t.expense_count = exp["s"] or ZERO, exp["n"] or 0
        t.visits = list(
            Visit.objects.filter(activity_id=job.activity_id, client_id=job.client_id,
                                 day__gte=job.starts_on, day__lte=job.ends_on)
            .exclude(state=VisitState.CANCELLED).order_by("day", "id")[:20]
        )
    t.subcontracted = _subcontracted(job, [d.pk for d in t.documents])
    t.offers = list(job.offers.select_related("taken_by__user", "trade").order_by("-created_at"))
    t.fees = list(job.fees.select_related("payer", "payee").order_by("-id"))
    return t


def _subcontracted(job: Job, document_ids: list[int]) -> Decimal:
    """What colleagues' activities invoiced the job's activity internally for the job's documents
    (compagnon.subcontracting), their internal credit notes deducted: a cost of the job."""
    from compagnon.subcontracting.models import InternalInvoice, InvoiceKind

    if not document_ids:
        return ZERO
    rows = (
        InternalInvoice.objects.filter(subcontract__ordering_id=job.activity_id)
        .filter(Q(client_invoice_id__in=document_ids) | Q(subcontract__client_document_id__in=document_ids))
        .values("kind").annotate(total=Sum("amount")).order_by()
    )
    total = ZERO
    for row in rows:
        total += -row["total"] if row["kind"] == InvoiceKind.CREDIT_NOTE else row["total"]
    return total


def linkable_documents(job: Job) -> QuerySet[Document]:
    """Documents of the job's client in its activity not linked yet (to attach an invoice)."""
    if not job.client_id:
        return Document.objects.none()
    return (
        Document.objects.filter(activity_id=job.activity_id, client_id=job.client_id)
        .exclude(pk__in=JobDocument.objects.filter(job=job).values("document_id"))
        .order_by("-created_at")[:30]
    )


def colleague_choices(member: Member, activity=None) -> QuerySet[Member]:
    """Active members of the activity (other than ``member``), else of the entity."""
    qs = Member.objects.filter(entity_id=member.entity_id).exclude(pk=member.pk).exclude(status=MemberStatus.LEFT)
    if activity is not None:
        qs = qs.filter(activity_memberships__activity=activity)
    return qs.select_related("user").order_by("user__last_name", "user__first_name", "id").distinct()
