"""Pages without login: the showcase page of an activity (by its slug, only while switched on),
its contact form (the member's address never shown; fieldwork's honeypot, time check and rate
limit), its logo, and the index of an entity's showcases."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from compagnon.core.params import paginate
from compagnon.core.views_helpers import apply_errors, get_or_404
from compagnon.fieldwork import antispam
from compagnon.organisation.models import Entity

from . import selectors, services
from .forms import ContactForm
from .models import Showcase

RATE_ACTION = "directory-contact"


def _spam(request, form) -> str | None:
    if form.data.get("website"):
        return _("Your message could not be sent. Please try again.")
    if antispam.filled_too_fast(form.data.get("started", "")):
        return _("The form was sent too fast or the page is too old: check your message and send it again.")
    if antispam.over_limit(request, RATE_ACTION):
        return _("Too many messages from your connection: please try again in an hour.")
    return None


def showcase_page(request, slug):
    showcase, card = get_or_404(selectors.public_showcase, slug)
    form = ContactForm(request.POST or None, initial={"started": antispam.started_token()})
    status = 200
    if request.method == "POST":
        problem = _spam(request, form)
        if problem:
            messages.error(request, problem)
            status = 400
        elif form.is_valid():
            d = form.cleaned_data
            try:
                services.send_showcase_message(showcase=showcase, name=d["name"], email=d["email"], message=d["message"])
            except ValidationError as exc:
                apply_errors(form, exc)
                status = 400
            else:
                messages.success(request, _("Your message is sent. The member answers you by email."))
                return redirect("directory-showcase", showcase.slug)
        else:
            status = 400
        if status == 400:
            form.data = form.data.copy()
            form.data["started"] = antispam.started_token()
    return render(request, "directory/showcase.html", {"showcase": showcase, "card": card, "form": form}, status=status)


def showcase_logo(request, slug):
    showcase = get_object_or_404(Showcase.objects.select_related("activity"), slug=slug, enabled=True)
    logo = showcase.activity.logo
    if not logo:
        raise Http404
    try:
        handle = logo.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(handle, content_type=mimetypes.guess_type(logo.name)[0] or "application/octet-stream")
    patch_cache_control(response, public=True, max_age=3600)
    return response


def showcase_index(request, entity_pk):
    entity = get_object_or_404(Entity, pk=entity_pk)
    page = paginate(request, selectors.public_showcases(entity.pk), 30)
    return render(request, "directory/showcases.html", {"entity": entity, "page": page})
