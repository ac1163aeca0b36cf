from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, api_reviews

router = SimpleRouter()
router.register("advising/appointments", api.AppointmentViewSet, basename="api-advising-appointment")
router.register("advising/next-steps", api.NextStepViewSet, basename="api-advising-step")
router.register("advising/requests", api.RequestViewSet, basename="api-advising-request")
router.register("advising/members", api.MemberAttentionViewSet, basename="api-advising-member")
router.register("advising/reviews", api_reviews.ReviewViewSet, basename="api-advising-review")
router.register("advising/templates", api_reviews.TemplateViewSet, basename="api-advising-template")
router.register("advising/absences", api_reviews.AbsenceViewSet, basename="api-advising-absence")
urlpatterns = [
    path("advising/mine/", api.MyAdvisorView.as_view(), name="api-advising-mine"),
    *router.urls,
]
