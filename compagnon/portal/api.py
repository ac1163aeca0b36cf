"""API: send a document (issued first when needed), by email; the evidence of an online acceptance.

``POST /api/v1/documents/<id>/send/`` lives here, not in sales' API: it combines sales (issuing),
the portal (email) and e-invoicing (Peppol), and sales imports none of them.
"""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.views import APIView

from compagnon import permissions
from compagnon.core.params import BIGINT_MAX
from compagnon.sales.api import DocumentSerializer
from compagnon.sales.models import Document, DocumentEmail, DocumentLine

from . import delivery, selectors, services
from .models import SignatureEvidence


class SendSerializer(serializers.Serializer):
    document = serializers.IntegerField(help_text="Id of an issued invoice, deposit or credit note, or of a quote "
                                                  "or statement (a draft one is sent, so numbered, first).")
    to = serializers.ListField(child=serializers.EmailField(), min_length=1, max_length=services.MAX_RECIPIENTS)
    subject = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                    help_text="Omit for the default subject in the client's language.")
    message = serializers.CharField(max_length=10000, required=False, allow_blank=True,
                                    help_text="Omit for the default message in the client's language.")


class DocumentEmailSerializer(serializers.ModelSerializer):
    portal_url = serializers.SerializerMethodField()

    class Meta:
        model = DocumentEmail
        fields = ["id", "document", "to", "subject", "body", "created_at", "portal_url"]
        read_only_fields = fields

    def get_portal_url(self, obj) -> str | None:
        access = services.current_access(obj.document)
        request = self.context.get("request")
        if access is None or request is None:
            return None
        return services.portal_url(access, request.build_absolute_uri("/"))


class EvidenceSerializer(serializers.ModelSerializer):
    certificate_subject = serializers.CharField(source="certificate.subject", read_only=True, default=None)
    certificate_fingerprint = serializers.CharField(source="certificate.fingerprint_sha256", read_only=True, default=None)
    signed_pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = SignatureEvidence
        fields = ["document", "signer_name", "signer_email", "signed_at", "ip_address", "user_agent", "statement",
                  "document_sha256", "otp_sent_at", "otp_verified_at", "entity_name", "certificate_subject",
                  "certificate_fingerprint", "signed_pdf_sha256", "sealed_at", "signed_pdf_url"]
        read_only_fields = fields

    def get_signed_pdf_url(self, obj) -> str | None:
        request = self.context.get("request")
        if not obj.signed_pdf or request is None:
            return None
        return request.build_absolute_uri(f"/api/v1/portal/evidence/{obj.document_id}/pdf/")


@extend_schema(tags=["portal"])
class SendView(APIView):
    """Email a document to its client with its PDF and a link to the client portal (in the client's
    language). Answers the email as logged on the document."""

    @extend_schema(request=SendSerializer, responses={201: DocumentEmailSerializer})
    def post(self, request):
        data = SendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        document = get_object_or_404(permissions.scoped_by_activity(request.user, Document.objects.all()), pk=v["document"])
        email = services.send_document(actor=request.user, document=document, to=v["to"], subject=v.get("subject", ""),
                                       message=v.get("message", ""), base_url=request.build_absolute_uri("/"))
        return Response(DocumentEmailSerializer(email, context={"request": request}).data, status=status.HTTP_201_CREATED)


def _evidence(request, document_id) -> SignatureEvidence:
    if not 1 <= document_id <= BIGINT_MAX:  # no such row can exist; the database would overflow
        raise Http404
    try:
        return selectors.evidence_for(request.user, document_id)
    except SignatureEvidence.DoesNotExist:
        raise Http404 from None


@extend_schema(tags=["portal"])
class EvidenceView(APIView):
    """The evidence of a document's online acceptance: who, when, from where, and the accepted PDF's hash."""

    @extend_schema(responses=EvidenceSerializer)
    def get(self, request, document_id):
        return Response(EvidenceSerializer(_evidence(request, document_id), context={"request": request}).data)


