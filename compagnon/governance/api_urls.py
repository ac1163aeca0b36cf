from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, api_surplus

router = SimpleRouter()
router.register("governance/associates", api.AssociateViewSet, basename="api-governance-associate")
router.register("governance/movements", api.MovementViewSet, basename="api-governance-movement")
router.register("governance/assemblies", api.AssemblyViewSet, basename="api-governance-assembly")
router.register("governance/distribution-rules", api_surplus.RulesViewSet, basename="api-governance-rules")
router.register("governance/allocations", api_surplus.AllocationViewSet, basename="api-governance-allocation")
urlpatterns = [
    path(
        "governance/transparency/<int:entity_pk>/",
        api_surplus.TransparencyView.as_view(),
        name="api-governance-transparency",
    ),
    path("governance/my-shares/", api.MySharesView.as_view(), name="api-governance-my-shares"),
    *router.urls,
]
