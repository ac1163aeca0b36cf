from django.urls import path

from . import views

urlpatterns = [
    path("bank/accounts/", views.account_list, name="bank-account-list"),
    path("bank/accounts/new/", views.account_create, name="bank-account-create"),
    path("bank/accounts/<int:pk>/", views.account_detail, name="bank-account-detail"),
    path("bank/accounts/<int:pk>/edit/", views.account_edit, name="bank-account-edit"),
    path("bank/accounts/<int:pk>/csv-columns/", views.csv_mapping, name="bank-csv-mapping"),
    path("bank/statements/upload/", views.statement_upload, name="bank-statement-upload"),
    path("bank/statements/<int:pk>/", views.statement_detail, name="bank-statement-detail"),
    path("bank/statements/<int:pk>/file/", views.statement_file, name="bank-statement-file"),
]