@extend_schema(tags=["portal"])
class EvidencePdfView(APIView):
    """The signed PDF: the accepted PDF, the evidence page, the entity's seal."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(description="The sealed PDF")})
    def get(self, request, document_id):
        evidence = _evidence(request, document_id)
        if not evidence.signed_pdf:
            raise Http404
        return FileResponse(evidence.signed_pdf.open("rb"), content_type="application/pdf", as_attachment=True,
                            filename=evidence.signed_pdf.name.rsplit("/", 1)[-1])


# --- POST /api/v1/documents/<id>/send/ ----------------------------------------------------------


class DocumentSendSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(
        choices=delivery.CHANNELS, required=False,
        help_text="email: the PDF and the client's portal link; peppol: the e-invoice through the Peppol network "
                  "(invoices and credit notes of a client reachable there); none: marked as sent, nothing emailed "
                  "(handed over another way). Omitted: peppol when the entity sends through Peppol and the client "
                  "is reachable there, else email.")
    to = serializers.ListField(child=serializers.EmailField(), min_length=1, max_length=services.MAX_RECIPIENTS,
                               required=False, help_text="Email channel. Omitted: the client's email address.")
    subject = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                    help_text="Omit for the default subject in the client's language.")
    message = serializers.CharField(max_length=10000, required=False, allow_blank=True,
                                    help_text="Omit for the default message in the client's language.")


class TransmissionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    channel = serializers.CharField()
    recipient = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()


class SentDocumentSerializer(DocumentSerializer):
    """The document as it now is, with what was sent: its email log and its e-invoice transmissions."""

    sent_at = serializers.DateTimeField(read_only=True, allow_null=True)
    emails = serializers.SerializerMethodField()
    transmissions = serializers.SerializerMethodField()
    repeat = serializers.SerializerMethodField(
        help_text="true when this Idempotency-Key was already used to send this document: nothing was sent again, "
                  "the document is as that first sending left it.")

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "sent_at", "emails", "transmissions", "repeat"]
        read_only_fields = fields

    @extend_schema_field(DocumentEmailSerializer(many=True))
    def get_emails(self, obj):
        return DocumentEmailSerializer(selectors.email_log(obj), many=True, context=self.context).data

    @extend_schema_field(TransmissionSerializer(many=True))
    def get_transmissions(self, obj):
        return TransmissionSerializer(obj.transmissions.all()[:20], many=True).data

    def get_repeat(self, obj) -> bool:
        return bool(self.context.get("repeat"))


@extend_schema(tags=["sales"])
class DocumentSendViewSet(viewsets.GenericViewSet):
    """Sending a document you work on (the activities you work in)."""

    def get_queryset(self):
        return (permissions.scoped_by_activity(self.request.user, Document.objects.all())
                .select_related("activity", "entity", "client", "einvoice")
                .prefetch_related(Prefetch("lines", queryset=DocumentLine.objects.order_by("position", "id")),
                                  "vat_breakdown"))

    @extend_schema(request=DocumentSendSerializer,
                   parameters=[OpenApiParameter(
                       "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
                       description="Makes a retry safe: any unique value of 1 to 100 printable characters without "
                                   "spaces (a UUID, say), the same for every retry of one sending. A call with a key "
                                   "already used to send this document sends nothing again and answers 200 with the "
                                   "document and repeat true. A call that failed sent nothing: retry it with the same "
                                   "key. Without the header, every call is a new sending.")],
                   responses={201: SentDocumentSerializer,
                              200: OpenApiResponse(SentDocumentSerializer, description="this Idempotency-Key already "
                                                   "sent this document: nothing was sent again (repeat is true)")})
    @action(detail=True, methods=["post"], url_path="send", url_name="api-send")
    def send(self, request, pk=None):
        """Send a document to its client: a draft invoice, deposit invoice or credit note is issued first
        (number, e-invoice check), a draft quote or statement is numbered. If issuing works and sending
        then fails (a refused address, no Peppol identifier), the document stays issued and the answer
        is an error saying so: send again. Send an Idempotency-Key header to make retries safe."""
        try:
            key = delivery.clean_key(request.headers.get("Idempotency-Key"))
        except ValidationError as exc:
            raise ValidationError({"Idempotency-Key": exc.message_dict["key"]}) from None
        data = DocumentSendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        document = self.get_object()
        channel = v.get("channel") or delivery.default_channel(document)
        to = v.get("to") or document.client.email
        result = delivery.deliver(actor=request.user, document=document, channel=channel, to=to,
                                  subject=v.get("subject", ""), message=v.get("message", ""),
                                  base_url=request.build_absolute_uri("/"), key=key)
        if result.error is not None:
            problem = " ".join(result.error.messages)
            message = _("%(document)s is issued, but it was not sent: %(problem)s Send it again.") % {
                "document": result.document, "problem": problem}
            if hasattr(result.error, "error_dict"):
                raise ValidationError({**result.error.message_dict, "non_field_errors": [message]})
            raise ValidationError(message)
        fresh = self.get_queryset().get(pk=result.document.pk)
        body = SentDocumentSerializer(fresh, context={"request": request, "repeat": result.repeat}).data
        return Response(body, status=status.HTTP_200_OK if result.repeat else status.HTTP_201_CREATED)
