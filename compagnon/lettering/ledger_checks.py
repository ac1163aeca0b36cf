"""check_books: every lettering balances, on one account, for one client or supplier."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, F, Q, Sum

from compagnon.ledger.checks import HALF_CENT, register

from .models import LetteredLine, Lettering
from .parties import party_of


@register("Every lettering balances on one account, for one client or supplier")
def letterings_balance(entities):
    rows = (
        Lettering.objects.filter(entity__in=entities, undone_at__isnull=True)
        .annotate(
            d=Sum("lines__line__debit"),
            c=Sum("lines__line__credit"),
            n=Count("lines"),
            other=Count("lines", filter=~Q(lines__line__account_id=F("account_id"))),
        )
        .select_related("account")
    )
    for lettering in rows.iterator(chunk_size=2000):
        label = f"{lettering.account.code} {lettering.code} (id {lettering.pk})"
        if lettering.n < 2:
            yield f"Lettering {label}: {lettering.n} line(s)"
            continue
        if lettering.other:
            yield f"Lettering {label}: {lettering.other} line(s) on another account"
        if abs((lettering.d or 0) - (lettering.c or 0)) >= HALF_CENT:
            yield f"Lettering {label}: debits {lettering.d} ≠ credits {lettering.c}"
    by_entity: dict[int, list] = defaultdict(list)
    for link in LetteredLine.objects.filter(
        lettering__entity__in=entities, lettering__undone_at__isnull=True
    ).values(
        "lettering_id",
        "lettering__entity_id",
        "lettering__code",
        "line_id",
        "line__client_id",
        "line__account_id",
    ):
        by_entity[link["lettering__entity_id"]].append(link)
    for entity_id, links in by_entity.items():
        parties = party_of(
            [
                {
                    "id": x["line_id"],
                    "client_id": x["line__client_id"],
                    "account_id": x["line__account_id"],
                }
                for x in links
            ],
            entity_id,
        )
        seen: dict[int, set] = defaultdict(set)
        codes = {}
        for x in links:
            if parties.get(x["line_id"]) is not None:
                seen[x["lettering_id"]].add(parties[x["line_id"]])
            codes[x["lettering_id"]] = x["lettering__code"]
        for lettering_id, found in seen.items():
            if len(found) > 1:
                yield f"Lettering {codes[lettering_id]} (id {lettering_id}): lines of {len(found)} clients or suppliers"
