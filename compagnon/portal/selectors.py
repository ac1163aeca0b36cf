"""Reads for the member pages and the API, always from a permissions scope."""

from compagnon import permissions
from compagnon.sales.models import Document, DocumentEmail

from .models import SignatureEvidence


def document_for(user, pk) -> Document:
    """A document the user may see (raises DoesNotExist otherwise: the caller answers 404)."""
    return permissions.scoped_by_activity(user, Document.objects.select_related("activity", "entity", "client")).get(pk=pk)


def email_log(document):
    return DocumentEmail.objects.filter(document=document).select_related("sent_by").order_by("-created_at", "-id")


def evidence_for(user, document_id) -> SignatureEvidence:
    return (permissions.scoped_by_activity(user, SignatureEvidence.objects.all(), "document__activity")
            .select_related("document", "certificate").get(document_id=document_id))
