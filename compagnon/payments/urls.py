from django.urls import path

from . import views

urlpatterns = [
    path("payments/", views.index, name="payments-index"),
    path("payments/entities/<int:entity_pk>/", views.queue, name="payments-queue"),
    path("payments/transactions/<int:pk>/", views.transaction_detail, name="payments-transaction"),
    path("payments/transactions/<int:pk>/allocate/", views.allocate, name="payments-allocate"),
    path("payments/transactions/<int:pk>/accept/", views.accept, name="payments-accept"),
    path("payments/transactions/<int:pk>/charges/", views.bank_charge, name="payments-bank-charge"),
    path("payments/transactions/<int:pk>/refund/", views.refund, name="payments-refund"),
    path("payments/transactions/<int:pk>/set-aside/", views.set_aside, name="payments-set-aside"),
    path("payments/transactions/<int:pk>/bring-back/", views.bring_back, name="payments-bring-back"),
    path("payments/allocations/<int:pk>/undo/", views.reverse_allocation, name="payments-reverse"),
    path("payments/credits/<int:pk>/use/", views.use_credit, name="payments-use-credit"),
    path("activities/<int:pk>/money/", views.activity_money, name="activity-money"),
]
