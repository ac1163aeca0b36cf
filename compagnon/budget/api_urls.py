from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("budget/movements", api.MovementViewSet, basename="budget-movement")
urlpatterns = [
    path(
        "activities/<int:id>/budget/", api.ActivityBudgetView.as_view(), name="activity-budget-api"
    ),
    *router.urls,
]
