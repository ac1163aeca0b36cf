from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("support/requests", api.MyRequestViewSet, basename="api-support-request")
router.register("support/queue", api.QueueViewSet, basename="api-support-queue")
router.register("support/canned-answers", api.CannedAnswerViewSet, basename="api-support-canned")
urlpatterns = [
    path("support/attachments/<int:pk>/", api.AttachmentView.as_view(), name="api-support-attachment"),
    *router.urls,
]
