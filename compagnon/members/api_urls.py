from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("members", api.MemberViewSet, basename="member")
router.register("activities", api.ActivityViewSet, basename="activity")
router.register("trades", api.TradeViewSet, basename="trade")
urlpatterns = router.urls
