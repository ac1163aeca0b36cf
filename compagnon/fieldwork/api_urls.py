from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("fieldwork/sectors", api.SectorViewSet, basename="field-sector")
router.register("fieldwork/services", api.ServiceViewSet, basename="field-service")
router.register("fieldwork/requests", api.RequestViewSet, basename="field-request")
router.register("fieldwork/contracts", api.ContractViewSet, basename="field-contract")
router.register("fieldwork/visits", api.VisitViewSet, basename="field-visit")
router.register("fieldwork/slots", api.SlotViewSet, basename="field-slot")
router.register(
    "fieldwork/unavailability", api.UnavailabilityViewSet, basename="field-unavailability"
)
urlpatterns = [
    path("fieldwork/calendar-feed/", api.CalendarFeedView.as_view(), name="field-calendar-feed"),
    *router.urls,
]
