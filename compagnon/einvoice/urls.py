from django.urls import path

from . import views

urlpatterns = [
    path("documents/<int:pk>/einvoice/report/", views.report, name="einvoice-report"),
    path("documents/<int:pk>/einvoice/peppol/", views.send_peppol, name="einvoice-send-peppol"),
    path("documents/<int:pk>/einvoice/<str:fmt>/", views.download, name="einvoice-download"),
]
