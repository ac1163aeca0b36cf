from django.urls import path

from . import views, views_workflow

urlpatterns = [
    path("purchases/", views_workflow.home, name="purchases-home"),
    path("purchases/queue/", views_workflow.queue, name="purchases-queue"),
    path("purchases/pay/", views_workflow.pay, name="purchases-pay"),
    path("purchases/suppliers/", views_workflow.supplier_list, name="purchases-suppliers"),
    path("purchases/suppliers/new/", views_workflow.supplier_new, name="purchases-supplier-new"),
    path("purchases/suppliers/<int:pk>/", views_workflow.supplier_edit, name="purchases-supplier"),
    path(
        "activities/<int:pk>/supplier-invoices/",
        views.invoice_list,
        name="supplier-invoice-list",
    ),
    path(
        "activities/<int:pk>/supplier-invoices/new/",
        views_workflow.invoice_new,
        name="supplier-invoice-new",
    ),
    path(
        "activities/<int:pk>/supplier-invoices/<int:invoice_pk>/",
        views.invoice_detail,
        name="supplier-invoice-detail",
    ),
    path(
        "activities/<int:pk>/supplier-invoices/<int:invoice_pk>/edit/",
        views_workflow.invoice_edit,
        name="supplier-invoice-edit",
    ),
    path(
        "activities/<int:pk>/supplier-invoices/<int:invoice_pk>/view/",
        views_workflow.invoice_inline,
        name="supplier-invoice-inline",
    ),
    path(
        "activities/<int:pk>/supplier-invoices/<int:invoice_pk>/approve/",
        views_workflow.invoice_approve,
        name="supplier-invoice-approve",
    ),
    path(
        "activities/<int:pk>/supplier-invoices/<int:invoice_pk>/refuse/",
        views_workflow.invoice_refuse,
        name="supplier-invoice-refuse",
    ),
    path(
        "activities/<int:pk>/supplier-invoices/<int:invoice_pk>/cancel/",
        views_workflow.invoice_cancel,
        name="supplier-invoice-cancel",
    ),
    path(
        "activities/<int:pk>/supplier-invoices/<int:invoice_pk>/vat-treatment/",
        views_workflow.invoice_vat_treatment,
        name="supplier-invoice-vat-treatment",
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
