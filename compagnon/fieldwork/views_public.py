"""Pages for clients, without an account: the request page of an entity (or office), the tracking
page of a request (its token), booking a slot, paying the deposit, the client's space of a
maintenance contract (its token), and the members' iCal feeds (secret address)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from compagnon.core.views_helpers import apply_errors, error_messages
from compagnon.organisation.models import Entity, Office

from . import antispam, hooks, ical, providers, selectors, services
from .forms import BookingForm, PublicRequestForm, RequestPhotoForm
from .models import CalendarFeed, Deposit, DepositState, Request, RequestState, Sector, Slot

CLOSED = (RequestState.CANCELLED, RequestState.DONE, RequestState.DECLINED)


def _spam(request, form, action: str) -> str | None:
    """A plain message when the form looks sent by a robot or too often, else None."""
    if form.data.get("website"):
        return _("Your request could not be sent. Please try again.")
    if antispam.filled_too_fast(form.data.get("started", "")):
        return _(
            "The form was sent too fast or the page is too old: check your answers and send it again."
        )
    if antispam.over_limit(request, action):
        return _("Too many requests from your connection: please try again in an hour.")
    return None


def request_page(request, entity_pk: int, office_pk: int | None = None):
    entity = get_object_or_404(Entity, pk=entity_pk)
    office = get_object_or_404(Office, pk=office_pk, entity=entity) if office_pk else None
    catalogue = selectors.catalogue(entity)
    form = PublicRequestForm(
        request.POST or None, services=catalogue, initial={"started": antispam.started_token()}
    )
    status = 200
    if request.method == "POST":
        problem = _spam(request, form, "request")
        if problem:
            messages.error(request, problem)
            form.data = form.data.copy()
            form.data["started"] = antispam.started_token()
            status = 400
        elif form.is_valid():
            data = form.cleaned_data
            try:
                photos = [f.read() for f in request.FILES.getlist("photos")]
                made = services.submit_request(
                    entity=entity,
                    office=office,
                    name=data["name"],
                    email=data["email"],
                    phone=data["phone"],
                    language=getattr(request, "LANGUAGE_CODE", "fr"),
                    description=data["description"],
                    street=data["street"],
                    postcode=data["postcode"],
                    city=data["city"],
                    services=data["services"],
                    wished_from=data["wished_from"],
                    wished_until=data["wished_until"],
                    photos=photos,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
                status = 400
            else:
                return redirect("fieldwork-track", made.token)
        else:
            status = 400
    return render(
        request,
        "fieldwork/public/request_form.html",
        {"form": form, "entity": entity, "office": office, "catalogue": catalogue},
        status=status,
    )


def _tracked(token: str) -> Request:
    try:
        return Request.objects.select_related("entity", "taken_by__user", "sector").get(token=token)
    except Request.DoesNotExist:
        raise Http404 from None


def track(request, token: str):
    req = _tracked(token)
    visits = list(
        req.visits.exclude(state="cancelled")
        .select_related("member__user")
        .order_by("day", "starts_at")
    )
    slots = []
    if req.state not in CLOSED and not any(v.starts_at for v in visits):
        slots = (
            selectors.free_slots(
                sector=req.sector if req.taken_by_id is None else None,
                member_id=req.taken_by_id,
                entity=req.entity,
            )
            if (req.sector_id or req.taken_by_id)
            else []
        )
    return render(
        request,
        "fieldwork/public/track.html",
        {
            "req": req,
            "visits": visits,
            "photos": req.photos.all(),
            "slots": slots,
            "deposits": req.deposits.order_by("-created_at"),
            "closed": req.state in CLOSED,
            "photo_form": RequestPhotoForm(),
            "client_actions": hooks.track_actions(req, visits),
        },
    )


def track_photo(request, token: str, photo_pk: int):
    req = _tracked(token)
    photo = get_object_or_404(req.photos, pk=photo_pk)
    return FileResponse(photo.file.open("rb"), content_type="image/jpeg")


@require_POST
def track_add_photo(request, token: str):
    req = _tracked(token)
    upload = request.FILES.get("photo")
    if upload is None:
        messages.error(request, _("Choose a photo to send."))
    elif antispam.over_limit(request, "photo", limit=20):
        messages.error(
            request, _("Too many requests from your connection: please try again in an hour.")
        )
    else:
        try:
            services.add_request_photo(request=req, data=upload.read())
            messages.success(request, _("Photo added."))
        except ValidationError as exc:
            error_messages(request, exc)
    return redirect("fieldwork-track", token)


@require_POST
def track_cancel(request, token: str):
    req = _tracked(token)
    try:
        services.cancel_request(request=req)
        messages.success(request, _("Your request is cancelled."))
    except ValidationError as exc:
        error_messages(request, exc)
    return redirect("fieldwork-track", token)


def _book(http, slot: Slot, **details):
    try:
        visit, deposit = services.book_slot(slot=slot, **details)
    except ValidationError as exc:
        return None, exc
    if deposit is not None:
        try:
            checkout = services.start_payment(deposit)
        except ValidationError as exc:
            messages.error(http, exc.messages[0])
        else:  # the provider's page (its own host), never an address the client gave
            return HttpResponseRedirect(checkout), None
    messages.success(http, _("Your visit is booked."))
    return redirect("fieldwork-track", visit.request.token), None


@require_POST
def track_book(request, token: str):
    req = _tracked(token)
    slot = get_object_or_404(
        Slot, pk=request.POST.get("slot") if str(request.POST.get("slot", "")).isdigit() else 0
    )
    response, exc = _book(request, slot, request=req)
    if exc is not None:
        error_messages(request, exc)
        return redirect("fieldwork-track", token)
    return response


def sector_booking(request, sector_pk: int):
    """A sector's public page: its free slots and the form to book one."""
    sector = get_object_or_404(Sector.objects.select_related("entity"), pk=sector_pk)
    slots = selectors.free_slots(sector=sector)
    form = BookingForm(request.POST or None, initial={"started": antispam.started_token()})
    status = 200
    if request.method == "POST":
        problem = _spam(request, form, "booking")
        if problem:
            messages.error(request, problem)
            status = 400
        elif form.is_valid():
            data = form.cleaned_data
            slot = next((s for s in slots if s.pk == data["slot"]), None)
            if slot is None:
                form.add_error(None, _("This slot is no longer free: choose another one."))
                status = 400
            else:
                response, exc = _book(
                    request,
                    slot,
                    **{
                        k: data[k]
                        for k in (
                            "name",
                            "email",
                            "phone",
                            "street",
                            "postcode",
                            "city",
                            "description",
                        )
                    },
                )
                if exc is None:
                    return response
                apply_errors(form, exc)
                status = 400
        else:
            status = 400
    return render(
        request,
        "fieldwork/public/book.html",
        {"sector": sector, "slots": slots, "form": form},
        status=status,
    )


