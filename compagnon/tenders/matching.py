"""Which members a notice is for, and telling them.

A notice's trades: the entity's ``CpvTrade`` rows whose prefix starts one of the notice's CPV codes,
or one of whose keywords appears in its title or description (accents and case ignored). Its
members: the active members of the entity with one of those trades (their own, or their
activities'), whose place fits the notice's (``zones``): the zone they serve in the directory, else
their postcode, else their office's. ``NoticeMatch`` keeps them; ``announce`` tells each one once
(the notification's key is the notice: a second run tells nobody twice).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from compagnon.members.models import ActivityMembership, Member, MemberStatus
from compagnon.notifications.services import Message, notify_many

from . import zones
from .models import CpvTrade, Notice, NoticeMatch


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return " ".join(text.split())


def trades_of(notice: Notice, mappings: Iterable[CpvTrade]) -> dict[int, int]:
    """{trade id: trade id} of the trades the notice is for."""
    text = fold(f"{notice.title} {notice.description}")
    found = {}
    for m in mappings:
        if m.cpv_prefix and any(code.startswith(m.cpv_prefix) for code in notice.cpv_codes or []):
            found[m.trade_id] = m.trade_id
        elif any(f" {fold(k)}" in f" {text}" for k in m.keyword_list):
            found[m.trade_id] = m.trade_id
    return found


def _member_places(entity_id: int, country: str) -> dict[int, set[str]]:
    from compagnon.directory.models import DirectoryProfile

    zone = dict(DirectoryProfile.objects.filter(entity_id=entity_id).exclude(zone_postcode="")
                .values_list("member_id", "zone_postcode"))
    out = {}
    for pk, postcode, office_postcode in (Member.objects.filter(entity_id=entity_id)
                                          .exclude(status=MemberStatus.LEFT)
                                          .values_list("pk", "postcode", "office__postcode")):
        out[pk] = zones.codes_for_place(zone.get(pk) or postcode or office_postcode, country)
    return out


def _member_trades(entity_id: int) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for pk, trade in Member.trades.through.objects.filter(member__entity_id=entity_id).values_list(
            "member_id", "trade_id"):
        out.setdefault(pk, set()).add(trade)
    for pk, trade in (ActivityMembership.objects.filter(member__entity_id=entity_id, activity__trade__isnull=False)
                      .values_list("member_id", "activity__trade_id")):
        out.setdefault(pk, set()).add(trade)
    return out


def match(notices: list[Notice]) -> int:
    """Record the members each notice is for (new rows only). Returns how many rows were added."""
    if not notices:
        return 0
    by_entity: dict[int, list[Notice]] = {}
    for n in notices:
        by_entity.setdefault(n.entity_id, []).append(n)
    rows = []
    for entity_id, group in by_entity.items():
        country = group[0].entity.country if hasattr(group[0], "entity") else "FR"
        mappings = list(CpvTrade.objects.filter(entity_id=entity_id))
        places = _member_places(entity_id, country)
        trades = _member_trades(entity_id)
        for n in group:
            wanted = trades_of(n, mappings)
            if not wanted:
                continue
            codes = zones.notice_codes(department=n.department, nuts=n.nuts, postcode=n.postcode, country=country)
            for member_id, member_codes in places.items():
                common = trades.get(member_id, set()) & set(wanted)
                if common and zones.fits(codes, member_codes):
                    rows.append(NoticeMatch(notice=n, member_id=member_id, trade_id=min(common)))
    NoticeMatch.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(rows)


def announce(notice_ids: Iterable[int]) -> int:
    """Tell the matched members who were not told yet (one notification per notice and member)."""
    pending = list(NoticeMatch.objects.filter(notice_id__in=list(notice_ids), announced_at__isnull=True)
                   .select_related("notice", "member__user"))
    messages = []
    for m in pending:
        n = m.notice
        title = (lambda n=n: gettext("Grant call for you: %(title)s") % {"title": n.title}) if n.kind == "grant" \
            else (lambda n=n: gettext("Tender for you: %(title)s") % {"title": n.title})
        body = (lambda n=n: gettext("Deadline: %(day)s.") % {
            "day": date_format(timezone.localtime(n.deadline).date(), "SHORT_DATE_FORMAT")}) if n.deadline else ""
        messages.append(Message(user=m.member.user, title=title, body=body,
                                url=reverse("tenders-notice", args=[n.pk]), key=f"tenders:notice:{n.pk}"))
    with transaction.atomic():
        notify_many(messages)
        NoticeMatch.objects.filter(pk__in=[m.pk for m in pending]).update(announced_at=timezone.now())
    return len(pending)
