from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("salary-requests", api.SalaryRequestViewSet, basename="api-salary-request")
router.register("payslips", api.PayslipViewSet, basename="api-payslip")
router.register("employment-contracts", api.ContractViewSet, basename="api-employment-contract")
urlpatterns = [
    path("salary-simulations/", api.SimulationView.as_view(), name="api-salary-simulation"),
    *router.urls,
]
