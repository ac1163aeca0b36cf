from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("entities", api.EntityViewSet, basename="entity")
router.register("offices", api.OfficeViewSet, basename="office")
urlpatterns = router.urls
