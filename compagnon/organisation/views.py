from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from compagnon import permissions
from compagnon.core.views_helpers import apply_errors, get_or_404

from . import services
from .forms import EntityForm, OfficeForm


@login_required
def entity_list(request):
    entities = permissions.entities(request.user).annotate(n_offices=Count("offices"))
    return render(request, "organisation/entity_list.html", {"entities": entities})


@login_required
def entity_edit(request, pk):
    entity = get_or_404(permissions.entities(request.user).get, pk=pk)
    if not request.user.has_perm("organisation.change_entity", entity):
        raise PermissionDenied
    form = EntityForm(request.POST or None, instance=entity)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_entity(
                actor=request.user,
                entity=entity,
                **{f: form.cleaned_data[f] for f in form.Meta.fields},
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Entity settings saved."))
            return redirect("entity-detail", pk=entity.pk)
    return render(
        request,
        "organisation/entity_edit.html",
        {"form": form, "entity": entity},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def office_create(request, pk):
    entity = get_or_404(permissions.entities(request.user).get, pk=pk)
    if not request.user.has_perm("organisation.add_office", entity):
        raise PermissionDenied
    form = OfficeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_office(actor=request.user, entity=entity, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Office opened."))
            return redirect("entity-detail", pk=entity.pk)
    return render(
        request,
        "organisation/office_create.html",
        {"form": form, "entity": entity},
        status=400 if request.method == "POST" else 200,
    )
