"""API: send a document by email, read the evidence of an online acceptance."""

from django.http import FileResponse, Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.views import APIView

from compagnon import permissions
from compagnon.core.params import BIGINT_MAX
from compagnon.sales.models import Document, DocumentEmail

from . import selectors, services
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
