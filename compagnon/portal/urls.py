from django.urls import path

from . import views, views_send

urlpatterns = [
    # member side
    path("documents/<int:pk>/email/", views_send.send, name="portal-send"),
    path("documents/<int:pk>/portal-link/", views.portal_link, name="portal-link"),
    path("documents/<int:pk>/signed-pdf/", views.member_signed_pdf, name="portal-member-signed-pdf"),
    # client portal: one signed link per document, no account
    path("p/<str:token>/", views.portal_document, name="portal-document"),
    path("p/<str:token>/pdf/", views.portal_pdf, name="portal-pdf"),
    path("p/<str:token>/signed-pdf/", views.portal_signed_pdf, name="portal-signed-pdf"),
    path("p/<str:token>/refuse/", views.portal_refuse, name="portal-refuse"),
    path("p/<str:token>/accept/", views.portal_accept, name="portal-accept"),
    path("p/<str:token>/accept/<int:request_id>/", views.portal_confirm, name="portal-confirm"),
    path("p/<str:token>/accept/<int:request_id>/resend/", views.portal_resend, name="portal-resend"),
]
