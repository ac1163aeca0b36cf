from rest_framework.routers import SimpleRouter

from . import api, api_declarations

router = SimpleRouter()
router.register("payments/allocations", api.AllocationViewSet, basename="payments-allocation")
router.register("payments/transactions", api.MatchingTransactionViewSet, basename="payments-transaction")
router.register("payments/activity-money", api.ActivityMoneyViewSet, basename="payments-activity-money")
router.register("payments/declarations", api_declarations.DeclarationViewSet, basename="payments-declaration")
urlpatterns = router.urls
