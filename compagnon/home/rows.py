"""The long lists of the member's home built here rather than by the template engine: with 50
activities, the activity list and the money table cost ~11 ms of template rendering per request
(a ``{% blocktranslate %}``, a ``get_..._display`` and a dozen lookups per row); this costs a
fraction of it. The markup is the one the templates had; every value is escaped by ``format_html``."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from compagnon.members.models import ActivityRole, ActivityStatus

_CELL = '<td class="num" data-label="{}">{}&nbsp;€</td>'


def activity_items(memberships) -> SafeString:
    """The ``<li>`` of each membership of the home's "My activities" list (``detail_url``,
    ``settings_url`` and ``logo_url`` set on each by the view)."""
    settings = _("Settings")
    roles = dict(ActivityRole.choices)
    statuses = dict(ActivityStatus.choices)
    out = []
    for m in memberships:
        a = m.activity
        swatch = format_html('<img src="{}" alt="">', m.logo_url) if a.logo else a.name[:1].upper()
        about = [str(a.trade.name)] if a.trade_id else []
        about.append(str(roles.get(m.role, m.role)))
        if m.colleagues > 1:
            about.append(ngettext("collective of %(n)s member", "collective of %(n)s members", m.colleagues)
                         % {"n": m.colleagues})
        badge = (format_html('<span class="badge {}">{}</span>', a.status, statuses.get(a.status, a.status))
                 if a.status != ActivityStatus.ACTIVE else "")
        button = (format_html('<a class="button secondary" href="{}">{}</a>', m.settings_url, settings)
                  if m.role == ActivityRole.HOLDER else "")
        out.append(format_html(
            '<li>\n      <span class="swatch" style="background: {}">{}</span>\n'
            '      <span class="grow"><a href="{}"><strong>{}</strong></a><br>\n'
            '        <span class="muted">{}</span></span>\n      {}\n      {}\n    </li>',
            a.brand_color, swatch, m.detail_url, a.name, " · ".join(about), badge, button))
    return mark_safe("".join(out))  # noqa: S308 — each part went through format_html


def money_rows(money, links: bool) -> SafeString:
    """The ``<tr>`` of each activity of the money table (``home/_money.html``)."""
    labels = (_("Owed"), _("Overdue"), _("Cashed this month"), _("Revenue"), _("Result"))
    out = []
    for row in money.activities:
        name = format_html('<a href="{}">{}</a>', row.url, row.activity.name) if links else row.activity.name
        s = row.shown
        cells = format_html_join("", _CELL, zip(labels, (s["owed"], s["overdue"], s["cashed"], s["revenue"],
                                                          s["result"]), strict=True))
        out.append(format_html('<tr>\n    <th scope="row">{}</th>\n    {}\n  </tr>', name, cells))
    return mark_safe("".join(out))  # noqa: S308 — each part went through format_html
