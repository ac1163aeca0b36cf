from django.urls import path

from . import views

urlpatterns = [
    path("reports/", views.index, name="reports-index"),
    path(
        "reports/<int:entity_pk>/trial-balance/", views.trial_balance, name="reports-trial-balance"
    ),
    path(
        "reports/<int:entity_pk>/ledger/<str:code>/",
        views.general_ledger,
        name="reports-general-ledger",
    ),
    path("reports/<int:entity_pk>/journals/", views.journals, name="reports-journals"),
    path("reports/<int:entity_pk>/journals/<str:code>/", views.journals, name="reports-journal"),
    path("reports/<int:entity_pk>/receivables/", views.receivables, name="reports-receivables"),
    path("reports/<int:entity_pk>/payables/", views.payables, name="reports-payables"),
    path("reports/<int:entity_pk>/vat/", views.vat, name="reports-vat"),
    path(
        "reports/<int:entity_pk>/income-statement/",
        views.entity_statement,
        name="reports-statement",
    ),
    path(
        "activities/<int:pk>/income-statement/",
        views.activity_statement,
        name="reports-activity-statement",
    ),
    # the cooperative's figures: this page replaces the ledger's at the same address (included first)
    path("ledger/<int:entity_pk>/figures/", views.transparency_page, name="reports-transparency"),
]
