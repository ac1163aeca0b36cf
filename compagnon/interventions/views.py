"""Pages on the phone at the client's: today's visits, a visit (check-in/out and its sheet), the
QR code of a home, the sheets of the sector; the client's page of a sheet (secret link).

Every POST here is a plain form (works without JavaScript) that ``static/interventions/visit.js``
queues when the network is gone (``core/static/core/offline.js``): a queued request carries
``X-Compagnon-Queued: 1`` and gets a short JSON answer (``{"message"}``, ``{"errors": [...]}`` with
400, 409 when the sheet changed elsewhere) instead of a redirect.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from compagnon.core.params import id_param
from compagnon.core.views_helpers import get_or_404
from compagnon.fieldwork import rules as fieldwork_rules

from . import hooks, qr, rules, selectors, services
from .models import PhotoKind, PresenceKind, SheetState


def _queued(request) -> bool:
    return request.headers.get("X-Compagnon-Queued") == "1"


def _problems(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [str(m) for msgs in exc.message_dict.values() for m in msgs]
    return [str(m) for m in exc.messages]


def _answer(
    request, *, ok: str | None = None, error: ValidationError | None = None, to: str, extra=None
):
    """The queued request's JSON, or a message and a redirect for a plain form."""
    if _queued(request):
        if error is not None:
            return JsonResponse({"errors": _problems(error)}, status=400)
        return JsonResponse({"message": ok or "", **(extra or {})})
    if error is not None:
        for problem in _problems(error):
            messages.error(request, problem)
    elif ok:
        messages.success(request, ok)
    return redirect(to)


def _when(request):
    raw = (request.POST.get("at") or "").strip()
    if not raw:
        return None
    value = parse_datetime(raw)
    if value is None:
        raise ValidationError({"at": _("The time must be a date and time (YYYY-MM-DDTHH:MM).")})
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


# --- today ---------------------------------------------------------------------------------------


@login_required
@require_GET
def today(request):
    visits = selectors.today(request.user)
    for v in visits:
        presences = list(v.presences.all())
        v.checked_in = bool(presences) and presences[-1].kind == PresenceKind.IN
        v.checked_out = bool(presences) and presences[-1].kind == PresenceKind.OUT
        try:
            v.sheet_state = v.sheet.get_state_display()
        except ObjectDoesNotExist:
            v.sheet_state = ""
    return render(
        request,
        "interventions/today.html",
        {
            "visits": visits,
            "day": timezone.localdate(),
            "is_member": rules.member_id(request.user) is not None,
            "visit_urls": [reverse("interventions-visit", args=[v.pk]) for v in visits],
        },
    )


# --- a visit -------------------------------------------------------------------------------------


@login_required
@require_GET
def visit(request, pk: int):
    v = get_or_404(selectors.visit, request.user, pk)
    mine = request.user.has_perm("interventions.record_presence", v)
    if mine:
        services.ensure_sheet(actor=request.user, visit=v)
    sheet = selectors.sheet_of_visit(v)
    presences = selectors.presences_of(request.user, v)
    stock = (
        list(selectors.stock(request.user, sector_id=v.sector_id)) if (mine and v.sector_id) else []
    )
    supplies = list(sheet.supplies.all()) if sheet else []
    editable = bool(mine and sheet and sheet.state == SheetState.DRAFT and not sheet.document_id)
    return render(
        request,
        "interventions/visit.html",
        {
            "visit": v,
            "sheet": sheet,
            "mine": mine,
            "editable": editable,
            "presences": presences,
            "checked_in": bool(presences) and presences[-1].kind == PresenceKind.IN,
            "consent": selectors.consent_of(request.user),
            "stock": stock,
            "supplies": supplies,
            "blank_supplies": range(len(supplies) + 1, len(supplies) + 3) if editable else [],
            "edit_key": uuid.uuid4().hex,
            "sheet_sections": hooks.render_sections(request, sheet, editable=editable) if sheet else [],
            "may_code": request.user.has_perm("fieldwork.plan_visit", v),
            "photo_kinds": PhotoKind.choices,
            "client_link": request.build_absolute_uri(
                reverse("interventions-client-sheet", args=[sheet.client_token])
            )
            if sheet and sheet.state != SheetState.DRAFT
            else "",
        },
    )


