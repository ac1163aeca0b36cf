from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("cooperation/exchanges", api.ExchangeViewSet, basename="api-cooperation-exchange")
router.register("cooperation/barter/totals", api.TotalsViewSet, basename="api-cooperation-totals")
router.register("cooperation/positions", api.PositionViewSet, basename="api-cooperation-position")
router.register("cooperation/position-shares", api.ShareViewSet, basename="api-cooperation-share")
urlpatterns = [
    path("cooperation/barter/balance/", api.BalanceView.as_view(), name="api-cooperation-balance"),
    *router.urls,
]
