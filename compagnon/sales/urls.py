from django.urls import path

from . import views

urlpatterns = [
    path("documents/", views.document_list, name="document-list"),
    path("documents/new/", views.document_create, name="document-create"),
    path("documents/<int:pk>/", views.document_detail, name="document-detail"),
    path("documents/<int:pk>/autosave/", views.document_autosave, name="document-autosave"),
    path("documents/<int:pk>/line/", views.document_line, name="document-line"),
    path("documents/<int:pk>/preview/", views.document_preview, name="document-preview"),
    path("documents/<int:pk>/pdf/", views.document_pdf, name="document-pdf"),
    path("documents/<int:pk>/pdf/status/", views.document_pdf_status, name="document-pdf-status"),
    path("documents/<int:pk>/issue/", views.document_issue, name="document-issue"),
    path("documents/<int:pk>/send/", views.document_send, name="document-send"),
    path("documents/<int:pk>/state/", views.document_quote_state, name="document-quote-state"),
    path("documents/<int:pk>/invoice/", views.document_invoice_from_quote, name="document-invoice-from-quote"),
    path("documents/<int:pk>/credit-note/", views.document_credit_note, name="document-credit-note"),
    path("documents/<int:pk>/duplicate/", views.document_duplicate, name="document-duplicate"),
    path("documents/<int:pk>/delete/", views.document_delete, name="document-delete"),
    path("activities/<int:pk>/catalogue/", views.catalogue, name="catalogue"),
    path("activities/<int:pk>/catalogue/<int:item_pk>/", views.catalogue_item_edit, name="catalogue-item-edit"),
    path("activities/<int:pk>/catalogue/<int:item_pk>/active/", views.catalogue_item_active,
         name="catalogue-item-active"),
]
