from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("onboarding/my-steps", api.MyStepsViewSet, basename="api-onboarding-mine")
router.register("onboarding/follow", api.FollowViewSet, basename="api-onboarding-follow")
router.register("onboarding/paths", api.PathViewSet, basename="api-onboarding-path")
router.register("onboarding/steps", api.StepViewSet, basename="api-onboarding-step")
router.register("onboarding/kit", api.KitViewSet, basename="api-onboarding-kit")
urlpatterns = router.urls
