"""Pages for clients, without an account: report a problem from an invoice's portal link or from a
request's tracking page, then follow the case (status, warranty, messages, photos) through its own
signed link. Spam protection as on the other public forms (fieldwork/antispam.py)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from compagnon.core.views_helpers import apply_errors, error_messages
from compagnon.fieldwork import antispam
from compagnon.fieldwork.models import Request, VisitState
from compagnon.portal.tokens import LinkError
from compagnon.portal.tokens import read_token as read_portal_token

from . import selectors, services
from .forms import ClientMessageForm, ReportForm
from .models import Case, Origin, State
from .tokens import make_token, read_token

PHOTO_LIMIT = 20  # photos an hour per address


def _private(response):
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"
    return response


def _spam(request, form) -> str | None:
    if form.data.get("website"):
        return _("Your request could not be sent. Please try again.")
    if antispam.filled_too_fast(form.data.get("started", "")):
        return _("The form was sent too fast or the page is too old: check your answers and send it again.")
    if antispam.over_limit(request, "aftersales"):
        return _("Too many requests from your connection: please try again in an hour.")
    return None


def _photos(request) -> list[bytes]:
    return [f.read(services.photo_rules.MAX_BYTES + 1) for f in request.FILES.getlist("photos")]


def _report(request, *, origin, language, context, visits=None, document=None, visit_of=None, initial=None):
    form = ReportForm(request.POST or None, visits=visits, initial={"started": antispam.started_token(), **(initial or {})})
    status = 200
    if request.method == "POST":
        problem = _spam(request, form)
        if problem:
            messages.error(request, problem)
            form.data = form.data.copy()
            form.data["started"] = antispam.started_token()
            status = 400
        elif form.is_valid():
            d = form.cleaned_data
            visit = visit_of(d["visit"]) if visit_of else None
            if visit_of and visit is None:
                form.add_error("visit", _("Choose one of the visits of this request."))
                status = 400
            else:
                try:
                    case = services.report_case(origin=origin, document=document, visit=visit,
                                                description=d["description"], name=d["name"], email=d["email"],
                                                language=language, photos=_photos(request))
                except ValidationError as exc:
                    apply_errors(form, exc)
                    status = 400
                else:
                    messages.success(request, _("Your report is sent. Keep this page: it shows where it stands."))
                    return redirect("aftersales-client", token=make_token(case))
        else:
            status = 400
    return _private(render(request, "aftersales/client_report.html", {**context, "form": form}, status=status))


@require_http_methods(["GET", "POST"])
def report_invoice(request, token: str):
    """From an issued invoice's portal link: the link proves the client may read that invoice."""
    try:
        access = read_portal_token(token)
    except LinkError:
        raise Http404 from None
    document = access.document
    if not services.reportable_document(document):
        raise Http404
    with translation.override(document.language):
        context = {"about": _("Invoice %(number)s") % {"number": document.number}, "activity": document.activity,
                   "back": ("portal-document", token)}
        return _report(request, origin=Origin.INVOICE, language=document.language, context=context,
                       document=document, initial={"name": document.client.name, "email": document.client.email})


@require_http_methods(["GET", "POST"])
def report_visit(request, token: str):
    """From a request's tracking page: the visits done for that request."""
    req = get_object_or_404(Request.objects.select_related("entity"), token=token)
    done = list(req.visits.filter(state=VisitState.DONE).select_related("activity", "client").order_by("-day", "-id"))
    if not done:
        raise Http404
    language = req.language or "fr"
    with translation.override(language):
        choices = [(v.pk, date_format(v.day, "DATE_FORMAT") if v.day else _("date to be set")) for v in done]
        by_pk = {v.pk: v for v in done}
        context = {"about": _("A visit for your request"), "activity": done[0].activity,
                   "back": ("fieldwork-track", token)}
        return _report(request, origin=Origin.VISIT, language=language, context=context, visits=choices,
                       visit_of=by_pk.get, initial={"visit": done[0].pk, "name": req.name, "email": req.email})


def client_view(view):
    """Resolve the signed link to its case (404 otherwise) and answer in the client's language."""

    @wraps(view)
    def wrapper(request, token, *args, **kwargs):
        try:
            case = read_token(token)
        except Case.DoesNotExist:
            raise Http404 from None
        with translation.override(case.language):
            response = view(request, case, token, *args, **kwargs)
        return _private(response)

    return wrapper


def _case_page(request, case, token, form=None, status=200):
    return render(request, "aftersales/client_case.html", {
        "case": case, "token": token, "thread": selectors.thread(case), "form": form or ClientMessageForm(),
        "closed": case.state == State.CLOSED, "draft_key": f"compagnon:aftersales:client:{case.pk}",
    }, status=status)


@require_http_methods(["GET"])
@client_view
def client_case(request, case, token):
    return _case_page(request, case, token)


@require_POST
@client_view
def client_write(request, case, token):
    form = ClientMessageForm(request.POST)
    if antispam.over_limit(request, "aftersales-message", limit=30):
        messages.error(request, _("Too many requests from your connection: please try again in an hour."))
        return _case_page(request, case, token, form, status=400)
    if form.is_valid():
        try:
            services.client_write(case=case, body=form.cleaned_data["body"], photos=_photos(request))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Your message is sent."))
            return redirect("aftersales-client", token=token)
    return _case_page(request, case, token, form, status=400)


@require_POST
@client_view
def client_close(request, case, token):
    try:
        services.client_close(case=case)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The case is closed. Thank you for telling us."))
    return redirect("aftersales-client", token=token)


@require_http_methods(["GET"])
@client_view
def client_photo(request, case, token, pk: int):
    try:
        photo = selectors.photo_of(case, pk)
    except ObjectDoesNotExist:
        raise Http404 from None
    return FileResponse(photo.file.open("rb"), content_type="image/jpeg")
