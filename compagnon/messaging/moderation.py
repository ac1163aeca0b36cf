"""What the entity's administrators do with a reported conversation: close the report, warn the
person reported, or suspend their writing of messages in the entity (until a date, or until lifted).

Administrators read a reported conversation up to the message it was reported at, through the
report only (``selectors.report_messages``); they never reach the conversation page itself.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.notifications.services import notify

from .models import Report, ReportState, Suspension

STATE_OF = {"close": ReportState.CLOSED, "warn": ReportState.WARNED, "suspend": ReportState.SUSPENDED}


def _inbox() -> str:
    return reverse("messaging-inbox")


@transaction.atomic
def decide_report(*, actor, report: Report, decision: str, note: str = "", until: datetime.date | None = None) -> Report:
    """Close ``report``, warn the person reported, or suspend their writing. Deciding twice the
    same way changes nothing."""
    report = (
        Report.objects.select_for_update(of=("self",)).select_related("entity", "reported", "reporter")
        .get(pk=report.pk)
    )
    require(actor, "messaging.moderate", report)
    if decision not in STATE_OF:
        raise ValidationError({"decision": _("Choose what to do: close, warn or suspend.")})
    state = STATE_OF[decision]
    if report.state == state:
        return report
    if report.state != ReportState.OPEN:
        raise ValidationError({"decision": _("This report was already decided.")})
    if report.reported_id is not None and report.reported_id == actor.pk:
        raise PermissionDenied(_("This report is about you: another administrator decides it."))
    note = (note or "").strip()[:2000]
    if decision != "close":
        if report.reported is None:
            raise ValidationError({"decision": _("Nobody is named in this report: it can only be closed.")})
        if not note:
            raise ValidationError({"note": _("Write what the person is told: they read it.")})
    if decision == "suspend" and until is not None and until < timezone.localdate():
        raise ValidationError({"until": _("The end of the suspension cannot be in the past.")})
    who = str(report.reported) if report.reported else ""
    if decision == "suspend":
        Suspension.objects.create(entity=report.entity, user=report.reported, report=report, reason=note,
                                  until=until, created_by=actor)
    report.state, report.decided_by, report.decided_at, report.decision_note = state, actor, timezone.now(), note
    report.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    messages = {
        "close": gettext_noop("Report on a conversation closed without action"),
        "warn": gettext_noop("%(name)s warned about their messages"),
        "suspend": gettext_noop("%(name)s may no longer write messages"),
    }
    record(actor=actor, action=f"messaging.report_{state}", obj=report, entity=report.entity,
           message=messages[decision], params={"name": who})
    _tell(report, decision, note, until)
    return report


def _tell(report: Report, decision: str, note: str, until) -> None:
    pk, reported, reporter = report.pk, report.reported, report.reporter

    def when():
        return date_format(until, "DATE_FORMAT") if until else ""

    def send():
        if decision == "warn":
            notify(reported, title=lambda: _("A warning from the cooperative's administrators about your messages"),
                   body=note, url=_inbox(), key=f"messaging:warned:{pk}")
        elif decision == "suspend":
            notify(reported,
                   title=(lambda: _("You can no longer write messages until %(date)s") % {"date": when()})
                   if until else (lambda: _("You can no longer write messages")),
                   body=note, url=_inbox(), key=f"messaging:suspended:{pk}")
        if reporter is not None:
            notify(reporter, title=lambda: _("The administrators dealt with the conversation you reported"),
                   url=reverse("messaging-conversation", args=[report.conversation_id]), key=f"messaging:decided:{pk}")

    transaction.on_commit(send)


@transaction.atomic
def lift_suspension(*, actor, suspension: Suspension) -> Suspension:
    suspension = Suspension.objects.select_for_update(of=("self",)).select_related("user", "entity").get(
        pk=suspension.pk
    )
    require(actor, "messaging.moderate", suspension)
    if suspension.lifted_at is not None:
        return suspension
    suspension.lifted_at, suspension.lifted_by = timezone.now(), actor
    suspension.save(update_fields=["lifted_at", "lifted_by"])
    record(actor=actor, action="messaging.suspension_lifted", obj=suspension, entity=suspension.entity,
           message=gettext_noop("%(name)s may write messages again"), params={"name": str(suspension.user)})
    user, pk = suspension.user, suspension.pk
    transaction.on_commit(lambda: notify(user, title=lambda: _("You can write messages again"), url=_inbox(),
                                         key=f"messaging:lifted:{pk}"))
    return suspension
