from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("recruiting/applications", api.ApplicationViewSet, basename="api-recruiting-application")
router.register("recruiting/meetings", api.MeetingViewSet, basename="api-recruiting-meeting")
router.register("recruiting/signups", api.SignUpViewSet, basename="api-recruiting-signup")
router.register("recruiting/calls", api.CallViewSet, basename="api-recruiting-call")
router.register("recruiting/team-load", api.TeamLoadViewSet, basename="api-recruiting-team-load")
urlpatterns = router.urls
