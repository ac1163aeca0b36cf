from django.urls import path

from . import api

urlpatterns = [
    path("receipt-readings/<uuid:pk>/", api.ReadingView.as_view(), name="api-receipt-reading"),
]
