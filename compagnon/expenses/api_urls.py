from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("expense-claims", api.ExpenseClaimViewSet, basename="api-expense-claim")
urlpatterns = [
    path("expense-categories/", api.CategoriesView.as_view(), name="api-expense-categories"),
    path("expense-mileage/", api.MileageView.as_view(), name="api-expense-mileage"),
    path("expense-receipt-reading/", api.SuggestView.as_view(), name="api-expense-suggest"),
    *router.urls,
]
