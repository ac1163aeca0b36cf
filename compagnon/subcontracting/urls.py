from django.urls import path, re_path

from . import views

urlpatterns = [
    path("subcontracting/", views.subcontract_list, name="subcontracting-list"),
    path("subcontracting/new/", views.subcontract_new, name="subcontracting-new"),
    path("subcontracting/<int:pk>/", views.subcontract_page, name="subcontracting-detail"),
    re_path(
        r"^subcontracting/(?P<pk>[0-9]+)/(?P<decision>accept|decline)/$",
        views.subcontract_decide,
        name="subcontracting-decide",
    ),
    path("subcontracting/<int:pk>/withdraw/", views.subcontract_withdraw, name="subcontracting-withdraw"),
    path("subcontracting/<int:pk>/issue/", views.subcontract_issue, name="subcontracting-issue"),
    path("subcontracting/invoices/<int:pk>/", views.invoice_page, name="subcontracting-invoice"),
    path("subcontracting/invoices/<int:pk>/cancel/", views.invoice_cancel, name="subcontracting-invoice-cancel"),
    path("subcontracting/entity/<int:entity_pk>/", views.entity_list, name="subcontracting-entity"),
    path("subcontracting/entity/<int:entity_pk>/settings/", views.policy_page, name="subcontracting-settings"),
]