@login_required
@require_POST
def presence(request, pk: int):
    v = get_or_404(selectors.visit, request.user, pk)
    to = reverse("interventions-visit", args=[v.pk])
    try:
        p = services.record_presence(
            actor=request.user,
            visit=v,
            kind=request.POST.get("kind", ""),
            at=_when(request),
            client_uuid=request.POST.get("client_uuid") or None,
            latitude=request.POST.get("latitude"),
            longitude=request.POST.get("longitude"),
            accuracy_m=request.POST.get("accuracy_m"),
        )
    except ValidationError as exc:
        return _answer(request, error=exc, to=to)
    at = timezone.localtime(p.at).strftime("%H:%M")
    text = (
        _("Checked in at %(time)s.") if p.kind == PresenceKind.IN else _("Checked out at %(time)s.")
    ) % {"time": at}
    return _answer(request, ok=text, to=to)


@login_required
@require_POST
def consent(request):
    allowed = request.POST.get("allowed") == "yes"
    services.set_position_consent(actor=request.user, allowed=allowed)
    text = (
        _("Your position will be recorded at check-in and check-out.")
        if allowed
        else _("Your position will not be recorded.")
    )
    visit_id = id_param(request.POST, "visit")
    to = (
        reverse("interventions-visit", args=[visit_id])
        if visit_id
        else reverse("interventions-today")
    )
    return _answer(request, ok=text, to=to)


def _sheet_for(request, pk: int):
    sheet = get_or_404(selectors.sheet, request.user, pk)
    return sheet, reverse("interventions-visit", args=[sheet.visit_id])


def _supplies_from(post) -> list[dict]:
    items, names, quantities = (
        post.getlist("supply_item"),
        post.getlist("supply_name"),
        post.getlist("supply_quantity"),
    )
    rows = []
    for i in range(max(len(items), len(names), len(quantities))):
        item = items[i] if i < len(items) else ""
        name = names[i] if i < len(names) else ""
        quantity = quantities[i] if i < len(quantities) else ""
        if not (item or name.strip() or quantity.strip()):
            continue
        rows.append({"item": item or None, "name": name, "quantity": quantity})
    return rows


def _int(value, field: str, label: str):
    value = (value or "").strip()
    if value == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise ValidationError({field: label}) from None


@login_required
@require_POST
def sheet_save(request, pk: int):
    sheet, to = _sheet_for(request, pk)
    try:
        minutes = _int(
            request.POST.get("minutes"),
            "minutes",
            _("The time spent must be a whole number of minutes."),
        )
        base = _int(request.POST.get("base"), "base", _("The version must be a whole number."))
        services.update_sheet(
            actor=request.user,
            sheet=sheet,
            base_version=base,
            edit_key=request.POST.get("edit_key", ""),
            minutes=minutes,
            remarks=request.POST.get("remarks", ""),
            green_waste_kg=request.POST.get("green_waste_kg", ""),
            done_tasks=[t for t in request.POST.getlist("done") if t.isdigit()],
            supplies=_supplies_from(request.POST),
            client_signs_later=request.POST.get("client_signs_later") == "1",
            extra=request.POST,
        )
    except services.SheetConflict as exc:
        if _queued(request):
            return JsonResponse({"errors": [str(exc)], "version": exc.sheet.version}, status=409)
        messages.error(request, str(exc))
        return redirect(to)
    except ValidationError as exc:
        return _answer(request, error=exc, to=to)
    sheet.refresh_from_db(fields=["version"])
    return _answer(
        request, ok=_("Intervention sheet saved."), to=to, extra={"version": sheet.version}
    )


