from django.urls import path

from . import views, views_client

urlpatterns = [
    # clients, without an account
    path("after-sales/report/invoice/<str:token>/", views_client.report_invoice, name="aftersales-report-invoice"),
    path("after-sales/report/visit/<str:token>/", views_client.report_visit, name="aftersales-report-visit"),
    path("after-sales/c/<str:token>/", views_client.client_case, name="aftersales-client"),
    path("after-sales/c/<str:token>/write/", views_client.client_write, name="aftersales-client-write"),
    path("after-sales/c/<str:token>/close/", views_client.client_close, name="aftersales-client-close"),
    path("after-sales/c/<str:token>/photos/<int:pk>/", views_client.client_photo, name="aftersales-client-photo"),
    # members and the desk
    path("after-sales/", views.case_list, name="aftersales-list"),
    path("after-sales/queue/", views.queue, name="aftersales-queue"),
    path("after-sales/warranty/", views.warranty, name="aftersales-warranty"),
    path("after-sales/warranty/<int:pk>/delete/", views.warranty_delete, name="aftersales-warranty-delete"),
    path("after-sales/<int:pk>/", views.case_detail, name="aftersales-case"),
    path("after-sales/<int:pk>/accept/", views.case_accept, name="aftersales-accept"),
    path("after-sales/<int:pk>/decline/", views.case_decline, name="aftersales-decline"),
    path("after-sales/<int:pk>/assign/", views.case_assign, name="aftersales-assign"),
    path("after-sales/<int:pk>/answer/", views.case_answer, name="aftersales-answer"),
    path("after-sales/<int:pk>/resolve/", views.case_resolve, name="aftersales-resolve"),
    path("after-sales/<int:pk>/reject/", views.case_reject, name="aftersales-reject"),
    path("after-sales/<int:pk>/close/", views.case_close, name="aftersales-close"),
    path("after-sales/<int:pk>/photos/<int:photo_pk>/", views.case_photo, name="aftersales-photo"),
]
