from django.urls import path

from . import api

urlpatterns = [
    path("exports/<int:entity_pk>/", api.EntityExportsView.as_view(), name="api-exports-entity"),
    path(
        "exports/<int:entity_pk>/<slug:key>/",
        api.ExportDownloadView.as_view(),
        name="api-exports-download",
    ),
]
