"""What a client opens from an email, without an account: their tax certificate and the survey.
The token is random (192 bits) and unique; an unknown one answers 404."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.views.decorators.cache import never_cache

from compagnon.core.views_helpers import apply_errors

from . import surveys
from .forms import SurveyForm
from .models import Certificate, Survey
from .views import _pdf_response


@never_cache
def certificate(request, token):
    cert = get_object_or_404(Certificate.objects.select_related("client", "activity"), token=token)
    with translation.override(cert.content.get("language") or "fr"):
        newer = (
            Certificate.objects.filter(
                client_id=cert.client_id, year=cert.year, superseded_at__isnull=True
            )
            .exclude(pk=cert.pk)
            .first()
        )
        return render(
            request,
            "homeservices/public_certificate.html",
            {"c": cert.content, "cert": cert, "newer": newer},
        )


@never_cache
def certificate_pdf(request, token):
    cert = get_object_or_404(Certificate, token=token)
    return _pdf_response(cert)


@never_cache
def survey(request, token):
    item = get_object_or_404(
        Survey.objects.select_related("client", "activity", "member__user"), token=token
    )
    with translation.override(item.client.language or "fr"):
        form = SurveyForm(request.POST or None)
        status = 200
        if request.method == "POST" and item.answered_at is None:
            if form.is_valid():
                try:
                    item = surveys.answer(
                        survey=item,
                        stars=form.cleaned_data["stars"],
                        comment=form.cleaned_data["comment"],
                    )
                except ValidationError as exc:
                    apply_errors(form, exc)
                    status = 400
            else:
                status = 400
        response = render(
            request,
            "homeservices/public_survey.html",
            {"survey": item, "form": form},
            status=status,
        )
        return response
