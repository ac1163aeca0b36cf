from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("lettering/letterings", api.LetteringViewSet, basename="lettering")
router.register("lettering/open-lines", api.OpenLineViewSet, basename="lettering-open-line")
urlpatterns = router.urls
