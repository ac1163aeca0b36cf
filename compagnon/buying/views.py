"""Pages of buying together: the supplier base (terms, ratings) and the group purchases (404 outside
one's entity)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon.core.params import choice_param, id_param, paginate, text_param
from compagnon.core.services import require
from compagnon.core.views_helpers import apply_errors, get_or_404, run_action
from compagnon.purchases import categories

from . import group as groups
from . import selectors, services, split
from .forms import GroupForm, InvoiceForm, JoinForm, RatingForm, TermsForm
from .models import GroupState, SupplierTerms


def _category_choices(user):
    jurisdictions = sorted({e.jurisdiction for e in selectors.entities(user)}) or ["FR"]
    seen, out = set(), []
    for j in jurisdictions:
        for key, label in categories.choices(j):
            if key not in seen:
                seen.add(key)
                out.append((key, label))
    return out


# --- the supplier base ---------------------------------------------------------------------------


@login_required
def supplier_list(request):
    if not selectors.entity_ids(request.user):
        raise Http404
    choices = _category_choices(request.user)
    q = text_param(request, "q", max_length=100)
    category = choice_param(request, "category", [k for k, _label in choices])
    page = paginate(request, selectors.suppliers(request.user, q=q, category=category), 30)
    labels = dict(choices)
    for s in page.object_list:
        s.category_label = labels.get(s.category, "")
    return render(request, "buying/suppliers.html", {"page": page, "q": q, "category": category, "categories": choices})


def _supplier_context(request, supplier, rating_form=None):
    mine = selectors.own_rating(request.user, supplier)
    may_rate = request.user.has_perm("buying.rate_supplier", supplier)
    if rating_form is None and may_rate:
        rating_form = RatingForm(initial={"stars": mine.stars, "comment": mine.comment} if mine else None)
    terms = getattr(supplier, "terms", None)
    return {
        "supplier": supplier,
        "terms": terms,
        "terms_valid": terms.valid_on(timezone.localdate()) if terms else False,
        "ratings": selectors.ratings_of(request.user, supplier),
        "mine": mine,
        "rating_form": rating_form,
        "may_manage": request.user.has_perm("buying.manage_terms", supplier),
        "may_open": request.user.has_perm("buying.open_group", supplier.entity),
        "open_groups": list(selectors.groups(request.user, "open").filter(supplier=supplier)[:10]),
    }


@login_required
def supplier_page(request, pk):
    supplier = get_or_404(selectors.supplier, request.user, pk)
    if request.method == "POST":
        require(request.user, "buying.rate_supplier", supplier)
        form = RatingForm(request.POST)
        if form.is_valid():
            try:
                services.rate(actor=request.user, supplier=supplier, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Thank you: your rating is saved."))
                return redirect("buying-supplier", supplier.pk)
        return render(request, "buying/supplier.html", _supplier_context(request, supplier, form), status=400)
    return render(request, "buying/supplier.html", _supplier_context(request, supplier))


@login_required
def terms_page(request, pk):
    supplier = get_or_404(selectors.supplier, request.user, pk)
    require(request.user, "buying.manage_terms", supplier)
    terms = SupplierTerms.objects.filter(supplier=supplier).first()
    if request.method == "POST":
        form = TermsForm(request.POST)
        if form.is_valid():
            try:
                services.save_terms(actor=request.user, supplier=supplier, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Negotiated terms saved."))
                return redirect("buying-supplier", supplier.pk)
        return render(request, "buying/terms.html", {"supplier": supplier, "form": form}, status=400)
    initial = {k: getattr(terms, k) for k in services.TERMS_FIELDS} if terms else None
    return render(request, "buying/terms.html", {"supplier": supplier, "form": TermsForm(initial=initial)})


@login_required
@require_POST
def rating_hide(request, pk):
    rating = get_or_404(selectors.rating, request.user, pk)
    hide = request.POST.get("hidden", "1") == "1"
    return run_action(request, services.set_hidden, rating=rating, hidden=hide,
                      redirect_to=reverse("buying-supplier", args=[rating.supplier_id]),
                      success=_("Comment hidden.") if hide else _("Comment shown again."))


# --- group purchases -----------------------------------------------------------------------------


@login_required
def group_list(request):
    if not selectors.entity_ids(request.user):
        raise Http404
    show = choice_param(request, "show", selectors.SHOWS, default="open")
    order = ("-deadline", "-id") if show == "past" else ("deadline", "id")
    page = paginate(request, selectors.groups(request.user, show).order_by(*order), 30)
    return render(request, "buying/groups.html", {
        "page": page, "show": show,
        "tabs": [("open", _("Open")), ("mine", _("Mine")), ("past", _("Past"))],
        "may_open": any(request.user.has_perm("buying.open_group", e) for e in selectors.entities(request.user)),
    })


@login_required
def group_new(request):
    suppliers = selectors.suppliers(request.user)
    if not selectors.entity_ids(request.user):
        raise Http404
    if request.method == "POST":
        form = GroupForm(request.POST, suppliers=suppliers)
        if form.is_valid():
            d = form.cleaned_data
            try:
                g = groups.open_group(actor=request.user, **d)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Group purchase opened: members of your entity can join it."))
                return redirect("buying-group", g.pk)
        return render(request, "buying/group_new.html", {"form": form}, status=400)
    initial = {"supplier": id_param(request, "supplier")}
    return render(request, "buying/group_new.html", {"form": GroupForm(suppliers=suppliers, initial=initial)})


def _group_context(request, g, join_form=None, invoice_form=None):
    rows = selectors.participations(request.user, g)
    mine_ids = set(selectors.my_activity_ids(request.user))
    activities = selectors.joinable_activities(request.user, g.entity_id)
    may_join = (g.state == GroupState.OPEN and g.deadline >= timezone.localdate()
                and request.user.has_perm("buying.join_group", g) and activities.exists())
    may_manage = request.user.has_perm("buying.manage_group", g)
    if invoice_form is None and may_manage and g.state in (GroupState.ORDERED, GroupState.INVOICED):
        invoice_form = InvoiceForm(invoices=selectors.linkable_invoices(request.user, g))
    total = selectors.total_quantity(g)
    return {
        "group": g,
        "rows": rows,
        "mine": [p for p in rows if p.activity_id in mine_ids],
        "sees_all": may_manage,
        "total": total,
        "amount": groups.line_total(total, g.unit_price),
        "reached": total >= g.minimum_quantity and total > 0,
        "join_form": join_form or (JoinForm(activities=activities) if may_join else None),
        "may_manage": may_manage,
        "invoice_form": invoice_form,
        "splits": list(g.splits.select_related("entry", "reversal", "invoice").order_by("-id")),
    }


@login_required
def group_page(request, pk):
    g = get_or_404(selectors.group, request.user, pk)
    return render(request, "buying/group.html", _group_context(request, g))


@login_required
@require_POST
def group_join(request, pk):
    g = get_or_404(selectors.group, request.user, pk)
    require(request.user, "buying.join_group", g)
    form = JoinForm(request.POST, activities=selectors.joinable_activities(request.user, g.entity_id))
    if form.is_valid():
        try:
            groups.join(actor=request.user, group=g, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Your quantity is saved."))
            return redirect("buying-group", g.pk)
    return render(request, "buying/group.html", _group_context(request, g, join_form=form), status=400)


@login_required
@require_POST
def group_leave(request, pk, activity_pk):
    g = get_or_404(selectors.group, request.user, pk)
    activity = selectors.joinable_activities(request.user, g.entity_id).filter(pk=activity_pk).first()
    if activity is None:
        raise Http404
    return run_action(request, groups.leave, group=g, activity=activity,
                      redirect_to=reverse("buying-group", args=[g.pk]), success=_("You left this group purchase."))


@login_required
@require_POST
def group_order(request, pk):
    g = get_or_404(selectors.group, request.user, pk)
    require(request.user, "buying.manage_group", g)
    return run_action(request, groups.settle, group=g, redirect_to=reverse("buying-group", args=[g.pk]),
                      success=lambda r: _("The order has gone to the supplier.") if r and r.state == GroupState.ORDERED
                      else _("Group purchase cancelled."))


@login_required
@require_POST
def group_cancel(request, pk):
    g = get_or_404(selectors.group, request.user, pk)
    require(request.user, "buying.manage_group", g)
    return run_action(request, groups.cancel, group=g, redirect_to=reverse("buying-group", args=[g.pk]),
                      success=_("Group purchase cancelled."))


@login_required
@require_POST
def group_invoice(request, pk):
    g = get_or_404(selectors.group, request.user, pk)
    require(request.user, "buying.manage_group", g)
    form = InvoiceForm(request.POST, invoices=selectors.linkable_invoices(request.user, g))
    if form.is_valid():
        try:
            g = split.link_invoice(actor=request.user, group=g, invoice=form.cleaned_data["invoice"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Invoice linked: its cost is split once it is booked.")
                             if g.state == GroupState.INVOICED else _("Invoice linked and its cost split."))
            return redirect("buying-group", g.pk)
    return render(request, "buying/group.html", _group_context(request, g, invoice_form=form), status=400)
