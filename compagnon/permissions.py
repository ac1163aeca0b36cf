"""What may this user see and do? The one place that answers.

Views, the API and tasks never build a user-facing queryset themselves: they start from one of the
scoping functions below (``activities``, ``members`` …) and check actions with ``user.has_perm``,
whose object rules are registered here with ``rules``.

Scope rules
-----------
* member — their own profile, their activities (any role in the membership), the members they
  share an activity with, their entity and office, and the audit history of those.
* advisor — read-only on the members (and their activities) of the office(s) they advise; may move a
  member through the lifecycle, set maturity and invite members to those offices.
* support agent — read-only on the members and activities of their entity (the cases their service
  handles arrive with later issues).
* accountant — read-only on everything of their entity, including the entity's audit log.
* administrator — everything of their entity, read and write.

Objects outside the scope are *invisible* (views answer 404, not 403); visible objects a user may
not change answer 403.

Cost per request
----------------
``scope_for`` reads the member row and the role assignments once per request (kept on the user
object) and, when the default cache is shared and fast (Redis, or an explicit ``PERMISSION_CACHE``),
keeps the ``Scope`` there between requests too: one cache read instead of two queries on every
request. Saving or deleting a ``Member`` or a ``RoleAssignment`` drops the user's entry (now and
again after commit, so a concurrent request cannot put the old rows back); entries expire after
``SCOPE_CACHE_SECONDS`` anyway. The activity rules (``is_activity_holder``, ``is_activity_worker``)
read the user's memberships once per request (one query) however many objects a page checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import rules
from django.db.models import Q, QuerySet
from django.db.models.signals import post_delete, post_save

from compagnon.accounts.models import Role, RoleAssignment
from compagnon.audit.models import AuditEvent
from compagnon.core.shared_cache import forget, shared_cache
from compagnon.members.models import (
    Activity,
    ActivityMembership,
    ActivityRole,
    Member,
    MemberStatus,
)
from compagnon.organisation.models import Entity, Office


@dataclass(frozen=True)
class Scope:
    """Everything about a user's reach, computed once per request (two queries)."""

    user_id: int | None = None
    member_id: int | None = None
    member_entity_id: int | None = None
    member_office_id: int | None = None
    member_active: bool = False
    advisor_offices: frozenset[int] = field(default_factory=frozenset)
    support_entities: frozenset[int] = field(default_factory=frozenset)
    support_services: frozenset[str] = field(default_factory=frozenset)
    accountant_entities: frozenset[int] = field(default_factory=frozenset)
    admin_entities: frozenset[int] = field(default_factory=frozenset)
    advisor_entities: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_member(self) -> bool:
        return self.member_id is not None

    @property
    def is_advisor(self) -> bool:
        return bool(self.advisor_offices)

    @property
    def is_support(self) -> bool:
        return bool(self.support_entities)

    @property
    def is_accountant(self) -> bool:
        return bool(self.accountant_entities)

    @property
    def is_admin(self) -> bool:
        return bool(self.admin_entities)

    @property
    def is_staff_role(self) -> bool:
        return self.is_advisor or self.is_support or self.is_accountant or self.is_admin

    @property
    def entity_wide(self) -> frozenset[int]:
        """Entities in which this user reads everything (support, accountant, admin)."""
        return self.support_entities | self.accountant_entities | self.admin_entities

    @property
    def roles(self) -> list[str]:
        out = ["member"] if self.is_member else []
        out += [
            r
            for r, on in (
                ("advisor", self.is_advisor),
                ("support", self.is_support),
                ("accountant", self.is_accountant),
                ("admin", self.is_admin),
            )
            if on
        ]
        return out


ANONYMOUS = Scope()


SCOPE_CACHE_SECONDS = 300
_SCOPE_KEY = "perm:scope:v1:{}"
_MEMBERSHIPS_KEY = "perm:memberships:v1:{}"  # {activity id: role} of a user's memberships


def _shared_cache():
    """The cache that keeps scopes between requests, or None (``core.shared_cache``)."""
    return shared_cache()


