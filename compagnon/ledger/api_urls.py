from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("ledger/accounts", api.AccountViewSet, basename="ledger-account")
router.register("ledger/entries", api.EntryViewSet, basename="ledger-entry")
router.register(
    "ledger/activity-balances", api.ActivityBalancesViewSet, basename="ledger-activity-balances"
)
urlpatterns = router.urls
