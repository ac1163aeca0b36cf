from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("payout-batches", api.BatchViewSet, basename="api-payout-batch")
router.register(r"payout-batches/(?P<batch_pk>[0-9]+)/lines", api.LineViewSet, basename="api-payout-line")
router.register("payout-outgoing", api.OutgoingViewSet, basename="api-payout-outgoing")
urlpatterns = router.urls
