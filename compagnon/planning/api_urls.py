from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("planning/proposals", api.ProposalViewSet, basename="planning-proposal")
urlpatterns = router.urls
