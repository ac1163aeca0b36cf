from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("field-invoices", api.FieldInvoiceViewSet, basename="api-field-invoice")
router.register("tax-certificates", api.CertificateViewSet, basename="api-tax-certificate")
router.register("urssaf-clients", api.UrssafClientViewSet, basename="api-urssaf-client")
router.register("urssaf-requests", api.UrssafRequestViewSet, basename="api-urssaf-request")
router.register("surveys", api.SurveyViewSet, basename="api-survey")
router.register(
    "home-services-declarations", api.DeclarationViewSet, basename="api-home-services-declaration"
)
urlpatterns = [
    path("surveys/summary/", api.SurveySummaryView.as_view(), name="api-survey-summary"),
    *router.urls,
]
