from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("collections/actions", api.ActionViewSet, basename="collections-action")
router.register("collections/cases", api.CaseViewSet, basename="collections-case")
urlpatterns = router.urls
