from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("mailings/interests", api.InterestViewSet, basename="api-mailings-interest")
router.register("mailings/news", api.NewsViewSet, basename="api-mailings-news")
router.register("mailings/mailings", api.MailingViewSet, basename="api-mailings-mailing")
urlpatterns = [
    path("mailings/preferences/", api.PreferencesView.as_view(), name="api-mailings-preferences"),
    *router.urls,
]
