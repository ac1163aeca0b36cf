"""Pages of the share register, the member's own shares and the transparency page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon.core.params import paginate
from compagnon.core.services import require
from compagnon.core.views_helpers import apply_errors, get_or_404

from . import register, selectors
from .forms import AdmitForm, CategoryForm, MovementForm, SettingsForm
from .models import Associate, AssociateCategory


def transparency_url(entity_pk) -> str | None:
    """The cooperative's figures (reports), when that page is installed."""
    try:
        return reverse("reports-transparency", args=[entity_pk])
    except NoReverseMatch:
        return None


@login_required
def index(request):
    own = selectors.own_associate(request.user)
    return render(
        request,
        "governance/index.html",
        {
            "own": own,
            "holding": register.holding(own) if own else None,
            "assemblies": list(selectors.assemblies(request.user)[:20]),
            "register_entities": list(selectors.register_entities(request.user)),
            "assembly_entities": list(selectors.assembly_entities(request.user)),
            "surplus_entities": list(selectors.surplus_entities(request.user)),
        },
    )


def _register_context(request, entity, **forms):
    page = paginate(request, selectors.associates(request.user, entity), 50)
    current = register.settings_of(entity)
    categories = AssociateCategory.objects.filter(entity=entity)
    return {
        "entity": entity,
        "page": page,
        "rows": selectors.with_holdings(list(page.object_list), entity),
        "settings": current,
        "categories": list(categories),
        "totals": _totals(entity),
        "settings_form": forms.get("settings_form")
        or SettingsForm(initial={"share_nominal": current.share_nominal, "max_proxies": current.max_proxies}),
        "category_form": forms.get("category_form") or CategoryForm(),
        "admit_form": forms.get("admit_form")
        or AdmitForm(members=selectors.members_without_shares(request.user, entity), categories=categories),
    }


def _totals(entity):
    held = register.holdings(entity=entity, nominal=register.settings_of(entity).share_nominal).values()
    return {
        "associates": sum(1 for h in held if h.shares > 0),
        "shares": sum(h.shares for h in held),
        "capital": sum((h.capital for h in held), register.ZERO),
        "paid": sum((h.paid for h in held), register.ZERO),
        "to_refund": sum((h.to_refund for h in held), register.ZERO),
    }


@login_required
def register_page(request, entity_pk):
    entity = get_or_404(selectors.register_entity, request.user, entity_pk)
    return render(request, "governance/register.html", _register_context(request, entity))


def _post_form(request, entity, form, key, call):
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("governance-register", entity.pk)
    return render(request, "governance/register.html", _register_context(request, entity, **{key: form}), status=400)


@login_required
@require_POST
def settings_view(request, entity_pk):
    entity = get_or_404(selectors.register_entity, request.user, entity_pk)
    return _post_form(
        request, entity, SettingsForm(request.POST), "settings_form",
        lambda d: register.save_settings(actor=request.user, entity=entity, **d),
    )


@login_required
@require_POST
def category_view(request, entity_pk):
    entity = get_or_404(selectors.register_entity, request.user, entity_pk)
    return _post_form(
        request, entity, CategoryForm(request.POST), "category_form",
        lambda d: register.add_category(actor=request.user, entity=entity, name=d["name"]),
    )


@login_required
@require_POST
def admit_view(request, entity_pk):
    entity = get_or_404(selectors.register_entity, request.user, entity_pk)
    form = AdmitForm(
        request.POST,
        members=selectors.members_without_shares(request.user, entity),
        categories=AssociateCategory.objects.filter(entity=entity),
    )
    return _post_form(
        request, entity, form, "admit_form",
        lambda d: register.admit_associate(actor=request.user, **d),
    )


def _associate_context(request, associate, form=None):
    may_manage = request.user.has_perm("governance.manage_register", associate)
    return {
        "associate": associate,
        "holding": register.holding(associate),
        "movements": paginate(request, selectors.movements(associate), 50),
        "may_manage": may_manage,
        "form": (form or MovementForm()) if may_manage else None,
    }


@login_required
def associate_page(request, pk):
    associate = get_or_404(selectors.associate, request.user, pk)
    if not request.user.has_perm("governance.view_associate", associate):
        raise Http404
    return render(request, "governance/associate.html", _associate_context(request, associate))


def _apply_movement(actor, associate, d):
    kind, common = d["kind"], {"actor": actor, "associate": associate, "date": d["date"], "note": d["note"]}
    if kind in ("subscription", "transfer", "withdrawal", "leave") and not d.get("shares"):
        raise ValidationError({"shares": _("Give a number of shares of at least 1.")})
    if kind in ("payment", "refund") and not d.get("amount"):
        raise ValidationError({"amount": _("Give the amount.")})
    if kind == "subscription":
        return register.subscribe(shares=d["shares"], **common)
    if kind == "payment":
        return register.record_payment(amount=d["amount"], **common)
    if kind == "transfer":
        to = Associate.objects.filter(entity_id=associate.entity_id, member__number=(d["to"] or "").strip()).first()
        if to is None:
            raise ValidationError({"to": _("No associate of this entity has this member number.")})
        return register.transfer(to=to, shares=d["shares"], **common)
    if kind in ("withdrawal", "leave"):
        return register.withdraw(shares=d["shares"], leaves=kind == "leave", **common)
    return register.refund(amount=d["amount"], **common)


@login_required
@require_POST
def movement_view(request, pk):
    associate = get_or_404(selectors.associate, request.user, pk)
    require(request.user, "governance.manage_register", associate)
    form = MovementForm(request.POST)
    if form.is_valid():
        try:
            _apply_movement(request.user, associate, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The movement is recorded in the register and the books."))
            return redirect("governance-associate", associate.pk)
    return render(request, "governance/associate.html", _associate_context(request, associate, form), status=400)


@login_required
def transparency(request, entity_pk):
    entity = get_or_404(selectors.assembly_entity, request.user, entity_pk)
    page = paginate(request, selectors.decisions(request.user, entity), 10)
    return render(
        request,
        "governance/transparency.html",
        {"entity": entity, "page": page, "figures_url": transparency_url(entity.pk)},
    )
