from django.urls import path

from . import views

urlpatterns = [
    path(
        "activities/<int:pk>/supplier-invoices/",
        views.invoice_list,
        name="supplier-invoice-list",
    ),
    path(
        "activities/<int:pk>/supplier-invoices/<int:invoice_pk>/",
        views.invoice_detail,
        name="supplier-invoice-detail",
    ),
    path(
        "activities/<int:pk>/supplier-invoices/<int:invoice_pk>/file/",
        views.invoice_file,
        name="supplier-invoice-file",
    ),
    path(
        "activities/<int:pk>/supplier-invoices/<int:invoice_pk>/attachments/<int:attachment_pk>/",
        views.attachment_file,
        name="supplier-invoice-attachment",
    ),
]
