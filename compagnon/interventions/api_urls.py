from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("presences", api.PresenceViewSet, basename="api-presence")
router.register("sheets", api.SheetViewSet, basename="api-sheet")
router.register("stock-items", api.StockItemViewSet, basename="api-stock-item")
router.register("equipment", api.EquipmentViewSet, basename="api-equipment")
router.register("equipment-bookings", api.BookingViewSet, basename="api-equipment-booking")
router.register("home-codes", api.HomeCodeViewSet, basename="api-home-code")
urlpatterns = [
    path("position-consent/", api.ConsentView.as_view(), name="api-position-consent"),
    *router.urls,
]
