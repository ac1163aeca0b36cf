from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("documents", api.DocumentViewSet, basename="document")
router.register("catalogue", api.CatalogueViewSet, basename="catalogue-item")
urlpatterns = router.urls
