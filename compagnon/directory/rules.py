"""Who changes what in the directory (django-rules, checked again inside the services).

* ``directory.change_profile`` (obj: member) — the member themself, while in the cooperative:
  nobody else chooses what a member shows, administrators included;
* ``directory.change_showcase`` (obj: activity) — a holder of the activity, while a member.
Who SEES what is decided by ``access.py`` (one rule for pages, API, search and map).
"""

import rules

from compagnon.permissions import is_activity_holder, scope_for


@rules.predicate
def is_self_and_active(user, member) -> bool:
    s = scope_for(user)
    return member is not None and s.member_active and s.member_id == member.pk


rules.add_perm("directory.change_profile", is_self_and_active)
rules.add_perm("directory.change_showcase", is_activity_holder)
