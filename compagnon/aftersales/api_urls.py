from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("aftersales/cases", api.CaseViewSet, basename="api-aftersales-case")
router.register("aftersales/warranty-rules", api.WarrantyRuleViewSet, basename="api-aftersales-warranty-rule")
urlpatterns = router.urls
