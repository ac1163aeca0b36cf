from django.urls import path

from . import views, views_public

urlpatterns = [
    path("home-services/", views.index, name="homeservices-index"),
    path("home-services/send-all/", views.send_all, name="homeservices-send-all"),
    path("home-services/invoices/<int:pk>/send/", views.send_one, name="homeservices-send"),
    path("home-services/invoices/<int:pk>/hold/", views.hold, name="homeservices-hold"),
    path(
        "home-services/activities/<int:activity_id>/sending/",
        views.preference,
        name="homeservices-preference",
    ),
    path("home-services/certificates/", views.certificate_list, name="homeservices-certificates"),
    path(
        "home-services/declaration/<int:entity_id>/",
        views.entity_settings,
        name="homeservices-settings",
    ),
    path(
        "home-services/certificates/<int:pk>/pdf/",
        views.certificate_pdf,
        name="homeservices-certificate-pdf",
    ),
    path(
        "home-services/clients/<int:client_id>/urssaf/",
        views.urssaf_register,
        name="homeservices-urssaf-register",
    ),
    path(
        "home-services/documents/<int:document_id>/urssaf/",
        views.urssaf_request,
        name="homeservices-urssaf-request",
    ),
    path("home-services/surveys/", views.survey_results, name="homeservices-surveys"),
    # the client's links (no account)
    path(
        "hs/certificate/<str:token>/",
        views_public.certificate,
        name="homeservices-certificate-public",
    ),
    path(
        "hs/certificate/<str:token>/pdf/",
        views_public.certificate_pdf,
        name="homeservices-certificate-public-pdf",
    ),
    path("hs/survey/<str:token>/", views_public.survey, name="homeservices-survey"),
]
