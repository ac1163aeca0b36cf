"""Keeping each member's progress on their ``Assignment`` row (steps done, total, next step, last
move, completed), so that pages never count: one member after a step (``refresh``), every member of
a path after the path changes (``refresh_path``: three set-based statements whatever the number of
members)."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Assignment, Completion, Step


def _live_steps(path_id):
    return Step.objects.filter(path_id=path_id, archived=False)


def refresh(assignment: Assignment, *, moved: bool = False) -> Assignment:
    """Recount one member's path (2 queries) and save it."""
    steps = list(_live_steps(assignment.path_id).order_by("position", "id").values_list("id", flat=True))
    done = set(Completion.objects.filter(assignment=assignment, step_id__in=steps).values_list("step_id", flat=True))
    assignment.total_count, assignment.done_count = len(steps), len(done)
    assignment.next_step_id = next((s for s in steps if s not in done), None)
    now = timezone.now()
    if moved:
        assignment.last_progress_at = now
    if assignment.next_step_id is None and steps:
        assignment.completed_at = assignment.completed_at or now
    else:
        assignment.completed_at = None
    assignment.save(update_fields=["total_count", "done_count", "next_step", "last_progress_at", "completed_at"])
    return assignment


def refresh_path(path_id: int) -> int:
    """Recount every member of a path after its steps changed (set-based)."""
    live = _live_steps(path_id)
    total = live.values("path_id").annotate(n=Count("id")).values("n")
    done = (Completion.objects.filter(assignment_id=OuterRef("pk"), step__archived=False)
            .values("assignment_id").annotate(n=Count("id")).values("n"))
    next_step = (live.exclude(completions__assignment_id=OuterRef("pk")).order_by("position", "id").values("id")[:1])
    qs = Assignment.objects.filter(path_id=path_id)
    n = qs.update(total_count=Coalesce(Subquery(total), 0), done_count=Coalesce(Subquery(done), 0),
                  next_step_id=Subquery(next_step))
    now = timezone.now()
    qs.filter(next_step__isnull=True, completed_at__isnull=True, total_count__gt=0).update(completed_at=now)
    qs.filter(Q(next_step__isnull=False) | Q(total_count=0)).exclude(completed_at=None).update(completed_at=None)
    return n
