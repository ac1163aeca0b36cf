"""The "VAT returns" pages of an entity, for its accountants (404 for anybody else)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon.core.params import paginate
from compagnon.core.views_helpers import get_or_404

from . import compute, exports, intervat, periods, selectors, services
from .models import Form

RECENT = {"month": 6, "quarter": 4, "year": 2}
PAGE_SIZE = 50


def _entity(request, entity_pk):
    return get_or_404(selectors.entity, request.user, entity_pk)


def _period(form: str, key: str):
    try:
        period = periods.parse(key)
    except ValueError:
        raise Http404 from None
    if not compute.check_period(form, period):
        raise Http404
    return period


def _form(entity, form: str) -> str:
    if form not in compute.forms_for(entity):
        raise Http404
    return form


def return_rows(figures, vat_return=None) -> list[dict]:
    """The boxes to show: the filed amounts when filed (and whether the books now say otherwise),
    the live ones otherwise."""
    kept = (vat_return.figures.get("boxes") or {}) if vat_return else {}
    rows = []
    for box in figures.boxes:
        now_base, now_amount = box.base, box.amount
        base, amount = now_base, now_amount
        if vat_return is not None and box.code in kept:
            b, a = kept[box.code].get("base"), kept[box.code].get("amount")
            base = None if b is None else Decimal(b)
            amount = None if a is None else Decimal(a)
        rows.append(
            {
                "section": str(box.section),
                "code": box.code,
                "label": str(box.label),
                "base": base,
                "amount": amount,
                "formula": box.formula,
                "drillable": box.drillable,
                "changed": vat_return is not None and (base, amount) != (now_base, now_amount),
                "now_base": now_base,
                "now_amount": now_amount,
            }
        )
    return rows


def _sections(rows):
    out = []
    for r in rows:
        if not out or out[-1][0] != r["section"]:
            out.append((r["section"], []))
        out[-1][1].append(r)
    return out


@login_required
def index(request):
    entities = list(selectors.vat_entities(request.user))
    if len(entities) == 1:
        return redirect("vatreturns-entity", entities[0].pk)
    if not entities:
        raise Http404
    return render(request, "vatreturns/index.html", {"entities": entities})


@login_required
def entity_page(request, entity_pk):
    entity = _entity(request, entity_pk)
    filed = {(r.form, r.period): r for r in selectors.filed_returns(request.user, entity)}
    today = timezone.localdate()
    forms = []
    for form in compute.forms_for(entity):
        kinds = compute.PERIOD_KINDS[form]
        kind = "quarter" if "quarter" in kinds else kinds[0]
        rows = [
            {"period": p, "filed": filed.get((form, p.key))}
            for p in periods.recent(today, kind, RECENT[kind])
        ]
        forms.append({"form": form, "label": Form(form).label, "periods": rows})
    return render(
        request,
        "vatreturns/entity.html",
        {
            "entity": entity,
            "forms": forms,
            "filed": sorted(filed.values(), key=lambda r: r.period_start, reverse=True),
            "last_year": today.year - 1,
        },
    )


def _return_context(request, entity_pk, form, key):
    entity = _entity(request, entity_pk)
    form = _form(entity, form)
    period = _period(form, key)
    figures = compute.figures(entity, form, period)
    vat_return = selectors.filed(request.user, entity, form, period.key)
    rows = return_rows(figures, vat_return)
    return {
        "entity": entity,
        "form": form,
        "form_label": Form(form).label,
        "period": period,
        "figures": figures,
        "vat_return": vat_return,
        "rows": rows,
        "sections": _sections(rows),
        "warnings": (vat_return.figures.get("warnings", []) if vat_return else figures.warnings),
        "later_count": selectors.later_lines(vat_return).count() if vat_return else 0,
        "over": period.end < timezone.localdate(),
    }


@login_required
def return_page(request, entity_pk, form, period):
    context = _return_context(request, entity_pk, form, period)
    return render(request, "vatreturns/return.html", context)


@login_required
def box_page(request, entity_pk, form, period, code):
    context = _return_context(request, entity_pk, form, period)
    try:
        box = context["figures"].box(code)
    except KeyError:
        raise Http404 from None
    entity, period = context["entity"], context["period"]
    which = request.GET.get("side") == "base" and box.base_source is not None
    source = box.base_source if which else (box.source or box.base_source)
    if source is None:
        raise Http404
    if hasattr(source, "account_ids"):
        items, kind = selectors.box_lines(entity, period, source), "lines"
    else:
        items, kind = selectors.box_documents(entity, period, source), "documents"
    context.update(
        {
            "box": box,
            "kind": kind,
            "page": paginate(request, items, PAGE_SIZE),
            "last_line_id": context["vat_return"].last_line_id if context["vat_return"] else None,
        }
    )
    return render(request, "vatreturns/box.html", context)


@login_required
@require_POST
def file_view(request, entity_pk, form, period):
    entity = _entity(request, entity_pk)
    form = _form(entity, form)
    p = _period(form, period)
    try:
        services.file_return(
            actor=request.user,
            entity=entity,
            form=form,
            period=p,
            reference=request.POST.get("reference", "").strip(),
        )
        messages.success(request, _("The return is filed: its figures are kept as they are now."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("vatreturns-return", entity.pk, form, p.key)


@login_required
@require_POST
def settle_view(request, entity_pk, form, period):
    context = _return_context(request, entity_pk, form, period)
    if context["vat_return"] is None:
        raise Http404
    try:
        entry = services.post_settlement(actor=request.user, vat_return=context["vat_return"])
        messages.success(
            request, _("Settlement entry %(reference)s posted.") % {"reference": entry.reference}
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(
        "vatreturns-return", context["entity"].pk, context["form"], context["period"].key
    )


def _filename(context, ext):
    return f"{context['form']}-{context['period'].key}-{context['entity'].pk}.{ext}"


def _attachment(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def download(request, entity_pk, form, period, fmt):
    context = _return_context(request, entity_pk, form, period)
    if fmt == "csv":
        return _attachment(
            exports.figures_csv(context["rows"]),
            "text/csv; charset=utf-8",
            _filename(context, "csv"),
        )
    if fmt == "pdf":
        return _attachment(
            exports.figures_pdf(context), "application/pdf", _filename(context, "pdf")
        )
    if fmt == "xml" and context["form"] == Form.BE:
        amounts = {r["code"]: r["amount"] or Decimal("0") for r in context["rows"]}
        data = intervat.vat_declaration(
            context["entity"], context["period"], amounts, reference=_reference(context)
        )
        return _attachment(data, "application/xml", _filename(context, "xml"))
    if fmt == "intra.xml" and context["form"] == Form.BE:
        data = intervat.intra_listing(
            context["entity"], context["period"], reference=_reference(context)
        )
        return _attachment(data, "application/xml", _filename(context, "intra.xml"))
    raise Http404


def _reference(context) -> str:
    return f"{context['entity'].pk}-{context['period'].key}"


@login_required
def client_listing(request, entity_pk, year):
    entity = _entity(request, entity_pk)
    if "BE" not in compute.forms_for(entity) or not 2000 <= year <= timezone.localdate().year:
        raise Http404
    data = intervat.client_listing(entity, year, reference=f"{entity.pk}-{year}")
    return _attachment(data, "application/xml", f"client-listing-{year}-{entity.pk}.xml")
