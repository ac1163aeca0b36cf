from django.urls import path

from . import views

urlpatterns = [
    path("readings/<uuid:pk>/", views.reading, name="ocr-reading"),
]
