from django.urls import path

from . import api

urlpatterns = [
    path(
        "reports/<int:entity>/trial-balance/",
        api.TrialBalanceView.as_view(),
        name="reports-api-trial-balance",
    ),
    path(
        "reports/<int:entity>/ledger/<str:account>/",
        api.GeneralLedgerView.as_view(),
        name="reports-api-general-ledger",
    ),
    path(
        "reports/<int:entity>/journals/<str:journal>/",
        api.JournalView.as_view(),
        name="reports-api-journal",
    ),
    path(
        "reports/<int:entity>/receivables/",
        api.ReceivablesView.as_view(),
        name="reports-api-receivables",
    ),
    path("reports/<int:entity>/payables/", api.PayablesView.as_view(), name="reports-api-payables"),
    path("reports/<int:entity>/vat/", api.VatView.as_view(), name="reports-api-vat"),
    path(
        "reports/<int:entity>/income-statement/",
        api.EntityStatementView.as_view(),
        name="reports-api-statement",
    ),
    path(
        "reports/activities/<int:id>/income-statement/",
        api.ActivityStatementView.as_view(),
        name="reports-api-activity-statement",
    ),
    path(
        "reports/<int:entity>/transparency/",
        api.TransparencyView.as_view(),
        name="reports-api-transparency",
    ),
]
