from django.urls import path

from . import views

urlpatterns = [
    path("activities/<int:pk>/budget/", views.budget, name="activity-budget"),
    path("activities/<int:pk>/budget/move/", views.movement_request, name="budget-move"),
    path("budget/movements/", views.movement_list, name="budget-movements"),
    path("budget/movements/<int:pk>/approve/", views.movement_approve, name="budget-approve"),
    path("budget/movements/<int:pk>/refuse/", views.movement_refuse, name="budget-refuse"),
    path("budget/rates/<int:entity_pk>/", views.rates, name="budget-rates"),
]
