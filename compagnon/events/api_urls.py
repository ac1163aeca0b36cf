from rest_framework.routers import SimpleRouter

from . import api, api_mentoring

router = SimpleRouter()
router.register("events", api.EventViewSet, basename="api-events-event")
router.register("event-registrations", api.RegistrationViewSet, basename="api-events-registration")
router.register("training-sessions", api.TrainingSessionViewSet, basename="api-events-session")
router.register("training-requests", api.TrainingRequestViewSet, basename="api-events-training-request")
router.register("mentoring/offers", api_mentoring.OfferViewSet, basename="api-mentoring-offer")
router.register("mentoring/requests", api_mentoring.RequestViewSet, basename="api-mentoring-request")
router.register("mentoring/pairs", api_mentoring.PairViewSet, basename="api-mentoring-pair")
urlpatterns = router.urls
