"""Governance at scale: an assembly of 10,000 associates voting online. Not a test.

    .venv/bin/python -m bench.governance                     # SQLite file under var/bench/
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/compagnon_bench_gov \\
        .venv/bin/python -m bench.governance [--voters 10000] [--timed 1000]

Works in a scratch database (a PostgreSQL name must contain "bench": dropped and created again).
Writes, in bulk, N members who each subscribed two shares, and an assembly with its vote open on
one resolution. Then:

* casting a vote: ``governance.voting.cast_vote`` for ``--timed`` voters (each a fresh user object,
  so the permission scope is computed as in a request), the rest of the N ballots written in bulk;
  baseline: the two raw INSERTs of a vote (who voted, the ballot) in one transaction;
* counting: the tally of the closing (``eligible_ids`` over the register + the ballots grouped by
  choice) and ``voting.close`` itself; baseline: the raw ``GROUP BY choice``.

Budgets: a vote's p95 < 100 ms, the count < 5 s. Exit 1 when one is missed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid

from bench.home import percentile

VOTE_BUDGET_MS = 100.0
COUNT_BUDGET_MS = 5000.0


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.governance", description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=int(os.environ.get("BENCH_GOV_VOTERS", "10000")))
    parser.add_argument("--timed", type=int, default=int(os.environ.get("BENCH_GOV_TIMED", "1000")))
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    return parser.parse_args(argv)


def setup(url: str) -> None:
    from bench.run import scratch_database

    scratch_database(url, "governance")


def write_register(n: int):
    """An entity with ``n`` associates of two shares each (50.00 a share), paid up."""
    import datetime
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from compagnon.accounts.models import User
    from compagnon.governance.models import (
        Associate,
        AssociateCategory,
        GovernanceSettings,
        MovementKind,
        ShareMovement,
    )
    from compagnon.members.models import Member, MemberStatus
    from compagnon.organisation.models import Entity, Office

    joined = timezone.localdate() - datetime.timedelta(days=100)
    with transaction.atomic():
        entity = Entity.objects.create(
            name="Bench Gov", legal_name="Bench Gov SCOP", jurisdiction="FR", company_number="732829320",
            city="Nantes", postcode="44000", country="FR",
        )
        office = Office.objects.create(entity=entity, name="Nantes", city="Nantes")
        GovernanceSettings.objects.create(entity=entity, share_nominal=Decimal("50.00"))
        category = AssociateCategory.objects.create(entity=entity, name="Workers")
        User.objects.bulk_create(
            [User(email=f"voter{i}@bench.example", password="!", language="fr") for i in range(n)], batch_size=2000
        )
        users = list(User.objects.filter(email__endswith="@bench.example").order_by("pk"))
        Member.objects.bulk_create(
            [Member(user=u, entity=entity, office=office, number=f"B{i:06d}", status=MemberStatus.CONTRACT) for i, u in enumerate(users)],
            batch_size=2000,
        )
        members = list(Member.objects.filter(entity=entity).order_by("pk"))
        Associate.objects.bulk_create(
            [Associate(entity=entity, member=m, category=category, joined_on=joined) for m in members], batch_size=2000
        )
        associates = list(Associate.objects.filter(entity=entity).order_by("pk"))
        moves = []
        for a in associates:
            moves.append(ShareMovement(entity=entity, associate=a, kind=MovementKind.SUBSCRIPTION, date=joined, shares=2, amount=Decimal("100.00")))
            moves.append(ShareMovement(entity=entity, associate=a, kind=MovementKind.PAYMENT, date=joined, shares=0, amount=Decimal("100.00")))
        ShareMovement.objects.bulk_create(moves, batch_size=5000)
    return entity, associates


def open_assembly(entity):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from compagnon.accounts.models import Role, RoleAssignment
    from compagnon.governance import voting
    from compagnon.governance.models import Assembly, AssemblyState

    admin = get_user_model().objects.create(email="admin@bench.example", password="!")
    RoleAssignment.objects.create(user=admin, role=Role.ADMIN, entity=entity)
    assembly = voting.create_assembly(actor=admin, entity=entity, title="AGM", held_at=timezone.now(), place="Nantes")
    resolution = voting.add_resolution(actor=admin, assembly=assembly, title="Accounts", quorum=25)
    # convening would email 10,000 people: the state is set directly (this is a bench)
    Assembly.objects.filter(pk=assembly.pk).update(state=AssemblyState.VOTING, opened_at=timezone.now())
    assembly.refresh_from_db()
    resolution.refresh_from_db()
    return admin, assembly, resolution


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    setup(args.database_url)
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from compagnon.governance import voting
    from compagnon.governance.models import Ballot, VoteRecord

    started = time.perf_counter()
    entity, associates = write_register(args.voters)
    admin, assembly, resolution = open_assembly(entity)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"bench.governance: {connection.vendor}, {args.voters:,} associates written in {time.perf_counter() - started:.1f} s", flush=True)

    timed = min(args.timed, args.voters)
    user_ids = [a.member.user_id for a in associates[:timed]]
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=user_ids)}
    choices = ["for", "against", "abstain"]
    samples = []
    with CaptureQueriesContext(connection) as first:
        voting.cast_vote(actor=users[user_ids[0]], resolution=resolution, choice="for")
    for i, uid in enumerate(user_ids[1:], start=1):
        t = time.perf_counter()
        voting.cast_vote(actor=users[uid], resolution=resolution, choice=choices[i % 3])
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()

    # the rest of the ballots in bulk, then the raw baseline on another resolution
    rest = associates[timed:]
    VoteRecord.objects.bulk_create([VoteRecord(resolution=resolution, associate=a) for a in rest], batch_size=5000)
    Ballot.objects.bulk_create(
        [Ballot(resolution=resolution, choice=choices[i % 3], receipt_hash=uuid.uuid4().hex * 2) for i, _a in enumerate(rest)],
        batch_size=5000,
    )
    from compagnon.governance.models import Resolution

    baseline_res = Resolution.objects.create(assembly=assembly, number=99, title="baseline")
    raw = []
    vr, bt = VoteRecord._meta.db_table, Ballot._meta.db_table
    for i, a in enumerate(associates[:timed]):
        t = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {vr} (resolution_id, associate_id, by_proxy, open_choice) VALUES (%s, %s, %s, '')",  # noqa: S608
                [baseline_res.pk, a.pk, False],
            )
            cursor.execute(
                f"INSERT INTO {bt} (id, resolution_id, choice, receipt_hash) VALUES (%s, %s, %s, %s)",  # noqa: S608
                [uuid.uuid4().hex if connection.vendor == "sqlite" else uuid.uuid4(), baseline_res.pk, choices[i % 3], uuid.uuid4().hex * 2],
            )
        raw.append((time.perf_counter() - t) * 1000)
    raw.sort()
    baseline_res.delete()

    def tally():
        return voting.count(resolution, len(voting.eligible_ids(assembly)))

    def raw_count():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT choice, COUNT(*) FROM {bt} WHERE resolution_id = %s GROUP BY choice", [resolution.pk])  # noqa: S608
            return cursor.fetchall()

    def timeit(fn, n=3):
        fn()
        out = []
        for _ in range(n):
            t = time.perf_counter()
            fn()
            out.append((time.perf_counter() - t) * 1000)
        return sorted(out)[len(out) // 2]

    tally_ms, raw_count_ms = timeit(tally), timeit(raw_count)
    t = time.perf_counter()
    outcomes = voting.close(actor=admin, assembly=assembly)
    close_ms = (time.perf_counter() - t) * 1000
    o = outcomes[0]

    vote_p95, vote_p50, raw_p95 = percentile(samples, 0.95), percentile(samples, 0.5), percentile(raw, 0.95)
    print(f"result: for {o.votes_for:,}, against {o.votes_against:,}, abstain {o.votes_abstain:,}, eligible {o.eligible:,}, "
          f"quorum met {o.quorum_met}, adopted {o.adopted}")
    print(f"{'what':46} {'ms':>9} {'baseline ms':>12} {'ratio':>8}")
    print(f"{'cast a vote, p50 (' + str(len(first)) + ' queries)':46} {vote_p50:9.2f} {percentile(raw, 0.5):12.2f} {vote_p50 / percentile(raw, 0.5):8.1f}")
    print(f"{'cast a vote, p95':46} {vote_p95:9.2f} {raw_p95:12.2f} {vote_p95 / raw_p95:8.1f}")
    print(f"{'count (eligible register + ballots by choice)':46} {tally_ms:9.1f} {raw_count_ms:12.1f} {tally_ms / raw_count_ms:8.1f}")
    print(f"{'close the assembly (count + freeze + audit)':46} {close_ms:9.1f} {raw_count_ms:12.1f} {close_ms / raw_count_ms:8.1f}")
    ok = vote_p95 < VOTE_BUDGET_MS and max(tally_ms, close_ms) < COUNT_BUDGET_MS
    print(
        f"bench.governance: {'within budget' if ok else 'FAIL'}: vote p95 {vote_p95:.1f} ms (budget {VOTE_BUDGET_MS:.0f}), "
        f"count {max(tally_ms, close_ms):.0f} ms (budget {COUNT_BUDGET_MS:.0f})"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
