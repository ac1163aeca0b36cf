"""GET /api/v1/receipt-readings/{id}/: a reading started by the caller (e.g. by
``POST /api/v1/expense-receipt-reading/``), polled until it is no longer "pending"."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from . import jobs
from .models import JobState


class VatLineSerializer(serializers.Serializer):
    rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    base = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    vat = serializers.DecimalField(max_digits=14, decimal_places=2)


class ReadingSerializer(serializers.Serializer):
    total_incl_vat = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    total_excl_vat = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    vat_lines = VatLineSerializer(many=True)
    issue_date = serializers.DateField(allow_null=True)
    supplier_name = serializers.CharField(allow_blank=True)
    supplier_ids = serializers.DictField(child=serializers.CharField(),
                                         help_text="Checked identifiers found: siret, siren, vat, kbo.")
    invoice_number = serializers.CharField(allow_blank=True)
    iban = serializers.CharField(allow_blank=True)
    text = serializers.CharField(allow_blank=True, help_text="All the text read, line by line.")
    engine = serializers.CharField(help_text="What read it: the OCR engine and its version, or pdf-text.")


class ReadingJobSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    state = serializers.ChoiceField(choices=JobState.choices)
    reading = ReadingSerializer(allow_null=True, help_text="What was read (state done), for the member to check.")


@extend_schema(tags=["expenses"])
class ReadingView(APIView):
    @extend_schema(responses={200: ReadingJobSerializer})
    def get(self, request, pk):
        """A receipt reading you started: pending, done (with what was read), nothing or failed."""
        job = jobs.for_user(request.user, pk)
        if job is None:
            raise Http404
        return Response(ReadingJobSerializer(
            {"id": job.pk, "state": job.state, "reading": job.result if job.state == JobState.DONE else None}).data)
