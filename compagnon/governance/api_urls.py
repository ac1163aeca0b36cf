from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("governance/associates", api.AssociateViewSet, basename="api-governance-associate")
router.register("governance/movements", api.MovementViewSet, basename="api-governance-movement")
router.register("governance/assemblies", api.AssemblyViewSet, basename="api-governance-assembly")
urlpatterns = [
    path("governance/my-shares/", api.MySharesView.as_view(), name="api-governance-my-shares"),
    *router.urls,
]
