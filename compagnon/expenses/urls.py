from django.urls import path

from . import views

urlpatterns = [
    path("expenses/", views.claim_list, name="expense-list"),
    path("expenses/review/", views.review, name="expense-review"),
    path("expenses/reimburse/", views.reimburse, name="expense-reimburse"),
    path("expenses/account/", views.bank_account, name="expense-account"),
    path("expenses/accounts/<int:pk>/validate/", views.bank_account_validate, name="expense-account-validate"),
    path("activities/<int:pk>/expenses/new/", views.claim_new, name="expense-new"),
    path("activities/<int:pk>/expenses/suggest/", views.claim_suggest, name="expense-suggest"),
    path("expenses/<int:pk>/", views.claim_detail, name="expense-detail"),
    path("expenses/<int:pk>/edit/", views.claim_edit, name="expense-edit"),
    path("expenses/<int:pk>/submit/", views.claim_submit, name="expense-submit"),
    path("expenses/<int:pk>/delete/", views.claim_delete, name="expense-delete"),
    path("expenses/<int:pk>/approve/", views.claim_approve, name="expense-approve"),
    path("expenses/<int:pk>/refuse/", views.claim_refuse, name="expense-refuse"),
    path("expenses/<int:pk>/receipt/", views.claim_receipt, name="expense-receipt"),
    path("expenses/<int:pk>/preview/", views.claim_preview, name="expense-preview"),
]