def payment_return(request, token: str, deposit_pk: int):
    req = _tracked(token)
    deposit = get_object_or_404(Deposit, pk=deposit_pk, request=req)
    deposit = services.refresh_deposit(deposit)
    if deposit.state == DepositState.PAID:
        messages.success(request, _("Thank you: the deposit is paid and your visit is booked."))
    elif deposit.state == DepositState.FAILED:
        messages.error(
            request,
            _("The deposit was not paid: the booking is cancelled. You may book another slot."),
        )
    else:
        messages.info(request, _("The payment is being confirmed; this page will show it shortly."))
    return redirect("fieldwork-track", token)


@csrf_exempt
@require_POST
def payment_webhook(request, provider: str):
    """The provider tells that a payment changed (Mollie posts ``id``); the state is read back
    from the provider, never from this call."""
    ref = (request.POST.get("id") or "")[:100]
    deposit = Deposit.objects.filter(provider=provider, provider_ref=ref).first() if ref else None
    if deposit is not None:
        services.refresh_deposit(deposit)
    return HttpResponse(status=200)


def local_pay(request, ref: str):
    """The checkout page of the local (development, demo) payment provider."""
    provider = providers.get_provider()
    if not isinstance(provider, providers.LocalProvider) or provider.payment(ref) is None:
        raise Http404
    if request.method == "POST":
        outcome = "paid" if request.POST.get("outcome") == "paid" else "failed"
        data = provider.settle(ref, outcome)
        return HttpResponseRedirect(
            data["return_url"]
        )  # made by start_payment, never by the client
    return render(
        request, "fieldwork/public/local_pay.html", {"payment": provider.payment(ref), "ref": ref}
    )


def client_space(request, token: str):
    """The client's space of a maintenance contract: upcoming visits, and the tasks of the next one
    to choose or swap."""
    try:
        contract = selectors.contract_by_token(token)
    except Exception:
        raise Http404 from None
    nxt = services.next_visit(contract)
    if request.method == "POST" and nxt is not None:
        ids = [int(v) for v in request.POST.getlist("tasks") if v.isdigit()]
        try:
            services.choose_tasks(contract=contract, visit=nxt, task_ids=ids)
            messages.success(request, _("Thank you: the tasks of your next visit are saved."))
            return redirect("fieldwork-client-space", token)
        except ValidationError as exc:
            error_messages(request, exc)
    chosen = set(nxt.tasks.values_list("contract_task_id", flat=True)) if nxt else set()
    return render(
        request,
        "fieldwork/public/client_space.html",
        {
            "contract": contract,
            "next": nxt,
            "chosen": chosen,
            "tasks": list(contract.tasks.all()),
            "upcoming": selectors.upcoming_visits(contract),
        },
    )


def ical_feed(request, token: str):
    feed = CalendarFeed.objects.select_related("member__user").filter(token=token).first()
    if feed is None:
        raise Http404
    response = HttpResponse(
        ical.member_calendar(feed.member), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = 'inline; filename="visits.ics"'
    return response
