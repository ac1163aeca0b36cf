from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("bookkeeping/manual-entries", api.ManualEntryViewSet, basename="bookkeeping-entry")
router.register(
    "bookkeeping/recurring-entries", api.RecurringTemplateViewSet, basename="bookkeeping-recurring"
)
urlpatterns = [
    *router.urls,
    path(
        "bookkeeping/entities/<int:entity_pk>/years/<int:year>/",
        api.YearClosingView.as_view(),
        name="bookkeeping-year-api",
    ),
]
