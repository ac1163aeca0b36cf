from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, api_moderation

router = SimpleRouter()
router.register("messages/conversations", api.ConversationViewSet, basename="api-messaging-conversation")
router.register("messages/blocks", api.BlockViewSet, basename="api-messaging-block")
router.register("messages/attachments", api.AttachmentViewSet, basename="api-messaging-attachment")
router.register("messages/reports", api_moderation.ReportViewSet, basename="api-messaging-report")
router.register("messages/suspensions", api_moderation.SuspensionViewSet, basename="api-messaging-suspension")
urlpatterns = [
    path("messages/unread/", api.UnreadView.as_view(), name="api-messaging-unread"),
    path("messages/recipients/", api.RecipientsView.as_view(), name="api-messaging-recipients"),
    path("messages/preferences/", api.PreferenceView.as_view(), name="api-messaging-preferences"),
    *router.urls,
]
