"""Reads of procedures for pages and the API, always from the reader's entities (``rules``).

A procedure in force is read by the members and staff of its entity, and by those of every other
entity of the cooperative when it is shared. A procedure never in force, and every version not
validated, is read by its author, the referents of the trade in its entity and the entity's
staff; anybody else gets 404."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from compagnon.interventions import rules as intervention_rules
from compagnon.members.models import Member, Trade

from .models import OPEN_STATES, Procedure, SheetChecklist, State, Step, TradeReferent, Version
from .rules import (
    reader_entity_ids,
    referent_pairs,
    reviews,
    sees_drafts,
    staff_entity_ids,
    writer_entity_ids,
)


def in_force_q(user, prefix: str = "") -> Q:
    readers = reader_entity_ids(user)
    if not readers:
        return Q(pk__in=[])
    return Q(**{f"{prefix}current__isnull": False}) & (
        Q(**{f"{prefix}entity_id__in": readers}) | Q(**{f"{prefix}shared": True}))


def _drafts_q(user) -> Q:
    q = Q(entity_id__in=staff_entity_ids(user))
    for entity_id, trade_id in referent_pairs(user):
        q |= Q(entity_id=entity_id, trade_id=trade_id)
    return q


def procedures(user) -> QuerySet[Procedure]:
    """Every procedure the user may open: in force ones they read, those they wrote a version of,
    and all of the trades and entities whose drafts they see."""
    readers = reader_entity_ids(user)
    if not readers:
        return Procedure.objects.none()
    wrote = Exists(Version.objects.filter(procedure=OuterRef("pk"), author_id=user.pk))
    return Procedure.objects.filter(in_force_q(user) | _drafts_q(user) | Q(wrote))


def procedure(user, pk) -> Procedure:
    return procedures(user).select_related("trade", "entity", "created_by", "current__author",
                                           "current__reviewed_by").get(pk=pk)


def in_force(user, *, trade_id: int | None = None, kind: str = "") -> QuerySet[Procedure]:
    qs = Procedure.objects.filter(in_force_q(user))
    if trade_id:
        qs = qs.filter(trade_id=trade_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related("trade").defer("search", "search_text").order_by("-in_force_since", "-id")


def visible_versions(user, procedure_obj: Procedure) -> QuerySet[Version]:
    """Validated versions for every reader; drafts for their author, referents and staff."""
    qs = Version.objects.filter(procedure=procedure_obj)
    if not sees_drafts(user, procedure_obj):
        qs = qs.filter(Q(state=State.VALIDATED) | Q(author_id=user.pk))
    return qs


def version(user, procedure_obj: Procedure, pk) -> Version:
    return (visible_versions(user, procedure_obj).select_related("author", "reviewed_by", "based_on")
            .prefetch_related(steps()).get(pk=pk))


def steps() -> Prefetch:
    return Prefetch("steps", queryset=Step.objects.prefetch_related("photos").order_by("position", "id"))


def history(user, procedure_obj: Procedure) -> list[Version]:
    return list(visible_versions(user, procedure_obj).select_related("author", "reviewed_by")
                .order_by("-created_at", "-id"))


def open_drafts(user, procedure_obj: Procedure) -> list[Version]:
    return list(visible_versions(user, procedure_obj).filter(state__in=OPEN_STATES)
                .select_related("author").order_by("-updated_at", "-id"))


def review_queue(user) -> QuerySet[Version]:
    """Versions waiting for the user's decision: the trades they are referent of, and as an
    administrator the trades without referent."""
    q = Q(pk__in=[])
    for entity_id, trade_id in referent_pairs(user):
        q |= Q(procedure__entity_id=entity_id, procedure__trade_id=trade_id)
    from compagnon.permissions import scope_for

    admin = scope_for(user).admin_entities
    if admin:
        has_referent = Exists(TradeReferent.objects.filter(entity_id=OuterRef("procedure__entity_id"),
                                                           trade_id=OuterRef("procedure__trade_id"))
                              .exclude(member__status="left"))
        q |= Q(procedure__entity_id__in=admin) & ~Q(has_referent)
    return (Version.objects.filter(q, state=State.REVIEW).select_related("procedure__trade", "author")
            .order_by("submitted_at", "id"))


def my_work(user) -> QuerySet[Version]:
    return (Version.objects.filter(author_id=user.pk, state__in=OPEN_STATES)
            .select_related("procedure__trade", "reviewed_by").order_by("-updated_at", "-id"))


def may_review(user, procedure_obj: Procedure) -> bool:
    return reviews(user, procedure_obj)


def trades() -> list[Trade]:
    return sorted(Trade.objects.all(), key=lambda t: t.name.casefold())


def photo(user, pk):
    """A step photo, when the user may open its procedure and a version they see shows it (or
    they uploaded it)."""
    from .models import Photo

    p = Photo.objects.select_related("procedure").get(pk=pk)
    proc = procedures(user).get(pk=p.procedure_id)
    if p.uploaded_by_id == user.pk:
        return p
    if visible_versions(user, proc).filter(steps__photos=p).exists():
        return p
    raise Photo.DoesNotExist


# --- referents -----------------------------------------------------------------------------------


def referents(user) -> QuerySet[TradeReferent]:
    from compagnon.permissions import scope_for

    return (TradeReferent.objects.filter(entity_id__in=scope_for(user).admin_entities)
            .select_related("trade", "member__user", "entity").order_by("entity_id", "trade__code", "id"))


def members_to_name(entity_id: int) -> QuerySet[Member]:
    return (Member.objects.filter(entity_id=entity_id).exclude(status="left").select_related("user")
            .order_by("user__last_name", "user__first_name", "id"))


# --- sheets --------------------------------------------------------------------------------------


def sheet(user, pk):
    return intervention_rules.sheets(user).select_related("visit__activity", "visit__request").get(pk=pk)


def checklists(user) -> QuerySet[SheetChecklist]:
    return SheetChecklist.objects.filter(sheet__in=intervention_rules.sheets(user).values("id"))


def checklists_of(sheet_obj) -> list[SheetChecklist]:
    return list(SheetChecklist.objects.filter(sheet=sheet_obj).select_related("version__procedure")
                .prefetch_related(Prefetch("version__steps", queryset=Step.objects.order_by("position", "id")),
                                  "ticks").order_by("attached_at", "id"))


def suggested_trade_ids(sheet_obj) -> list[int]:
    """The trades of the visit: its request's trade, its tasks' services, its sector's trades."""
    visit = sheet_obj.visit
    ids = []
    if visit.request_id and visit.request.trade_id:
        ids.append(visit.request.trade_id)
    ids += [t for t in visit.tasks.exclude(service__isnull=True).values_list("service__trade_id", flat=True) if t]
    if visit.member_id:
        ids += list(visit.member.trades.values_list("id", flat=True))
    if visit.sector_id:
        ids += list(visit.sector.trades.values_list("id", flat=True))
    return list(dict.fromkeys(ids))


def attachable(user, sheet_obj) -> list[Procedure]:
    """Procedures in force the member may attach: the visit's trades first."""
    suggested = suggested_trade_ids(sheet_obj)
    rows = list(Procedure.objects.filter(in_force_q(user)).select_related("trade").order_by("title", "id")[:300])
    rows.sort(key=lambda p: (p.trade_id not in suggested, p.title.casefold()))
    for p in rows:
        p.suggested = p.trade_id in suggested
    return rows


__all__ = ["writer_entity_ids"]
