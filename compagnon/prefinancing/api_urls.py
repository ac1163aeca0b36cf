from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("advances", api.AdvanceViewSet, basename="api-advance")
urlpatterns = [
    path("advances/eligible-invoices/", api.EligibleView.as_view(), name="api-advance-eligible"),
    path("prefinancing-fund/", api.FundView.as_view(), name="api-prefinancing-fund"),
    *router.urls,
]
