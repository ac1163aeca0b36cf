"""What peer help adds to the directory (registered from ``apps.PeerhelpConfig.ready``): the
"helper" badge of the members who answered colleagues (answers, accepted answers, trades) and
the search's "Helpers only" criterion. One query per page of the directory."""

from __future__ import annotations

from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from compagnon.directory.hooks import Badge
from compagnon.members.models import Trade

from .models import HelperStat

FILTER = "helper"
FILTER_LABEL = _("Helpers only (members who answer colleagues' questions)")


_trades: dict[int, Trade] = {}


def _forget_trades(**kwargs) -> None:
    _trades.clear()


post_save.connect(_forget_trades, sender=Trade, dispatch_uid="peerhelp-trades-saved")
post_delete.connect(_forget_trades, sender=Trade, dispatch_uid="peerhelp-trades-deleted")


def _trade_names(ids) -> dict[int, str]:
    """Trades are few and rarely change: read once per process (forgotten when one changes), so
    the badges of a page stay one query."""
    if any(t not in _trades for t in ids):
        _trades.update({t.pk: t for t in Trade.objects.all()})
    return {t: _trades[t].name for t in ids if t in _trades}


def badges(member_ids) -> dict[int, list[Badge]]:
    stats = list(HelperStat.objects.filter(member_id__in=member_ids, answers__gt=0))
    if not stats:
        return {}
    names = _trade_names({t for s in stats for t in s.trade_ids})
    out = {}
    for s in stats:
        lines = [ngettext("%(n)s answer to colleagues", "%(n)s answers to colleagues", s.answers) % {"n": s.answers}]
        if s.accepted:
            lines.append(ngettext("%(n)s accepted", "%(n)s accepted", s.accepted) % {"n": s.accepted})
        trades = [names[t] for t in s.trade_ids if t in names]
        if trades:
            lines.append(", ".join(sorted(trades)))
        out[s.member_id] = [Badge(label=gettext("Helper"), lines=lines)]
    return out


def helpers_condition() -> Q:
    return Q(member_id__in=HelperStat.objects.filter(answers__gt=0).values("member_id"))


def register() -> None:
    from compagnon.directory import hooks

    hooks.register_badges(badges)
    hooks.register_filter(FILTER, FILTER_LABEL, helpers_condition)
