from django.urls import path

from . import views

urlpatterns = [
    path("exports/", views.index, name="exports-index"),
    path("exports/<int:entity_pk>/", views.entity_exports, name="exports-entity"),
    path("exports/<int:entity_pk>/<slug:key>/", views.download, name="exports-download"),
]
