"""Who a mailing reaches, computed in the database.

The audience of a mailing is the members of its entity who have not left (and whose account is
active) matching every criterion given — offices, postcode prefixes, trades (declared on the
profile or the trade of one of their open activities), maturities, statuses, declared interests —
an empty criterion matching everyone. Each member's preference for the mailing's kind then
decides how they get it: ``email`` (by email; in the news list too when the mailing is published
as news), ``app`` (in the news list only), ``none`` (not at all). Without a preference row, the
default (by email). A service message ignores preferences: everyone by email.

``count`` answers in ONE query (a COUNT with conditional counts); ``queue`` writes one
``Delivery`` per recipient in ONE statement (``INSERT … SELECT … ON CONFLICT DO NOTHING`` on
PostgreSQL, ``INSERT OR IGNORE … SELECT`` on SQLite), so queuing twice writes nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from compagnon.members.models import ActivityMembership, ActivityStatus, Member, MemberStatus

from .models import DEFAULT_MODE, Delivery, EmailState, Mailing, MemberInterest, Mode

LIVE_STATUSES = [s for s in MemberStatus.values if s != MemberStatus.LEFT]


@dataclass
class Criteria:
    entity_id: int
    kind: str
    is_service: bool = False
    send_email: bool = True
    publish_news: bool = False
    office_ids: list[int] = field(default_factory=list)
    trade_ids: list[int] = field(default_factory=list)
    interest_ids: list[int] = field(default_factory=list)
    postcode_prefixes: list[str] = field(default_factory=list)
    maturities: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, mailing: Mailing) -> Criteria:
        """A saved mailing's criteria (its offices, trades and interests: read once, or taken from
        ``prefetch_related`` when the caller did it)."""
        return cls(
            entity_id=mailing.entity_id, kind=mailing.kind, is_service=mailing.is_service,
            send_email=mailing.send_email, publish_news=mailing.publish_news,
            office_ids=sorted(o.pk for o in mailing.offices.all()),
            trade_ids=sorted(t.pk for t in mailing.trades.all()),
            interest_ids=sorted(i.pk for i in mailing.interests.all()),
            postcode_prefixes=list(mailing.postcode_prefixes or []), maturities=list(mailing.maturities or []),
            statuses=list(mailing.statuses or []),
        )


def matching(c: Criteria) -> QuerySet[Member]:
    """The members matching the criteria, before preferences."""
    qs = Member.objects.filter(entity_id=c.entity_id, user__is_active=True,
                               status__in=[s for s in (c.statuses or LIVE_STATUSES) if s in LIVE_STATUSES])
    if c.office_ids:
        qs = qs.filter(office_id__in=c.office_ids)
    if c.postcode_prefixes:
        q = Q()
        for prefix in c.postcode_prefixes:
            q |= Q(postcode__startswith=prefix)
        qs = qs.filter(q)
    if c.maturities:
        qs = qs.filter(maturity__in=c.maturities)
    if c.trade_ids:
        declared = Member.trades.through.objects.filter(member_id=OuterRef("pk"), trade_id__in=c.trade_ids)
        practised = (ActivityMembership.objects.filter(member_id=OuterRef("pk"), activity__trade_id__in=c.trade_ids)
                     .exclude(activity__status=ActivityStatus.CLOSED))
        qs = qs.filter(Exists(declared) | Exists(practised))
    if c.interest_ids:
        qs = qs.filter(Exists(MemberInterest.objects.filter(member_id=OuterRef("pk"), interest_id__in=c.interest_ids)))
    return qs.order_by()


def recipients(c: Criteria) -> QuerySet[Member]:
    """The audience with each member's ``mode`` for this mailing ("email" or "app"); those who
    chose "not at all" are left out (unless it is a service message)."""
    qs = matching(c)
    if c.is_service:
        return qs.annotate(mode=Value(Mode.EMAIL, output_field=CharField()))
    qs = qs.annotate(pref=FilteredRelation("mailing_preferences", condition=Q(mailing_preferences__kind=c.kind)))
    qs = qs.annotate(mode=Coalesce(F("pref__mode"), Value(DEFAULT_MODE), output_field=CharField()))
    return qs.filter(mode__in=[Mode.EMAIL, Mode.APP])


def count(c: Criteria) -> dict[str, int]:
    """{"total", "by_email", "in_app"} in one query: everyone reached, those reached by email,
    those who find it in their news list."""
    r = recipients(c).aggregate(total=Count("pk"), email=Count("pk", filter=Q(mode=Mode.EMAIL)),
                                app=Count("pk", filter=Q(mode=Mode.APP)))
    return {"total": r["total"], "by_email": r["email"] if c.send_email else 0,
            "in_app": r["total"] if c.publish_news else r["app"]}


COLUMNS = ("mailing", "member", "email", "language", "email_state", "in_app", "error")


def delivery_rows(mailing: Mailing, c: Criteria) -> QuerySet:
    """The SELECT of the delivery rows: one per recipient, columns in the order of ``COLUMNS``."""
    variants = mailing.variants
    fallback = mailing.language_for(None)
    email_state = Case(When(mode=Mode.EMAIL, then=Value(EmailState.WAITING)), default=Value(EmailState.NONE),
                       output_field=CharField()) if c.send_email else Value(EmailState.NONE, output_field=CharField())
    in_app = Value(True, output_field=BooleanField()) if c.publish_news else Case(
        When(mode=Mode.APP, then=Value(True)), default=Value(False), output_field=BooleanField())
    return recipients(c).annotate(
        d_mailing=Value(mailing.pk),
        d_member=F("pk"),
        d_email=F("user__email"),
        d_language=Case(When(user__language__in=variants, then=F("user__language")), default=Value(fallback),
                        output_field=CharField()),
        d_state=email_state,
        d_in_app=in_app,
        d_error=Value("", output_field=CharField()),
    ).values_list("d_mailing", "d_member", "d_email", "d_language", "d_state", "d_in_app", "d_error")


def queue(mailing: Mailing, c: Criteria | None = None) -> int:
    """Write the delivery rows of ``mailing`` in one set-based statement; rows already there are
    kept as they are (queuing twice writes nothing more). Returns the rows written."""
    c = c or Criteria.of(mailing)
    select = delivery_rows(mailing, c)
    table = Delivery._meta.db_table
    cols = ", ".join(connection.ops.quote_name(Delivery._meta.get_field(n).column) for n in COLUMNS)
    if connection.vendor not in ("postgresql", "sqlite"):
        return _queue_in_batches(select)
    sql, params = select.query.sql_with_params()
    if connection.vendor == "postgresql":
        statement = f"INSERT INTO {connection.ops.quote_name(table)} ({cols}) {sql} ON CONFLICT DO NOTHING"  # noqa: S608
    else:
        statement = f"INSERT OR IGNORE INTO {connection.ops.quote_name(table)} ({cols}) {sql}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return max(cursor.rowcount, 0)


def _queue_in_batches(select, size: int = 5000) -> int:
    """Other databases: ``bulk_create`` in batches, duplicates ignored."""
    written, rows = 0, []
    for values in select.iterator(chunk_size=size):
        rows.append(Delivery(**{f"{n}_id" if n in ("mailing", "member") else n: v for n, v in zip(COLUMNS, values,
                                                                                                  strict=True)}))
        if len(rows) == size:
            written += len(Delivery.objects.bulk_create(rows, ignore_conflicts=True))
            rows = []
    if rows:
        written += len(Delivery.objects.bulk_create(rows, ignore_conflicts=True))
    return written
