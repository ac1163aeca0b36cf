from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
# under the document, like e-invoicing's actions: POST /api/v1/documents/<id>/send/
router.register("documents", api.DocumentSendViewSet, basename="document")

urlpatterns = [
    *router.urls,
    path("portal/send/", api.SendView.as_view(), name="api-portal-send"),
    path("portal/evidence/<int:document_id>/", api.EvidenceView.as_view(), name="api-portal-evidence"),
    path("portal/evidence/<int:document_id>/pdf/", api.EvidencePdfView.as_view(), name="api-portal-evidence-pdf"),
]
