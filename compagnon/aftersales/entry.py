"""The entry points lower apps show: "Report a problem" on the portal page of an issued invoice and
on the tracking page of a request with a visit done (registered from ``AftersalesConfig.ready``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from compagnon.fieldwork.models import VisitState

from . import selectors
from .services import reportable_document


def _url(name: str, token: str) -> str:
    return reverse(name, args=[token])


def document_action(document, token: str) -> dict | None:
    if not reportable_document(document):
        return None
    return {"label": _("Report a problem"), "url": _url("aftersales-report-invoice", token),
            "hint": _("Something is wrong with the work invoiced? Tell us: the member who did it answers you.")}


def track_action(req, visits) -> dict | None:
    if not any(v.state == VisitState.DONE for v in visits):
        return None
    return {"label": _("Report a problem"), "url": _url("aftersales-report-visit", req.token),
            "hint": _("Something is wrong after a visit? Tell us: the member who did it answers you.")}


def procedure_source(user, pk: int) -> tuple[str, str] | None:
    """How a procedure written from case ``pk`` names it for ``user``: None when they may not see it."""
    case = selectors.cases(user).filter(pk=pk).only("pk").first()
    if case is None:
        return None
    return _("After-sales case %(number)s") % {"number": case}, reverse("aftersales-case", args=[pk])
