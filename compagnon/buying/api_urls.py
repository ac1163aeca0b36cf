from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("buying/suppliers", api.SupplierViewSet, basename="api-buying-supplier")
router.register("buying/ratings", api.RatingViewSet, basename="api-buying-rating")
router.register("buying/group-purchases", api.GroupViewSet, basename="api-buying-group")
urlpatterns = router.urls
