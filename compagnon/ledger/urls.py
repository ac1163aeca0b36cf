from django.urls import path

from . import views

urlpatterns = [
    path("activities/<int:pk>/accounts/", views.activity_accounts, name="activity-accounts"),
    path("ledger/", views.ledger_index, name="ledger-index"),
    path("ledger/<int:entity_pk>/journal/", views.journal, name="ledger-journal"),
    path("ledger/<int:entity_pk>/accounts/", views.chart, name="ledger-chart"),
    path(
        "ledger/<int:entity_pk>/accounts/install/",
        views.chart_install,
        name="ledger-chart-install",
    ),
    path("ledger/<int:entity_pk>/lock/", views.period_lock, name="ledger-lock"),
    path("ledger/<int:entity_pk>/figures/", views.cooperative_figures, name="ledger-figures"),
]
