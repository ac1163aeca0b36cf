"""seed_scale: the large synthetic cooperative is complete, coherent, deterministic and additive."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from compagnon.accounts.models import Role, RoleAssignment, User
from compagnon.members.models import (
    Activity,
    ActivityMembership,
    ActivityRole,
    ActivityStatus,
    Member,
    MemberStatus,
    MemberStatusChange,
)
from compagnon.members.services import next_member_number
from compagnon.organisation.models import Entity

pytestmark = pytest.mark.django_db


def seed_scale(members=300, seed=1, **options):
    out = StringIO()
    call_command("seed_scale", members=members, seed=seed, stdout=out, **options)
    return out.getvalue()


def scale_members(seed=1):
    return Member.objects.filter(
        user__email__startswith=f"m{seed}-", user__email__endswith="@scale.test"
    )


def names_in_order(seed=1):
    rows = (
        scale_members(seed)
        .order_by("id")
        .values_list("user__email", "user__first_name", "user__last_name")
    )
    # the index in the email tells the order of generation: m<seed>-<index>@scale.test
    rows = sorted(rows, key=lambda r: int(r[0].split("-", 1)[1].split("@")[0]))
    return [(first, last) for _, first, last in rows]


def test_creates_members_with_their_activities_and_history():
    output = seed_scale(300, seed=1)
    assert "seed_scale: 300 members" in output

    members = list(scale_members().select_related("user", "office"))
    assert len(members) == 300
    assert len({m.user.email for m in members}) == 300
    assert all(m.user.check_password("scale") for m in members[:3])
    assert all(m.office.entity_id == m.entity_id for m in members)
    # statuses and trades are spread, not uniform
    statuses = Counter(m.status for m in members)
    assert set(statuses) == set(MemberStatus.values)
    assert statuses[MemberStatus.CONTRACT] > statuses[MemberStatus.APPLICANT]
    with_trades = (
        Member.trades.through.objects.filter(member__in=members).values("member_id").distinct()
    )
    assert with_trades.count() == 300

    # every non-applicant holds 1 or 2 activities, applicants none
    held = Counter(
        ActivityMembership.objects.filter(member__in=members, role=ActivityRole.HOLDER).values_list(
            "member_id", flat=True
        )
    )
    for m in members:
        if m.status == MemberStatus.APPLICANT:
            assert held[m.pk] == 0, m
        else:
            assert held[m.pk] in (1, 2), m

    # each activity has exactly one holder; collectives (2–3 members) stay inside one office
    activities = Activity.objects.filter(memberships__member__in=members).distinct()
    per_activity = activities.annotate(
        holders=Count("memberships", filter=Q(memberships__role=ActivityRole.HOLDER)),
        people=Count("memberships"),
    )
    assert all(a.holders == 1 for a in per_activity)
    collectives = [a for a in per_activity if a.people > 1]
    assert collectives, "about 2 % of the activities are shared"
    assert all(a.people <= 3 for a in collectives)
    for a in collectives:
        offices = set(a.memberships.values_list("member__office_id", flat=True))
        assert len(offices) == 1
        assert sum(ms.share for ms in a.memberships.all()) == 100
    # members who left keep their activities, closed
    left = [m for m in members if m.status == MemberStatus.LEFT]
    assert (
        not Activity.objects.filter(
            memberships__member__in=left, memberships__role=ActivityRole.HOLDER
        )
        .exclude(status=ActivityStatus.CLOSED)
        .exists()
    )

    # one history row per status step, the last one being the current status
    for m in members:
        steps = list(MemberStatusChange.objects.filter(member=m).order_by("effective_on", "id"))
        assert steps, m
        assert steps[0].from_status == "" and steps[0].to_status == MemberStatus.APPLICANT
        assert steps[-1].to_status == m.status
        assert steps[-1].effective_on == m.status_since
        assert all(a.to_status == b.from_status for a, b in zip(steps, steps[1:], strict=False))

    # staff: advisors on every office, an administrator of both entities
    scale_entities = Entity.objects.filter(members__in=members).distinct()
    assert sorted(scale_entities.values_list("jurisdiction", flat=True)) == ["BE", "FR"]
    for entity in scale_entities:
        entity.full_clean()  # valid SIREN / KBO numbers
    offices = {m.office_id for m in members}
    advised = set(
        RoleAssignment.objects.filter(role=Role.ADVISOR, office_id__in=offices).values_list(
            "office_id", flat=True
        )
    )
    assert advised == offices
    assert (
        RoleAssignment.objects.filter(user__email="admin-1@scale.test", role=Role.ADMIN).count()
        == 2
    )


def test_same_seed_same_data_and_runs_add_up():
    seed_scale(300, seed=1)
    first = names_in_order()
    first_statuses = list(scale_members().order_by("id").values_list("status", "maturity", "city"))

    seed_scale(300, seed=1)  # again: reuses the entities and offices, appends 300 more
    both = names_in_order()
    assert len(both) == 600
    assert both[300:] == first  # same seed, same people, in the same order
    statuses = list(scale_members().order_by("id").values_list("status", "maturity", "city"))
    assert statuses[300:] == first_statuses
    assert Entity.objects.count() == 2
    assert User.objects.filter(email__startswith="advisor-1-").count() == len(
        set(RoleAssignment.objects.filter(role=Role.ADVISOR).values_list("user_id", flat=True))
    )

    seed_scale(50, seed=2)  # another seed: other people, other entities
    assert names_in_order(seed=2) != first[:50]
    assert Entity.objects.count() == 4


def test_on_top_of_the_demo_data_without_clashes(demo_data):
    demo = {
        m["user__email"]: (m["number"], m["entity_id"])
        for m in Member.objects.values("user__email", "number", "entity_id")
    }

    seed_scale(300, seed=1)

    assert Member.objects.count() == len(demo) + 300
    after = {
        m["user__email"]: (m["number"], m["entity_id"])
        for m in Member.objects.filter(user__email__in=demo).values(
            "user__email", "number", "entity_id"
        )
    }
    assert after == demo  # the demo members are untouched
    # member numbers stay unique per entity and the app keeps numbering after them
    for entity in Entity.objects.all():
        numbers = list(entity.members.values_list("number", flat=True))
        assert len(numbers) == len(set(numbers))
        assert next_member_number(entity) not in numbers
    # the demo logins still work and see the same things
    assert User.objects.filter(email="admin@demo.coop", is_superuser=True).exists()
