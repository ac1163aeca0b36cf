from django.urls import path

from . import views, views_declarations

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
    path("payments/documents/<int:pk>/declare/", views_declarations.declare, name="payments-declare"),
    path("payments/entities/<int:entity_pk>/declarations/", views_declarations.queue, name="payments-declarations"),
    path("payments/declarations/<int:pk>/confirm/", views_declarations.confirm, name="payments-declaration-confirm"),
    path("payments/declarations/<int:pk>/reject/", views_declarations.reject, name="payments-declaration-reject"),
    path("payments/declarations/<int:pk>/photo/", views_declarations.photo, name="payments-declaration-photo"),
]
