from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("subcontracting/subcontracts", api.SubcontractViewSet, basename="api-subcontracting-subcontract")
router.register("subcontracting/internal-invoices", api.InternalInvoiceViewSet, basename="api-subcontracting-invoice")
router.register("subcontracting/settings", api.PolicyViewSet, basename="api-subcontracting-settings")
urlpatterns = router.urls