@login_required
@require_POST
def sheet_photo(request, pk: int):
    sheet, to = _sheet_for(request, pk)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ValidationError({"file": _("Choose or take a photo.")})
        data = upload.read(
            services.photos.MAX_BYTES + 1
        )  # larger files are refused without reading them whole
        services.add_photo(
            actor=request.user,
            sheet=sheet,
            kind=request.POST.get("kind", ""),
            data=data,
            name=upload.name,
            client_uuid=request.POST.get("client_uuid") or None,
        )
    except ValidationError as exc:
        return _answer(request, error=exc, to=to)
    return _answer(request, ok=_("Photo added."), to=to)


@login_required
@require_POST
def sheet_sign(request, pk: int):
    sheet, to = _sheet_for(request, pk)
    try:
        services.sign_sheet(
            actor=request.user,
            sheet=sheet,
            strokes=request.POST.get("strokes", ""),
            signed_by=request.POST.get("signed_by", ""),
            width=_int(
                request.POST.get("width"),
                "signature",
                _("The drawing could not be read: clear it and sign again."),
            )
            or 600,
            height=_int(
                request.POST.get("height"),
                "signature",
                _("The drawing could not be read: clear it and sign again."),
            )
            or 200,
            edit_key=request.POST.get("edit_key", ""),
        )
    except ValidationError as exc:
        return _answer(request, error=exc, to=to)
    return _answer(request, ok=_("Signature saved."), to=to)


@login_required
@require_POST
def sheet_validate(request, pk: int):
    sheet, to = _sheet_for(request, pk)
    later = request.POST.get("client_signs_later")
    try:
        sheet = services.validate_sheet(
            actor=request.user,
            sheet=sheet,
            client_signs_later=None if later is None else later == "1",
        )
    except ValidationError as exc:
        return _answer(request, error=exc, to=to)
    text = (
        _("Sheet validated.")
        if sheet.state == SheetState.VALIDATED
        else _("Sheet validated: waiting for the client.")
    )
    return _answer(request, ok=text, to=to)


