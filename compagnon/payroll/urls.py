from django.urls import path

from . import views

urlpatterns = [
    path("salary/", views.salary, name="salary"),
    path("salary/simulate/", views.simulate, name="salary-simulate"),
    path("salary/details/", views.details, name="salary-details"),
    path("salary/payslips/", views.my_payslips, name="salary-payslips"),
    path("salary/payslips/<int:pk>/", views.payslip_file, name="salary-payslip"),
    path("salary/review/", views.review, name="salary-review"),
    path("salary/requests/<int:pk>/", views.request_detail, name="salary-request"),
    path("salary/requests/<int:pk>/cancel/", views.request_cancel, name="salary-request-cancel"),
    path("salary/requests/<int:pk>/approve/", views.request_approve, name="salary-request-approve"),
    path("salary/requests/<int:pk>/refuse/", views.request_refuse, name="salary-request-refuse"),
    path("members/<int:pk>/contracts/new/", views.contract_new, name="payroll-contract-new"),
    path("payroll/", views.run_list, name="payroll"),
    path("payroll/<int:pk>/", views.month_page, name="payroll-month"),
    path("payroll/<int:pk>/freeze/", views.month_freeze, name="payroll-freeze"),
    path("payroll/<int:pk>/variables.csv", views.month_export, name="payroll-export"),
    path("payroll/<int:pk>/journal/", views.month_journal, name="payroll-journal"),
    path("payroll/<int:pk>/payslips/", views.month_payslips, name="payroll-payslips"),
    path("payroll/<int:pk>/transfers/", views.month_transfers, name="payroll-transfers"),
]
