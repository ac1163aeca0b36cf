from django.urls import path

from . import views

urlpatterns = [
    path("activities/<int:pk>/time/", views.time_week, name="time-week"),
    path(
        "activities/<int:pk>/time/<int:entry_pk>/",
        views.time_entry_edit,
        name="time-entry-edit",
    ),
    path(
        "activities/<int:pk>/time/<int:entry_pk>/delete/",
        views.time_entry_delete,
        name="time-entry-delete",
    ),
    path("activities/<int:pk>/time/expenses/", views.expense_list, name="time-expenses"),
    path(
        "activities/<int:pk>/time/expenses/<int:expense_pk>/delete/",
        views.expense_delete,
        name="time-expense-delete",
    ),
    path("activities/<int:pk>/time/rates/", views.rates, name="time-rates"),
    path("activities/<int:pk>/statements/", views.statement_list, name="time-statements"),
    path(
        "activities/<int:pk>/statements/<int:doc_pk>/",
        views.statement_detail,
        name="time-statement-detail",
    ),
    path(
        "activities/<int:pk>/statements/<int:doc_pk>/state/",
        views.statement_state,
        name="time-statement-state",
    ),
    path(
        "activities/<int:pk>/statements/<int:doc_pk>/invoice/",
        views.statement_invoice,
        name="time-statement-invoice",
    ),
    path(
        "activities/<int:pk>/statements/<int:doc_pk>/release/",
        views.statement_release,
        name="time-statement-release",
    ),
    path(
        "activities/<int:pk>/statements/<int:doc_pk>/delete/",
        views.statement_delete,
        name="time-statement-delete",
    ),
]
