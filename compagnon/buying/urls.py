from django.urls import path

from . import views

urlpatterns = [
    path("buying/", views.group_list, name="buying-groups"),
    path("buying/new/", views.group_new, name="buying-group-new"),
    path("buying/<int:pk>/", views.group_page, name="buying-group"),
    path("buying/<int:pk>/join/", views.group_join, name="buying-group-join"),
    path("buying/<int:pk>/leave/<int:activity_pk>/", views.group_leave, name="buying-group-leave"),
    path("buying/<int:pk>/order/", views.group_order, name="buying-group-order"),
    path("buying/<int:pk>/cancel/", views.group_cancel, name="buying-group-cancel"),
    path("buying/<int:pk>/invoice/", views.group_invoice, name="buying-group-invoice"),
    path("buying/suppliers/", views.supplier_list, name="buying-suppliers"),
    path("buying/suppliers/<int:pk>/", views.supplier_page, name="buying-supplier"),
    path("buying/suppliers/<int:pk>/terms/", views.terms_page, name="buying-terms"),
    path("buying/ratings/<int:pk>/hide/", views.rating_hide, name="buying-rating-hide"),
]
