from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
# same URLs as before under the document: /api/v1/documents/<id>/einvoice/, einvoice-report/, send-peppol/
router.register("documents", api.DocumentEInvoiceViewSet, basename="document")
urlpatterns = router.urls
