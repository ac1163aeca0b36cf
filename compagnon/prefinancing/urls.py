from django.urls import path

from . import views

urlpatterns = [
    path("prefinancing/", views.home, name="prefinancing-home"),
    path("prefinancing/invoices/<int:pk>/", views.ask, name="prefinancing-ask"),
    path("prefinancing/review/", views.review, name="prefinancing-review"),
    path("prefinancing/fund/", views.fund, name="prefinancing-fund"),
    path("prefinancing/fund/<int:entity_pk>/policy/", views.policy_edit, name="prefinancing-policy"),
    path("prefinancing/fund/<int:entity_pk>/pay/", views.pay, name="prefinancing-pay"),
    path("prefinancing/<int:pk>/", views.detail, name="prefinancing-detail"),
    path("prefinancing/<int:pk>/approve/", views.approve, name="prefinancing-approve"),
    path("prefinancing/<int:pk>/refuse/", views.refuse, name="prefinancing-refuse"),
    path("prefinancing/<int:pk>/loss/", views.loss, name="prefinancing-loss"),
]
