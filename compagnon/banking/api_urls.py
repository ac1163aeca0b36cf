from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("bank-accounts", api.BankAccountViewSet, basename="api-bank-account")
router.register("bank-statements", api.BankStatementViewSet, basename="api-bank-statement")
router.register("bank-transactions", api.BankTransactionViewSet, basename="api-bank-transaction")
urlpatterns = router.urls
