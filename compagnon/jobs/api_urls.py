from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("jobs/jobs", api.JobViewSet, basename="api-jobs-job")
router.register("jobs/steps", api.StepViewSet, basename="api-jobs-step")
router.register("jobs/offers", api.OfferViewSet, basename="api-jobs-offer")
urlpatterns = router.urls
