"""Who may do what with fixed assets. Seeing one is the permission layer (``permissions.
scoped_by_activity``: the activity's members, their advisors, the entity's staff); changing one
(duration, disposal) and posting depreciation is the bookkeepers' (accountants, administrators)."""

import rules

from compagnon import permissions

rules.add_perm("assets.manage_asset", permissions.works_money_of)
