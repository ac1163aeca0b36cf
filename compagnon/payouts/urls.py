from django.urls import path

from . import views

urlpatterns = [
    path("payouts/", views.batch_list, name="payout-batch-list"),
    path("payouts/new/", views.batch_create, name="payout-batch-create"),
    path("payouts/<int:pk>/", views.batch_detail, name="payout-batch-detail"),
    path("payouts/<int:pk>/edit/", views.batch_edit, name="payout-batch-edit"),
    path("payouts/<int:pk>/refunds/<int:document_pk>/", views.refund_add, name="payout-refund-add"),
    path("payouts/<int:pk>/lines/new/", views.line_add, name="payout-line-add"),
    path("payouts/<int:pk>/lines/<int:line_pk>/remove/", views.line_remove, name="payout-line-remove"),
    path("payouts/<int:pk>/generate/", views.batch_generate, name="payout-batch-generate"),
    path("payouts/<int:pk>/download/", views.batch_download, name="payout-batch-download"),
    path("payouts/<int:pk>/sent/", views.batch_mark_sent, name="payout-batch-sent"),
    path("payouts/<int:pk>/cancel/", views.batch_cancel, name="payout-batch-cancel"),
    path("payouts/<int:pk>/lines/<int:line_pk>/rejected/", views.line_reject, name="payout-line-reject"),
    path("payouts/<int:pk>/lines/<int:line_pk>/returned/", views.line_returned, name="payout-line-returned"),
    path("payouts/bank/", views.outgoing_queue, name="payout-outgoing"),
    path("payouts/bank/<int:transaction_pk>/confirm/", views.outgoing_confirm, name="payout-outgoing-confirm"),
]
