"""Demo data: per entity, the categories of associates, shares for its demo members (some fully
paid, some partly), last year's assembly closed with its results, and this year's assembly with its
vote open on one resolution; rules for sharing the surplus tied to last year's approval of the
accounts, and the allocation of last year's result simulated (when that year made a profit).
Everything goes through the services, acted by the entity's administrator; texts are written in
the entity's language."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from compagnon.accounts.models import Role, RoleAssignment
from compagnon.ledger.services import current_lock
from compagnon.members.models import Member, MemberStatus

from . import register, surplus, voting
from .models import Choice, DistributionRules, Majority, Resolution, WorkerSplit


def _admin(entity):
    ra = RoleAssignment.objects.filter(entity=entity, role=Role.ADMIN).select_related("user").first()
    return ra.user if ra else None


def seed_demo_governance(entities) -> list:
    """Returns the assemblies created."""
    created = []
    today = timezone.localdate()
    for entity in entities:
        admin = _admin(entity)
        if admin is None:
            continue
        with translation.override(entity.default_language):
            if not entity.associates.exists():
                created += _seed_entity(entity, admin, today)
            if not DistributionRules.objects.filter(entity=entity).exists():
                _seed_surplus(entity, admin, today)
    return created


def _seed_surplus(entity, admin, today):
    """Rules voted with last year's accounts, and last year's result simulated (not posted)."""
    voted = (
        Resolution.objects.filter(assembly__entity=entity, adopted=True)
        .order_by("-assembly__held_at", "number")
        .first()
    )
    rules = surplus.save_rules(
        actor=admin,
        entity=entity,
        resolution=voted,
        name=_("Statutory allocation"),
        legal_reserve=Decimal("15"),
        legal_reserve_until_capital=True,
        statutory_reserve=Decimal("40"),
        worker_share=Decimal("40"),
        min_worker_share=Decimal("25") if entity.jurisdiction == "FR" else Decimal("0"),
        share_interest=Decimal("2"),
        share_interest_cap=Decimal("6"),
        interest_within_shares=True,
        worker_split=WorkerSplit.SALARY,
    )
    if surplus.year_result(entity, today.year - 1) > 0:
        surplus.simulate(actor=admin, entity=entity, year=today.year - 1, rules=rules)


def _seed_entity(entity, admin, today):
    register.save_settings(actor=admin, entity=entity, share_nominal=Decimal("50.00"), max_proxies=2)
    workers = register.add_category(actor=admin, entity=entity, name=_("Workers"))
    founders = register.add_category(actor=admin, entity=entity, name=_("Founders"))
    register.add_category(actor=admin, entity=entity, name=_("Supporters"))
    # after any locked period (a closed year), so the entries can be posted
    lock = current_lock(entity)
    joined = max(today - datetime.timedelta(days=500), (lock or today) + datetime.timedelta(days=1))
    joined = min(joined, today)
    past_day = max(joined, today - datetime.timedelta(days=200))
    members = list(
        Member.objects.filter(entity=entity).exclude(status=MemberStatus.LEFT).select_related("user").order_by("number")
    )
    associates = []
    for i, member in enumerate(members):
        shares = 2 if i % 3 else 4
        a = register.admit_associate(
            actor=admin, member=member, category=founders if i == 0 else workers, joined_on=joined, shares=shares
        )
        paid = Decimal("50.00") * shares if i % 4 else Decimal("50.00")
        register.record_payment(actor=admin, associate=a, amount=paid, date=min(joined + datetime.timedelta(days=30), past_day))
        associates.append(a)
    if not associates:
        return []
    past = voting.create_assembly(
        actor=admin,
        entity=entity,
        title=_("Annual general assembly %(year)s") % {"year": today.year - 1},
        held_at=timezone.make_aware(datetime.datetime.combine(past_day, datetime.time(18, 0))),
        place=entity.city,
    )
    accounts = voting.add_resolution(
        actor=admin, assembly=past, title=_("Approval of the accounts"), majority=Majority.SIMPLE, quorum=Decimal("25")
    )
    statutes = voting.add_resolution(
        actor=admin, assembly=past, title=_("Change to the statutes: a third category of associates"),
        majority=Majority.TWO_THIRDS, quorum=Decimal("33"), secret=False,
    )
    voting.convene(actor=admin, assembly=past)
    voting.open_vote(actor=admin, assembly=past)
    for i, a in enumerate(associates):
        user = a.member.user
        voting.cast_vote(actor=user, resolution=accounts, choice=Choice.FOR if i % 5 else Choice.ABSTAIN)
        voting.cast_vote(actor=user, resolution=statutes, choice=Choice.AGAINST if i % 4 == 3 else Choice.FOR)
    voting.close(actor=admin, assembly=past)
    current = voting.create_assembly(
        actor=admin,
        entity=entity,
        title=_("Annual general assembly %(year)s") % {"year": today.year},
        held_at=timezone.now() - datetime.timedelta(hours=1),
        place=entity.city,
        online_url="https://meet.example.org/assembly",
    )
    voting.add_resolution(
        actor=admin, assembly=current, title=_("Allocation of the year's result"),
        text=_("45% to the workers' share, 40% to the reserves, 15% as interest on shares."),
        majority=Majority.SIMPLE, quorum=Decimal("25"),
    )
    voting.convene(actor=admin, assembly=current)
    voting.open_vote(actor=admin, assembly=current)
    return [past, current]
