from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from compagnon.core.params import choice_param, int_param
from compagnon.core.views_helpers import get_or_404

from . import catalogue, selectors, services

BOOKYEARS = [*"123456789", *"ABCDEFGHIJKLMNOPQRSTUVWXYZ"]  # WinBooks' book-year codes


def _entity(request, entity_pk):
    return get_or_404(selectors.export_entities(request.user).get, pk=entity_pk)


@login_required
def index(request):
    return render(
        request, "exports/index.html", {"entities": selectors.export_entities(request.user)}
    )


@login_required
def entity_exports(request, entity_pk):
    entity = _entity(request, entity_pk)
    files = catalogue.for_entity(entity)
    years = catalogue.years(entity) or [timezone.localdate().year]
    return render(
        request,
        "exports/entity.html",
        {
            "entity": entity,
            "years": years,
            "yearly": [f for f in files if f.per_year],
            "standing": [f for f in files if not f.per_year],
        },
    )


@login_required
def download(request, entity_pk, key):
    entity = _entity(request, entity_pk)
    export = catalogue.BY_KEY.get(key)
    if export is None or entity.jurisdiction not in export.jurisdictions:
        raise Http404
    year = int_param(
        request.GET, "year", default=timezone.localdate().year, min_value=1900, max_value=2999
    )
    options = {}
    if key == "winbooks-act":
        options["bookyear"] = choice_param(request.GET, "bookyear", BOOKYEARS)
    return services.download(actor=request.user, entity=entity, export=export, year=year, **options)
