"""Every state change of collections: plans, preferences, the member's decisions, the daily run, the
execution of one action, and the litigation cases.

The daily run (``run_collections``) is set-based and idempotent:

1. **plan** — for each active plan, the documents numbered since the last run (a range of the
   numbering index past ``PlanningCursor``) get their actions in one ``INSERT … SELECT`` per step;
2. **announce** — the actions whose ``announce_on`` falls between the last announced day and today
   are announced to the activity's holders (one in-app notification per activity and day, one email
   digest per person with a one-click hold link per action); the day is then recorded as announced
   (``CollectionRun.announced``). An action never runs before being announced: whatever makes an
   action runnable later (unblocking, resuming, restoring) moves it past the next announcement;
3. **hand over** — the due runnable actions are selected by one range scan of the partial index
   ``RUNNABLE`` and handed in batches to ``tasks.execute_actions`` after commit. The day's run row
   is locked meanwhile and marked ``claimed``: two runs at the same time, or a second run the same
   day, hand nothing over twice. Nothing is written per action here, and the rows are not locked
   either: a PostgreSQL row lock writes the row (a dirty page and WAL for each of the day's
   actions), which tripled the cost of this step at a million invoices for no safety gain — the
   row lock that matters is taken by the task that carries the action out;
4. **execute** (the task) — each action is locked (``FOR UPDATE SKIP LOCKED``: another worker on the
   same action keeps it), checked (still runnable, still due, document still open), carried out
   (email with the PDF, letter PDF, handover to the collections service) and marked *executed* in
   one transaction: an action is carried out at most once. A hold given after the run but before
   its execution is still obeyed; a failure leaves it runnable for the next run.

Others call ``refresh_document(document)`` when a document changes outside collections (payments:
paid, or unpaid again; sales: a quote re-sent): pending actions are cancelled or reopened.

The code lives in one module per part (each re-exported here, so ``compagnon.dunning.services``
keeps working for older callers; new code imports the module it needs):

* ``base`` — what they share: reasons, whether a document is still open, the announcement
  watermark, the set-based ``blocked`` / ``needs_approval`` upkeep, holders, the legal claim;
* ``plans`` — plans and steps (administrators), ``replan_entity``;
* ``decisions`` — preferences, hold / OK / cancel / restore, one-click links, and
  ``refresh_document`` / ``documents_paid`` for payments;
* ``daily`` — the daily run (plan, announce, hand over);
* ``execution`` — carrying out the due actions, set-based per batch;
* ``litigation`` — the cases of the collections service.
"""


from __future__ import annotations

from .base import (  # noqa: F401
    EXECUTE_CHUNK,
    MAX_FAILURES,
    NOTICE_DAYS,
    REASON_CLOSED,
    REASON_FAILED,
    REASON_MEMBER,
    REASON_PAID,
    REASON_PLAN,
    REASONS,
    Outcome,
    _audit,
    _case_event,
    _document_url,
    _history,
    _misblocked,
    _push_dates,
    _recompute_approval,
    _sha,
    _today,
    _unblock,
    _update_in_chunks,
    active_plan,
    activity_preference,
    announced_through,
    claim_for,
    client_kind,
    closed_reason,
    collections_agents,
    holders_by_activity,
    next_announce_day,
    notifications_installed,
    outstanding,
    recompute_blocked,
)
from .daily import (  # noqa: F401
    RunSummary,
    _dispatch,
    _enqueue_digests,
    _notify_announcements,
    announce,
    announcement_queryset,
    claim_due,
    plan_new_documents,
    run_collections,
    select_due,
    write_announcements,
)
from .decisions import (  # noqa: F401
    DECISIONS,
    ONE_CLICK_MAX_AGE,
    ONE_CLICK_SALT,
    _cancel_document,
    _cancel_documents,
    _lock_action,
    decide,
    documents_paid,
    one_click_token,
    read_one_click_token,
    refresh_document,
    set_activity_preferences,
    set_client_preference,
    stop_document,
)
from .execution import (  # noqa: F401
    _after_final,
    _handover,
    _notify_letter,
    _perform,
    _reply_to,
    _send_email,
    execute_action,
    execute_batch,
    is_runnable,
    recipients,
)
from .litigation import (  # noqa: F401
    CASE_TRANSITIONS,
    MAX_CASE_FILE,
    _lock_case,
    _notify_case_members,
    add_case_file,
    add_case_note,
    assign_case,
    change_case_status,
)
from .plans import (  # noqa: F401
    DEFAULT_STEPS,
    _lock_cursors,
    _replan_after_commit,
    create_default_plan,
    remove_step,
    replan_entity,
    save_plan,
    save_step,
)