def _compute_scope(user) -> Scope:
    """The user's member row and the role assignments they hold *today*: an assignment with dates
    (``starts_on``/``ends_on``, both included — a relay advisor standing in for an absent one) counts
    only between them. A cached scope is dropped when an assignment changes and expires after
    ``SCOPE_CACHE_SECONDS``, so the day a relay starts or ends shows within that delay."""
    from django.utils import timezone

    today = timezone.localdate()
    member = (
        Member.objects.filter(user_id=user.pk)
        .values("id", "entity_id", "office_id", "status")
        .first()
    )
    advisor, support, services, accountant, admin, advisor_entities = (
        set(),
        set(),
        set(),
        set(),
        set(),
        set(),
    )
    held_today = (Q(starts_on__isnull=True) | Q(starts_on__lte=today)) & (
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )
    for ra in (
        RoleAssignment.objects.filter(user_id=user.pk)
        .filter(held_today)
        .values("role", "entity_id", "office_id", "service")
    ):
        if ra["role"] == Role.ADVISOR:
            advisor.add(ra["office_id"])
            advisor_entities.add(ra["entity_id"])
        elif ra["role"] == Role.SUPPORT:
            support.add(ra["entity_id"])
            services.add(ra["service"])
        elif ra["role"] == Role.ACCOUNTANT:
            accountant.add(ra["entity_id"])
        elif ra["role"] == Role.ADMIN:
            admin.add(ra["entity_id"])
    return Scope(
        user_id=user.pk,
        member_id=member["id"] if member else None,
        member_entity_id=member["entity_id"] if member else None,
        member_office_id=member["office_id"] if member else None,
        member_active=bool(member) and member["status"] != MemberStatus.LEFT,
        advisor_offices=frozenset(advisor),
        support_entities=frozenset(support),
        support_services=frozenset(services),
        accountant_entities=frozenset(accountant),
        admin_entities=frozenset(admin),
        advisor_entities=frozenset(advisor_entities),
    )


