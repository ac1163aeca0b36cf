"""Who sees and does what with jobs (django-rules, checked again inside the services).

* ``jobs.declare`` (obj: activity) — an active member working in the activity;
* ``jobs.act`` (obj: job) — a member working in the job's activity: hold or OK a step, link a
  document, offer the job to colleagues;
* ``jobs.validate`` (obj: job) — the advisors of the office of the job's member, and the entity's
  administrators: validate the steps waiting for an advisor;
* ``jobs.take_offer`` (obj: offer) — an active member of the offer's entity other than the one
  who offered it;
* ``jobs.change_settings`` (obj: entity) — the entity's administrators: when registrations are
  automatic, how short an engagement declares its days one by one.
Who SEES a job: whoever sees its activity (``permissions.activities``): its members, the advisors
of its members' offices, the entity's staff (``selectors.jobs``).
"""

import rules

from compagnon.permissions import is_activity_worker, scope_for


@rules.predicate
def works_in_job(user, job) -> bool:
    return job is not None and is_activity_worker.test(user, job.activity)


@rules.predicate
def advises_job(user, job) -> bool:
    if job is None:
        return False
    s = scope_for(user)
    return job.member.office_id in s.advisor_offices or job.entity_id in s.admin_entities


@rules.predicate
def administers_entity(user, entity) -> bool:
    return entity is not None and entity.pk in scope_for(user).admin_entities


@rules.predicate
def may_take(user, offer) -> bool:
    s = scope_for(user)
    return (
        offer is not None and s.member_active and s.member_entity_id == offer.entity_id
        and s.member_id != offer.offered_by_id
    )


rules.add_perm("jobs.declare", is_activity_worker)
rules.add_perm("jobs.act", works_in_job)
rules.add_perm("jobs.validate", advises_job)
rules.add_perm("jobs.take_offer", may_take)
rules.add_perm("jobs.change_settings", administers_entity)
