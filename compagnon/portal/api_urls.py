from django.urls import path

from . import api

urlpatterns = [
    path("portal/send/", api.SendView.as_view(), name="api-portal-send"),
    path("portal/evidence/<int:document_id>/", api.EvidenceView.as_view(), name="api-portal-evidence"),
    path("portal/evidence/<int:document_id>/pdf/", api.EvidencePdfView.as_view(), name="api-portal-evidence-pdf"),
]
