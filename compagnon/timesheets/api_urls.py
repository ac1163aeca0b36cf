from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("time-entries", api.TimeEntryViewSet, basename="time-entry")
urlpatterns = [
    path("statements/build/", api.BuildStatementView.as_view(), name="statement-build"),
    *router.urls,
]
