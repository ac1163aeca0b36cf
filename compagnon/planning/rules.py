"""Who sees and changes proposed plans (built on ``compagnon.fieldwork.rules``).

* Seeing: whoever sees the sector (its members and lead; advisors, administrators, accountants
  and support agents of the entity): ``proposals(user)``; anyone else gets 404.
* ``planning.propose`` (sector) and ``planning.change_proposal`` (proposal, while ready for
  review): the sector's active members and lead, advisors and administrators of the entity.
  Nothing is imposed: any of them may ask for a proposal, move its visits and accept it;
  accepting plans each visit through ``fieldwork.services.plan_visit``, which checks again
  ``fieldwork.plan_visit`` for each visit.
"""

from __future__ import annotations

import rules
from django.db.models import QuerySet

from compagnon import permissions
from compagnon.fieldwork import rules as fieldwork_rules

from .models import Proposal, ProposalState


def proposals(user) -> QuerySet[Proposal]:
    return Proposal.objects.filter(sector__in=fieldwork_rules.sectors(user))


@rules.predicate
def works_in_sector(user, sector) -> bool:
    if sector is None:
        return False
    if sector.entity_id in fieldwork_rules.manager_entity_ids(user):
        return True
    return permissions.scope_for(user).member_active and sector.pk in fieldwork_rules.my_sector_ids(
        user
    )


@rules.predicate
def works_in_proposal_sector(user, proposal) -> bool:
    return proposal is not None and works_in_sector.test(user, proposal.sector)


@rules.predicate
def proposal_is_open(user, proposal) -> bool:
    return proposal is not None and proposal.state == ProposalState.READY


rules.add_perm("planning.propose", works_in_sector)
rules.add_perm("planning.change_proposal", works_in_proposal_sector & proposal_is_open)
rules.add_perm(
    "planning.discard_proposal",
    works_in_proposal_sector
    & rules.predicate(
        lambda user, p: (
            p is not None
            and p.state in (ProposalState.READY, ProposalState.FAILED, ProposalState.COMPUTING)
        )
    ),
)
