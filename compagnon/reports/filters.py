"""Query-string filters shared by pages, exports and the API (parsed through core.params)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from compagnon.core.params import BadParameter, choice_param, date_param, raw_param, text_param
from compagnon.ledger.models import Account, Journal
from compagnon.members.models import Activity

from .sums import ANY, OWN

FORMATS = ("html", "csv", "pdf")


def activity_param(source, entity):
    """``?activity=`` → ANY (absent), OWN ("own": the cooperative's own lines) or an activity id
    of ``entity`` (another entity's id matches nothing: an empty report, not an error)."""
    value = raw_param(source, "activity")
    if not value:
        return ANY
    if value == OWN:
        return OWN
    if not value.isdigit() or len(value) > 18 or int(value) < 1:
        raise BadParameter(
            "activity", _("The parameter “activity” must be “own” or the number of an activity.")
        )
    pk = int(value)
    return pk if Activity.objects.filter(entity=entity, pk=pk).exists() else -1


def as_of_param(source) -> datetime.date:
    return date_param(source, "date", default=timezone.localdate())


def format_param(source) -> str:
    return choice_param(source, "format", FORMATS, default="html")


def account_of(entity, code: str) -> Account | None:
    return Account.objects.filter(entity=entity, code=code).first()


def journal_of(entity, code: str) -> Journal | None:
    return Journal.objects.filter(entity=entity, code=code).first()


def after_param(source) -> str:
    return text_param(source, "after", max_length=60)


def activity_label(entity, activity) -> str:
    if activity is ANY:
        return ""
    if activity == OWN:
        return _("the cooperative's own lines")
    found = (
        Activity.objects.filter(entity=entity, pk=activity).values_list("name", flat=True).first()
    )
    return found or ""