def scope_for(user) -> Scope:
    """The user's scope, cached on the user object for the rest of the request (and in the shared
    cache between requests, see the module's docstring)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_compagnon_scope", None)
    if cached is not None:
        return cached
    shared = _shared_cache()
    kept = (
        shared.get_many([_SCOPE_KEY.format(user.pk), _MEMBERSHIPS_KEY.format(user.pk)])
        if shared is not None
        else {}
    )  # the memberships come in the same round trip, for the activity rules of this request
    scope = kept.get(_SCOPE_KEY.format(user.pk))
    if not isinstance(scope, Scope) or scope.user_id != user.pk:
        scope = _compute_scope(user)
        if shared is not None:
            shared.set(_SCOPE_KEY.format(user.pk), scope, SCOPE_CACHE_SECONDS)
    roles = kept.get(_MEMBERSHIPS_KEY.format(user.pk))
    if isinstance(roles, dict) and getattr(user, "_compagnon_memberships", None) is None:
        user._compagnon_memberships = (_membership_changes[0], roles)
    user._compagnon_scope = scope
    return scope


def _drop_shared_scope(user_id) -> None:
    if user_id is not None:
        forget(_SCOPE_KEY.format(user_id), _MEMBERSHIPS_KEY.format(user_id))


def forget_scope(user) -> None:
    """Drop the cached scope and memberships (after a role or membership change in the same request)."""
    for name in ("_compagnon_scope", "_compagnon_memberships"):
        if hasattr(user, name):
            delattr(user, name)
    _drop_shared_scope(getattr(user, "pk", None))


def _scope_rows_changed(sender, instance, **kwargs) -> None:
    _drop_shared_scope(getattr(instance, "user_id", None))


for _model in (Member, RoleAssignment):
    post_save.connect(_scope_rows_changed, sender=_model, dispatch_uid=f"scope-{_model.__name__}-saved")
    post_delete.connect(_scope_rows_changed, sender=_model, dispatch_uid=f"scope-{_model.__name__}-deleted")


_membership_changes = [0]  # bumped by every membership saved or deleted in this process


def _membership_changed(sender, instance, **kwargs) -> None:
    _membership_changes[0] += 1
    if _shared_cache() is not None:
        user_id = Member.objects.filter(pk=instance.member_id).values_list("user_id", flat=True).first()
        if user_id is not None:
            forget(_MEMBERSHIPS_KEY.format(user_id))


post_save.connect(_membership_changed, sender=ActivityMembership, dispatch_uid="scope-membership-saved")
post_delete.connect(_membership_changed, sender=ActivityMembership, dispatch_uid="scope-membership-deleted")


def remember_memberships(user, memberships) -> None:
    """A page that read all of the user's memberships (``members.selectors.my_memberships``) hands
    them over, so that the permission checks of the same request do not read them again."""
    roles = {m.activity_id: m.role for m in memberships}
    user._compagnon_memberships = (_membership_changes[0], roles)
    shared = _shared_cache()
    if shared is not None:
        shared.set(_MEMBERSHIPS_KEY.format(user.pk), roles, SCOPE_CACHE_SECONDS)


def _memberships(user) -> dict[int, str]:
    """{activity id: role} of the user's memberships, read once per request: kept on the user
    object until a membership is saved or deleted in this process (or ``forget_scope``)."""
    s = scope_for(user)  # may bring them from the shared cache
    cached = getattr(user, "_compagnon_memberships", None)
    if cached is None or cached[0] != _membership_changes[0]:
        roles = (
            dict(
                ActivityMembership.objects.filter(member_id=s.member_id).values_list(
                    "activity_id", "role"
                )
            )
            if s.member_id is not None
            else {}
        )
        cached = user._compagnon_memberships = (_membership_changes[0], roles)
        shared = _shared_cache()
        if shared is not None and s.member_id is not None:
            shared.set(_MEMBERSHIPS_KEY.format(user.pk), roles, SCOPE_CACHE_SECONDS)
    return cached[1]


# --- scoping selectors: every user-facing queryset starts here --------------------------------


def _my_activity_ids(scope: Scope):
    return ActivityMembership.objects.filter(member_id=scope.member_id).values("activity_id")


def _only_my_activities(user, scope: Scope) -> list[int] | None:
    """The ids of the activities a user who is a member and nothing else sees — theirs, read once
    per request by :func:`_memberships` —, or None for staff, whose reach is a subquery. Queries
    scoped this way carry a short list of numbers instead of a subquery on the memberships and
    activities: simpler to compile and to plan, on every page a member opens."""
    if scope.is_member and not scope.entity_wide and not scope.advisor_offices:
        return sorted(_memberships(user))
    return None


def entities(user) -> QuerySet[Entity]:
    s = scope_for(user)
    ids = set(s.entity_wide | s.advisor_entities)
    if s.member_entity_id:
        ids.add(s.member_entity_id)
    return Entity.objects.filter(id__in=ids)


def offices(user) -> QuerySet[Office]:
    s = scope_for(user)
    q = Q(entity_id__in=s.entity_wide) | Q(id__in=s.advisor_offices)
    if s.member_office_id:
        q |= Q(id=s.member_office_id)
    return Office.objects.filter(q)


def members(user) -> QuerySet[Member]:
    s = scope_for(user)
    if s is ANONYMOUS:
        return Member.objects.none()
    q = Q(entity_id__in=s.entity_wide) | Q(office_id__in=s.advisor_offices)
    if s.is_member:
        colleagues = ActivityMembership.objects.filter(activity_id__in=_my_activity_ids(s)).values(
            "member_id"
        )
        q |= Q(id=s.member_id) | Q(id__in=colleagues)
    return Member.objects.filter(q)


def activities(user) -> QuerySet[Activity]:
    s = scope_for(user)
    if s is ANONYMOUS:
        return Activity.objects.none()
    mine = _only_my_activities(user, s)
    if mine is not None:
        return Activity.objects.filter(id__in=mine)
    q = Q(entity_id__in=s.entity_wide)
    if s.advisor_offices:
        q |= Q(
            id__in=ActivityMembership.objects.filter(
                member__office_id__in=s.advisor_offices
            ).values("activity_id")
        )
    if s.is_member:
        q |= Q(id__in=_my_activity_ids(s))
    return Activity.objects.filter(q)


def audit_events(user) -> QuerySet[AuditEvent]:
    s = scope_for(user)
    if s is ANONYMOUS:
        return AuditEvent.objects.none()
    q = Q(entity_id__in=s.accountant_entities | s.admin_entities)
    if s.advisor_offices:
        q |= Q(member__office_id__in=s.advisor_offices)
    if s.is_member:
        q |= Q(member_id=s.member_id) | Q(activity_id__in=_my_activity_ids(s))
    q |= Q(actor_id=s.user_id, member__isnull=True, activity__isnull=True, entity__isnull=True)
    return AuditEvent.objects.filter(q)


# --- action rules (object level), used through user.has_perm(...) ----------------------------


@rules.predicate
def is_activity_holder(user, activity: Activity | None) -> bool:
    if activity is None:
        return False
    return scope_for(user).member_active and _memberships(user).get(activity.pk) == ActivityRole.HOLDER


@rules.predicate
def is_activity_worker(user, activity: Activity | None) -> bool:
    if activity is None:
        return False
    return scope_for(user).member_active and activity.pk in _memberships(user)


def _entity_id(obj) -> int | None:
    if obj is None:
        return None
    if isinstance(obj, Entity):
        return obj.pk
    return getattr(obj, "entity_id", None)


@rules.predicate
def is_entity_admin(user, obj) -> bool:
    return _entity_id(obj) in scope_for(user).admin_entities


@rules.predicate
def advises(user, member: Member | None) -> bool:
    return member is not None and member.office_id in scope_for(user).advisor_offices


@rules.predicate
def is_self(user, member: Member | None) -> bool:
    return member is not None and member.user_id == user.pk


@rules.predicate
def is_active_member(user) -> bool:
    return scope_for(user).member_active


@rules.predicate
def may_invite_somewhere(user) -> bool:
    s = scope_for(user)
    return s.is_admin or s.is_advisor


rules.add_perm("members.change_activity", is_activity_holder | is_entity_admin)
rules.add_perm("members.manage_activity_members", is_activity_holder | is_entity_admin)
rules.add_perm("members.work_in_activity", is_activity_worker)
rules.add_perm("members.add_activity", is_active_member)
rules.add_perm("members.change_member_status", advises | is_entity_admin)
rules.add_perm("members.change_member_maturity", advises | is_entity_admin)
rules.add_perm("members.change_member_advisor", advises | is_entity_admin)
rules.add_perm("members.change_member", is_self | is_entity_admin)
rules.add_perm("organisation.change_entity", is_entity_admin)
rules.add_perm("organisation.add_office", is_entity_admin)
rules.add_perm("accounts.add_invitation", may_invite_somewhere)


def invitable(user) -> dict:
    """Where and as what this user may invite people: {"offices": qs, "roles": [...]}."""
    s = scope_for(user)
    office_q = Q(entity_id__in=s.admin_entities) | Q(id__in=s.advisor_offices)
    roles = ["member"]
    if s.is_admin:
        roles += [r.value for r in Role]
    return {"offices": Office.objects.filter(office_q).select_related("entity"), "roles": roles}


def may_invite(user, *, office: Office, role: str) -> bool:
    s = scope_for(user)
    if office.entity_id in s.admin_entities:
        return True
    return role == "member" and office.pk in s.advisor_offices


# --- generic scoping for anything that belongs to an activity --------------------------------


def scoped_by_activity(user, queryset: QuerySet, field: str = "activity") -> QuerySet:
    """Restrict ``queryset`` to rows whose ``field`` (an Activity FK path) is visible to ``user``.

    Every context whose objects belong to an activity (clients, documents, ledger lines…) scopes
    its querysets with this, so one rule decides for all of them.
    """
    s = scope_for(user)
    mine = _only_my_activities(user, s) if s is not ANONYMOUS else None
    if mine is not None:  # a member: their activities' ids, no join to the activities
        return queryset.filter(**{f"{field}__in": mine})
    return queryset.filter(**{f"{field}__in": activities(user)})


@rules.predicate
def works_in_activity_of(user, obj) -> bool:
    """The user works (holder or contributor, not left) in the activity the object belongs to."""
    return obj is not None and is_activity_worker.test(user, obj.activity)


@rules.predicate
def is_entity_admin_of_activity_of(user, obj) -> bool:
    return obj is not None and obj.activity.entity_id in scope_for(user).admin_entities


rules.add_perm("clients.change_client", works_in_activity_of | is_entity_admin_of_activity_of)
rules.add_perm("sales.change_document", works_in_activity_of | is_entity_admin_of_activity_of)


# --- money: bank statements, matching, transfers, collections ----------------------------------
# Bookkeeping roles (accountants, administrators) import statements, match payments and prepare
# transfers for their entity; the collections service (support agents of service "collections")
# and administrators work litigation cases. ``obj`` is the entity, or anything with ``entity_id``
# (a bank account, a statement, a case).


def money_entities(user) -> frozenset[int]:
    """Entities whose bank side this user works: accountants and administrators."""
    scope = scope_for(user)
    return scope.accountant_entities | scope.admin_entities


def collections_entities(user) -> frozenset[int]:
    """Entities whose collections cases this user works: collections support agents, admins."""
    scope = scope_for(user)
    support = scope.support_entities if "collections" in scope.support_services else frozenset()
    return support | scope.admin_entities


@rules.predicate
def works_money_of(user, obj) -> bool:
    entity_id = _entity_id(obj)
    if entity_id is None and hasattr(obj, "account"):
        entity_id = obj.account.entity_id
    return entity_id in money_entities(user)


@rules.predicate
def works_collections_of(user, obj) -> bool:
    return _entity_id(obj) in collections_entities(user)


rules.add_perm("banking.import_statement", works_money_of)
rules.add_perm("payments.match_payment", works_money_of)
rules.add_perm("payouts.manage_batch", works_money_of)
rules.add_perm("dunning.work_case", works_collections_of)
rules.add_perm("dunning.change_plan", is_entity_admin)
# the member decides on the automated actions of their documents (hold / OK)
rules.add_perm("dunning.decide_action", works_in_activity_of | is_entity_admin_of_activity_of)
