"""The load bench's data: the demo cooperative, a scale cooperative whose members are the simulated
ones, and the accounts file the locust users read.

Runs with Django set up on the bench database (development settings: ``seed_demo`` refuses
production), before the production server starts:

1. ``seed_demo``, then ``seed_scale --members M --invoices I`` (fast bulk seeding): a French and a
   Belgian entity whose members hold activities with 3–20 clients and issued invoices (their PDF
   is the entity's archived specimen, as seed_scale does);
2. **the demo accounts become ordinary accounts**: production refuses to serve a database that has
   demo accounts (``accounts.demo_guard``) and refuses their logins, so ``is_demo`` is cleared and
   ``@demo.coop`` logins move to ``@demo-bench.test``. Their password hash is kept;
3. one account per simulated member: a member (contract or associate) holding an open activity
   with at least two clients and an issued invoice with its archived PDF; one member per activity,
   one activity per member. Their password is seed_scale's, hashed once with the production
   hasher (PBKDF2, 1,000,000 iterations), so a login costs on the server what it costs in
   production. Each gets a quote draft (the one they autosave), and one in five a personal API
   token, made as ``accounts.services.create_api_token`` makes it;
4. the accounts are written to ``users.json`` (email, password, ids, VAT choice, a private
   address of their own for ``X-Forwarded-For``).
"""

from __future__ import annotations

import io
import json
import time
from decimal import Decimal
from pathlib import Path

SCALE_PASSWORD = "scale"  # compagnon.members.scale.PASSWORD


def seed(*, members: int, invoices: int, seed: int, log=print) -> None:
    from django.core.management import call_command

    t = time.perf_counter()
    call_command("seed_demo", stdout=io.StringIO())
    log(f"  seed_demo {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    call_command("seed_scale", members=members, invoices=invoices, seed=seed, stdout=io.StringIO())
    log(f"  seed_scale --members {members} --invoices {invoices} {time.perf_counter() - t:.1f} s")
    undemo()


def undemo() -> int:
    """Demo accounts become ordinary ones (production serves no database that has any)."""
    from allauth.account.models import EmailAddress
    from django.db.models import Q, Value
    from django.db.models.functions import Replace

    from compagnon.accounts.demo_guard import DEMO_DOMAIN
    from compagnon.accounts.models import User

    demo = Q(is_demo=True) | Q(email__iendswith=f"@{DEMO_DOMAIN}")
    n = User.objects.filter(demo).update(
        is_demo=False, email=Replace("email", Value(f"@{DEMO_DOMAIN}"), Value("@demo-bench.test"))
    )
    EmailAddress.objects.filter(email__iendswith=f"@{DEMO_DOMAIN}").update(
        email=Replace("email", Value(f"@{DEMO_DOMAIN}"), Value("@demo-bench.test"))
    )
    return n


def _candidates(seed: int):
    """(user, activity, client ids, issued invoice id) for members of the scale entities who hold
    an open activity with two clients or more and an issued invoice with its archived PDF."""
    from django.db.models import Count, Q

    from compagnon.accounts.models import Role, RoleAssignment, User
    from compagnon.members.models import (
        ActivityMembership,
        ActivityRole,
        ActivityStatus,
        MemberStatus,
    )
    from compagnon.sales.models import Document, Kind, State

    admin = User.objects.get(email=f"admin-{seed}@scale.test")
    entities = list(RoleAssignment.objects.filter(user=admin, role=Role.ADMIN).values_list("entity_id", flat=True))
    memberships = (
        ActivityMembership.objects.filter(
            role=ActivityRole.HOLDER,
            activity__entity_id__in=entities,
            activity__status=ActivityStatus.ACTIVE,
            member__status__in=[MemberStatus.CONTRACT, MemberStatus.ASSOCIATE],
        )
        .annotate(n_clients=Count("activity__clients", filter=Q(activity__clients__archived=False),
                                  distinct=True))
        .filter(n_clients__gte=2)
        .select_related("activity__entity", "member__user")
        .order_by("member_id", "activity_id")
    )
    issued = {}
    for activity_id, pk in (
        Document.objects.filter(activity__entity_id__in=entities, kind=Kind.INVOICE, state=State.ISSUED)
        .exclude(pdf="")
        .order_by("activity_id", "-id")
        .values_list("activity_id", "id")
    ):
        issued.setdefault(activity_id, pk)
    seen_members, seen_activities = set(), set()
    for m in memberships:
        if m.member_id in seen_members or m.activity_id in seen_activities or m.activity_id not in issued:
            continue
        if m.activity.members.count() > 1:  # a collective: its documents are shared
            continue
        seen_members.add(m.member_id)
        seen_activities.add(m.activity_id)
        clients = list(m.activity.clients.filter(archived=False).order_by("id").values_list("id", flat=True)[:5])
        yield m.member.user, m.activity, clients, issued[m.activity_id]


def accounts(*, members: int, api: int, seed: int, out: Path) -> dict:
    """Pick ``members + api`` accounts, give each a quote draft (and the API ones a token), and
    write them to ``out``. Returns a summary."""
    from django.db import transaction

    from compagnon.accounts.models import ApiToken
    from compagnon.sales import services
    from compagnon.sales.forms import parse_vat, standard_vat
    from compagnon.sales.models import Kind

    wanted = members + api
    picked = []
    for row in _candidates(seed):
        picked.append(row)
        if len(picked) == wanted:
            break
    if len(picked) < wanted:
        raise SystemExit(
            f"bench load: only {len(picked)} members fit (own activity, 2+ clients, an issued invoice); "
            f"{wanted} needed. Raise --scale-members."
        )
    rows = []
    with transaction.atomic():
        for i, (user, activity, clients, issued) in enumerate(picked):
            vat = standard_vat(activity.entity)
            category, rate = parse_vat(vat)
            draft = services.create_document(
                actor=user, activity=activity, client=activity.clients.get(pk=clients[0]), kind=Kind.QUOTE,
                lines=[{"kind": "item", "description": "Entretien du jardin", "quantity": Decimal("2"),
                        "unit": "HUR", "unit_price": Decimal("45"), "vat_category": category, "vat_rate": rate}],
            )
            row = {
                "email": user.email, "password": SCALE_PASSWORD, "activity": activity.pk, "entity": activity.entity_id,
                "clients": clients, "issued": issued, "draft": draft.pk, "vat": vat, "vat_category": category,
                "vat_rate": str(rate), "language": draft.language if draft.language in ("fr", "nl", "en") else "fr",
                "ip": f"10.77.{i // 250}.{i % 250 + 1}", "token": None,
            }
            if i >= members:  # the API accounts: a token each, as create_api_token makes it
                raw = ApiToken.new_key()
                ApiToken.objects.create(user=user, name="bench load", prefix=raw[4 : 4 + ApiToken.PREFIX_LENGTH],
                                        key_hash=ApiToken.hash_key(raw))
                row["token"] = raw
            rows.append(row)
    data = {"members": rows[:members], "api": rows[members:]}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=1), encoding="utf-8")
    entities = sorted({r["entity"] for r in rows})
    return {"members": members, "api": api, "entities": entities}
