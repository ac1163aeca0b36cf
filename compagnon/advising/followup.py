"""The ``FollowUp`` row of each member: recomputed from the appointments, next steps and reviews,
set-based (three grouped queries and one upsert for any number of members), in the transaction of
the service that changed them. ``rebuild`` recomputes every member (``manage.py
rebuild_follow_ups``: after a bulk import, or to check nothing drifted)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Max, Min, Q

from compagnon.members.models import Member

from .models import Appointment, AppointmentState, FollowUp, NextStep, Review, ReviewState

FIELDS = ["last_held_at", "next_planned_at", "open_steps", "first_due_on", "last_review_year"]
EMPTY = {"last_held_at": None, "next_planned_at": None, "open_steps": 0, "first_due_on": None,
         "last_review_year": None}  # a member without a row reads like this (the list's LEFT JOIN)


def compute(member_ids: Iterable[int]) -> dict[int, dict]:
    ids = sorted({int(i) for i in member_ids})
    out = {i: dict(EMPTY) for i in ids}
    if not ids:
        return out
    for row in (Appointment.objects.filter(member_id__in=ids).values("member_id")
                .annotate(held=Max("starts_at", filter=Q(state=AppointmentState.HELD)),
                          planned=Min("starts_at", filter=Q(state=AppointmentState.PLANNED)))
                .order_by()):
        out[row["member_id"]].update(last_held_at=row["held"], next_planned_at=row["planned"])
    for row in (NextStep.objects.filter(member_id__in=ids, done_at__isnull=True).values("member_id")
                .annotate(n=Count("id"), first=Min("due_on")).order_by()):
        out[row["member_id"]].update(open_steps=row["n"], first_due_on=row["first"])
    for row in (Review.objects.filter(member_id__in=ids, state=ReviewState.DONE).values("member_id")
                .annotate(year=Max("year")).order_by()):
        out[row["member_id"]]["last_review_year"] = row["year"]
    return out


def refresh(member_ids: Iterable[int]) -> None:
    values = compute(member_ids)
    if values:
        FollowUp.objects.bulk_create([FollowUp(member_id=i, **v) for i, v in values.items()],
                                     update_conflicts=True, unique_fields=["member"],
                                     update_fields=[*FIELDS, "updated_at"], batch_size=1000)


def rebuild(*, batch: int = 5000) -> tuple[int, int]:
    """Recompute every member's row; returns (members, rows that were wrong or missing)."""
    done = changed = 0
    last = 0
    while True:
        ids = list(Member.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return done, changed
        stored = {f.member_id: {k: getattr(f, k) for k in FIELDS} for f in FollowUp.objects.filter(member_id__in=ids)}
        fresh = compute(ids)
        stale = [i for i in ids if stored.get(i, EMPTY) != fresh[i]]
        if stale:
            refresh(stale)
        done, changed, last = done + len(ids), changed + len(stale), ids[-1]