@login_required
@require_GET
def photo_file(request, pk: int):
    p = get_or_404(selectors.photo, request.user, pk)
    original = request.GET.get("original") == "1" and p.original
    f = p.original if original else p.file
    response = FileResponse(
        f.open("rb"),
        content_type="application/octet-stream" if original else "image/jpeg",
        as_attachment=bool(original),
        filename=p.original_name if original else None,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _signature_response(sheet):
    if not sheet.signature:
        raise Http404
    with sheet.signature.open("rb") as f:
        response = HttpResponse(f.read(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def signature(request, pk: int):
    return _signature_response(get_or_404(selectors.sheet, request.user, pk))


# --- the QR code of a home -----------------------------------------------------------------------


def _scan_url(request, code) -> str:
    return request.build_absolute_uri(reverse("interventions-scan", args=[code.token]))


@login_required
@require_http_methods(["GET", "POST"])
def home_code(request, pk: int):
    v = get_or_404(selectors.visit, request.user, pk)
    if not request.user.has_perm("fieldwork.plan_visit", v):
        raise PermissionDenied
    if request.method == "POST":
        services.create_home_code(actor=request.user, visit=v)
        messages.success(
            request,
            _(
                "New QR code made: print it and leave it at the client's; the previous one no longer works."
            ),
        )
        return redirect("interventions-home-code", pk=v.pk)
    code = selectors.current_home_code(v)
    return render(
        request,
        "interventions/home_code.html",
        {
            "visit": v,
            "code": code,
            "svg": qr.svg(_scan_url(request, code)).decode() if code else "",
        },
    )


@login_required
@require_GET
def home_code_image(request, pk: int, fmt: str):
    v = get_or_404(selectors.visit, request.user, pk)
    if not request.user.has_perm("fieldwork.plan_visit", v):
        raise PermissionDenied
    code = selectors.current_home_code(v)
    if code is None:
        raise Http404
    url = _scan_url(request, code)
    if fmt == "svg":
        response = HttpResponse(qr.svg(url), content_type="image/svg+xml")
    else:
        response = HttpResponse(qr.png(url), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="qr-{v.client_id}.{fmt}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def scan(request, token: str):
    """What the QR code at a client's home opens: one tap checks in (or out)."""
    try:
        v = services.todays_visit_for_code(actor=request.user, token=token)
    except ValidationError as exc:
        return render(request, "interventions/scan.html", {"problems": _problems(exc)}, status=404)
    except PermissionDenied:
        raise Http404 from None
    if request.method == "POST":
        try:
            p = services.presence_by_code(
                actor=request.user,
                token=token,
                client_uuid=request.POST.get("client_uuid") or None,
                at=_when(request),
                latitude=request.POST.get("latitude"),
                longitude=request.POST.get("longitude"),
                accuracy_m=request.POST.get("accuracy_m"),
            )
        except ValidationError as exc:
            return _answer(request, error=exc, to=reverse("interventions-visit", args=[v.pk]))
        at = timezone.localtime(p.at).strftime("%H:%M")
        text = (
            _("Checked in at %(time)s.")
            if p.kind == PresenceKind.IN
            else _("Checked out at %(time)s.")
        ) % {"time": at}
        return _answer(request, ok=text, to=reverse("interventions-visit", args=[v.pk]))
    last = v.presences.order_by("-at", "-id").first()
    return render(
        request,
        "interventions/scan.html",
        {
            "visit": v,
            "leaving": last is not None and last.kind == PresenceKind.IN,
            "consent": selectors.consent_of(request.user),
            "client_uuid": uuid.uuid4(),
        },
    )


# --- sheets of the sector --------------------------------------------------------------------------


@login_required
@require_GET
def sheets(request):
    from compagnon.core.params import choice_param, paginate

    state = choice_param(request.GET, "state", [s.value for s in SheetState])
    sector_id = id_param(request.GET, "sector")
    rows = selectors.sheets(request.user, state=state or "", sector_id=sector_id)
    page = paginate(request.GET, rows, 30)
    return render(
        request,
        "interventions/sheets.html",
        {
            "page": page,
            "sheets": page.object_list,
            "states": SheetState.choices,
            "state": state or "",
            "sectors": list(fieldwork_rules.sectors(request.user).order_by("name", "id")),
            "sector_id": sector_id,
        },
    )


# --- the client's page -------------------------------------------------------------------------


def _client_sheet(token: str):
    try:
        return selectors.sheet_by_token(token)
    except ObjectDoesNotExist:
        raise Http404 from None


@require_http_methods(["GET", "POST"])
def client_sheet(request, token: str):
    sheet = _client_sheet(token)
    problems = []
    if request.method == "POST":
        try:
            services.client_validate_sheet(
                sheet=sheet,
                signed_by=request.POST.get("signed_by", ""),
                strokes=request.POST.get("strokes", ""),
                width=_int(
                    request.POST.get("width"),
                    "signature",
                    _("The drawing could not be read: clear it and sign again."),
                )
                or 600,
                height=_int(
                    request.POST.get("height"),
                    "signature",
                    _("The drawing could not be read: clear it and sign again."),
                )
                or 200,
            )
        except ValidationError as exc:
            problems = _problems(exc)
        else:
            messages.success(request, _("Thank you: the sheet is validated."))
            return redirect("interventions-client-sheet", token=token)
        sheet = _client_sheet(token)
    response = render(
        request,
        "interventions/client_sheet.html",
        {
            "sheet": sheet,
            "visit": sheet.visit,
            "problems": problems,
            "token": token,
        },
        status=400 if problems else 200,
    )
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
def client_signature(request, token: str):
    return _signature_response(_client_sheet(token))


@require_GET
def client_photo(request, token: str, pk: int):
    sheet = _client_sheet(token)
    p = next((p for p in sheet.photos.all() if p.pk == pk), None)
    if p is None:
        raise Http404
    response = FileResponse(p.file.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response
