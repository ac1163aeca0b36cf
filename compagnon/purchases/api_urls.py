from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("suppliers", api.SupplierViewSet, basename="api-supplier")
router.register("supplier-invoices", api.SupplierInvoiceViewSet, basename="api-supplier-invoice")
urlpatterns = router.urls
