from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("assets", api.AssetViewSet, basename="api-asset")
urlpatterns = router.urls
