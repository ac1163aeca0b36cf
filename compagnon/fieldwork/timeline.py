"""A client's maintenance contracts on the client's timeline (``clients.selectors.register_timeline``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from . import rules


def contracts_on_timeline(user, client) -> list[dict]:
    rows = rules.contracts(user).filter(client=client).order_by("-starts_on", "-id")[:10]
    return [
        {
            "date": c.starts_on,
            "kind": "fieldwork_contract",
            "title": _("Maintenance contract: %(name)s") % {"name": c.name},
            "body": c.get_state_display(),
            "url": reverse("fieldwork-contract", args=[c.pk]),
        }
        for c in rows
    ]
