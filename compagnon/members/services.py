"""Every state change of members and activities. Keyword-only; one transaction each; audited."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core.services import require, snapshot
from compagnon.permissions import forget_scope

from .models import (
    STATUS_TRANSITIONS,
    Activity,
    ActivityMembership,
    ActivityRole,
    Maturity,
    Member,
    MemberStatus,
    MemberStatusChange,
)

ACTIVITY_SETTINGS_FIELDS = [
    "name",
    "trade",
    "description",
    "status",
    "brand_color",
    "letterhead",
    "footer",
    "payment_terms_days",
    "document_language",
]


def next_member_number(entity) -> str:
    """Next member number of an entity ("M00042"); the unique constraint is the backstop.

    Sorted by length first: as text, "M99999" > "M100000".
    """
    last = (
        Member.objects.filter(entity=entity)
        .order_by(Length("number").desc(), "-number")
        .values_list("number", flat=True)
        .first()
    )
    n = int(last[1:]) + 1 if last and last[1:].isdigit() else 1
    return f"M{n:05d}"


@transaction.atomic
def create_member(
    *,
    actor,
    user,
    office,
    advisor=None,
    status=MemberStatus.APPLICANT,
    effective_on: datetime.date | None = None,
    **profile,
) -> Member:
    """Create the member profile of ``user`` in ``office`` (called by invitation acceptance and seeds)."""
    effective_on = effective_on or timezone.localdate()
    member = Member.objects.create(
        user=user,
        entity_id=office.entity_id,
        office=office,
        advisor=advisor,
        number=next_member_number(office.entity),
        status=status,
        status_since=effective_on,
        **profile,
    )
    MemberStatusChange.objects.create(
        member=member, from_status="", to_status=status, effective_on=effective_on, changed_by=actor
    )
    record(
        actor=actor,
        action="member.created",
        obj=member,
        member=member,
        entity=office.entity,
        message=gettext_noop("%(name)s joined office %(office)s as %(status)s"),
        params={"name": str(user), "office": office.name, "status": MemberStatus(status).label},
    )
    forget_scope(user)
    return member


def member_from_invitation(*, invitation, user) -> Member:
    """The member profile an accepted "member" invitation grants (registered in accounts.hooks;
    runs inside ``accounts.services.accept_invitation``'s transaction). The inviter becomes the
    member's advisor when they advise that office."""
    from compagnon.accounts.models import Role, RoleAssignment

    inviter_advises = RoleAssignment.objects.filter(
        user=invitation.invited_by, role=Role.ADVISOR, office=invitation.office,
        relay_for__isnull=True, starts_on__isnull=True,  # a relay advises for a time only
    ).exists()
    return create_member(
        actor=user,
        user=user,
        office=invitation.office,
        advisor=invitation.invited_by if inviter_advises else None,
    )


@transaction.atomic
def change_member_status(
    *,
    actor,
    member: Member,
    to_status: str,
    effective_on: datetime.date | None = None,
    note: str = "",
) -> Member:
    """Move a member through the lifecycle (applicant → under contract → associate → left)."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    require(actor, "members.change_member_status", member)
    effective_on = effective_on or timezone.localdate()
    if to_status not in STATUS_TRANSITIONS[MemberStatus(member.status)]:
        raise ValidationError(
            {
                "to_status": _("A member who is %(current)s cannot become %(target)s.")
                % {
                    "current": member.get_status_display(),
                    "target": MemberStatus(to_status).label
                    if to_status in MemberStatus.values
                    else to_status,
                }
            }
        )
    if effective_on < member.status_since:
        raise ValidationError(
            {
                "effective_on": _(
                    "The date cannot be before the current status started (%(date)s)."
                )
                % {"date": date_format(member.status_since, "SHORT_DATE_FORMAT")}
            }
        )
    previous = member.status
    member.status, member.status_since = to_status, effective_on
    member.save(update_fields=["status", "status_since"])
    MemberStatusChange.objects.create(
        member=member,
        from_status=previous,
        to_status=to_status,
        effective_on=effective_on,
        note=note,
        changed_by=actor,
    )
    record(
        actor=actor,
        action="member.status_changed",
        obj=member,
        member=member,
        entity=member.entity,
        message=gettext_noop("Status changed from %(from)s to %(to)s on %(date)s"),
        params={
            "from": MemberStatus(previous).label,
            "to": MemberStatus(to_status).label,
            "date": effective_on,
        },
    )
    forget_scope(member.user)
    return member


@transaction.atomic
def set_member_maturity(*, actor, member: Member, maturity: str) -> Member:
    member = Member.objects.select_for_update().get(pk=member.pk)
    require(actor, "members.change_member_maturity", member)
    if maturity not in Maturity.values:
        raise ValidationError({"maturity": _("Choose one of: new, developing, established.")})
    if maturity != member.maturity:
        before = Maturity(member.maturity).label
        member.maturity = maturity
        member.save(update_fields=["maturity"])
        record(
            actor=actor,
            action="member.maturity_changed",
            obj=member,
            member=member,
            entity=member.entity,
            message=gettext_noop("Maturity changed from %(from)s to %(to)s"),
            params={"from": before, "to": Maturity(maturity).label},
        )
    return member


@transaction.atomic
def assign_advisor(*, actor, member: Member, advisor) -> Member:
    from compagnon.accounts.models import Role, RoleAssignment

    member = Member.objects.select_for_update().get(pk=member.pk)
    require(actor, "members.change_member_advisor", member)
    if (
        advisor is not None
        and not RoleAssignment.objects.filter(
            user=advisor, role=Role.ADVISOR, office_id=member.office_id,
            relay_for__isnull=True, starts_on__isnull=True,  # not a relay: it ends with the absence
        ).exists()
    ):
        raise ValidationError({"advisor": _("The advisor must advise this member's office.")})
    member.advisor = advisor
    member.save(update_fields=["advisor"])
    record(
        actor=actor,
        action="member.advisor_assigned",
        obj=member,
        member=member,
        entity=member.entity,
        message=gettext_noop("Advisor set to %(advisor)s"),
        params={"advisor": str(advisor) if advisor else "—"},
    )
    return member


@transaction.atomic
def update_member_profile(
    *, actor, member: Member, user_fields: dict, profile_fields: dict, trades=None
) -> Member:
    """Update what a member says about themselves (name, phone, language, trades, skills…)."""
    member = Member.objects.select_for_update().select_related("user").get(pk=member.pk)
    require(actor, "members.change_member", member)
    user = member.user
    before = {**snapshot(user, list(user_fields)), **snapshot(member, list(profile_fields))}
    for k, v in user_fields.items():
        setattr(user, k, v)
    for k, v in profile_fields.items():
        setattr(member, k, v)
    user.full_clean(exclude=["password"])
    member.full_clean(exclude=["user", "trades"])
    user.save(update_fields=list(user_fields) or None)
    member.save(update_fields=list(profile_fields) or None)
    if trades is not None:
        member.trades.set(trades)
    after = {**snapshot(user, list(user_fields)), **snapshot(member, list(profile_fields))}
    record(
        actor=actor,
        action="member.profile_updated",
        obj=member,
        member=member,
        entity=member.entity,
        message=gettext_noop("Profile of %(name)s updated"),
        params={"name": str(user)},
        before=before,
        after=after,
    )
    return member


@transaction.atomic
def create_activity(
    *,
    actor,
    member: Member,
    name: str,
    trade=None,
    description: str = "",
    document_language: str | None = None,
    payment_terms_days: int = 30,
) -> Activity:
    """Open a new activity held by ``member`` (the member themself, or their entity's admin)."""
    if actor is not None and actor.pk == member.user_id:
        require(actor, "members.add_activity")
    else:
        require(actor, "organisation.change_entity", member.entity)
    activity = Activity(
        entity_id=member.entity_id,
        name=name,
        trade=trade,
        description=description,
        document_language=document_language or member.entity.default_language,
        payment_terms_days=payment_terms_days,
    )
    activity.full_clean()
    activity.save()
    ActivityMembership.objects.create(activity=activity, member=member, role=ActivityRole.HOLDER)
    record(
        actor=actor,
        action="activity.created",
        obj=activity,
        activity=activity,
        member=member,
        entity=member.entity,
        message=gettext_noop("Activity %(name)s opened"),
        params={"name": activity.name},
    )
    forget_scope(member.user)
    return activity


@transaction.atomic
def update_activity(*, actor, activity: Activity, **fields) -> Activity:
    """Change an activity's settings and brand. ``logo`` may be a validated uploaded file or False to remove."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    require(actor, "members.change_activity", activity)
    unknown = set(fields) - set(ACTIVITY_SETTINGS_FIELDS) - {"logo", "contribution_rate"}
    if unknown:
        raise ValueError(f"Not activity settings: {sorted(unknown)}")
    if "contribution_rate" in fields:
        require(actor, "organisation.change_entity", activity.entity)
    tracked = [f for f in fields if f != "logo"]
    before = snapshot(activity, tracked)
    logo = fields.pop("logo", None)
    for k, v in fields.items():
        setattr(activity, k, v)
    if logo is False:
        activity.logo.delete(save=False)
        activity.logo = ""
    elif logo:
        activity.logo = logo
    activity.full_clean()
    activity.save()
    after = snapshot(activity, tracked)
    record(
        actor=actor,
        action="activity.updated",
        obj=activity,
        activity=activity,
        entity=activity.entity,
        message=gettext_noop("Settings of %(name)s updated"),
        params={"name": activity.name},
        before=before,
        after=after,
    )
    if logo:
        record(
            actor=actor,
            action="activity.logo_changed",
            obj=activity,
            activity=activity,
            entity=activity.entity,
            message=gettext_noop("Logo of %(name)s replaced")
            if logo is not False
            else gettext_noop("Logo of %(name)s removed"),
            params={"name": activity.name},
        )
    return activity


@transaction.atomic
def add_activity_member(
    *,
    actor,
    activity: Activity,
    member: Member,
    role: str = ActivityRole.CONTRIBUTOR,
    share: Decimal = Decimal("0"),
) -> ActivityMembership:
    """Bring another member of the same entity into an activity (making it a collective)."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    require(actor, "members.manage_activity_members", activity)
    if member.entity_id != activity.entity_id:
        raise ValidationError(
            {"member": _("Only members of the same entity can share an activity.")}
        )
    if member.status == MemberStatus.LEFT:
        raise ValidationError({"member": _("This member has left the cooperative.")})
    if ActivityMembership.objects.filter(activity=activity, member=member).exists():
        raise ValidationError({"member": _("This member already works in this activity.")})
    membership = ActivityMembership(activity=activity, member=member, role=role, share=share)
    membership.full_clean()
    membership.save()
    record(
        actor=actor,
        action="activity.member_added",
        obj=activity,
        activity=activity,
        member=member,
        entity=activity.entity,
        message=gettext_noop("%(member)s joined %(name)s as %(role)s"),
        params={
            "member": str(member),
            "name": activity.name,
            "role": ActivityRole(role).label,
        },
    )
    forget_scope(member.user)
    return membership


@transaction.atomic
def remove_activity_member(*, actor, membership: ActivityMembership) -> None:
    activity = Activity.objects.select_for_update().get(pk=membership.activity_id)
    require(actor, "members.manage_activity_members", activity)
    holders = ActivityMembership.objects.filter(
        activity=activity, role=ActivityRole.HOLDER
    ).exclude(pk=membership.pk)
    if membership.role == ActivityRole.HOLDER and not holders.exists():
        raise ValidationError({"member": _("An activity keeps at least one holder.")})
    member = membership.member
    membership.delete()
    record(
        actor=actor,
        action="activity.member_removed",
        obj=activity,
        activity=activity,
        member=member,
        entity=activity.entity,
        message=gettext_noop("%(member)s left %(name)s"),
        params={"member": str(member), "name": activity.name},
    )
    forget_scope(member.user)
