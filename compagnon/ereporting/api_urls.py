from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("ereports", api.ReportViewSet, basename="api-ereport")
urlpatterns = router.urls
