from django.urls import path

from . import views

urlpatterns = [
    path("ereporting/", views.index, name="ereporting-index"),
    path("ereporting/<int:entity_pk>/", views.entity_reports, name="ereporting-entity"),
    path("ereporting/<int:entity_pk>/settings/", views.entity_settings, name="ereporting-settings"),
    path("ereporting/<int:entity_pk>/build/", views.build, name="ereporting-build"),
    path("ereporting/<int:entity_pk>/inbox/", views.platform_inbox, name="ereporting-inbox"),
    path("ereporting/<int:entity_pk>/inbox/<int:flow_pk>/route/", views.platform_route, name="ereporting-route"),
    path("ereporting/reports/<int:pk>/", views.report_detail, name="ereporting-report"),
    path("ereporting/reports/<int:pk>/download/", views.report_download, name="ereporting-report-download"),
    path("ereporting/reports/<int:pk>/send/", views.report_send, name="ereporting-report-send"),
]
