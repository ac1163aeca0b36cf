from django.urls import path, re_path

from . import views, views_public

urlpatterns = [
    path("recruiting/", views.board, name="recruiting-board"),
    path("recruiting/applications/<int:pk>/", views.application_detail, name="recruiting-application"),
    path("recruiting/applications/<int:pk>/move/", views.application_move, name="recruiting-move"),
    path("recruiting/applications/<int:pk>/refuse/", views.application_refuse, name="recruiting-refuse"),
    path("recruiting/applications/<int:pk>/note/", views.application_note, name="recruiting-note"),
    path("recruiting/applications/<int:pk>/join/", views.application_join, name="recruiting-join"),
    path("recruiting/documents/<int:pk>/", views.document, name="recruiting-document"),
    path("recruiting/meetings/", views.meeting_list, name="recruiting-meetings"),
    path("recruiting/meetings/<int:pk>/", views.meeting_detail, name="recruiting-meeting"),
    path("recruiting/meetings/<int:pk>/add/", views.meeting_add, name="recruiting-meeting-add"),
    re_path(r"^recruiting/signups/(?P<pk>[0-9]+)/(?P<action>present|absent|cancel)/$", views.signup_action,
            name="recruiting-signup"),
    path("recruiting/needs/", views.needs, name="recruiting-needs"),
    path("recruiting/calls/<int:pk>/unpublish/", views.call_unpublish, name="recruiting-call-unpublish"),
    path("recruiting/load/", views.load, name="recruiting-load"),
    # public, no account
    path("join/<int:entity_pk>/", views_public.apply, name="recruiting-apply"),
    path("join/<int:entity_pk>/calls/", views_public.calls, name="recruiting-calls"),
    path("join/follow/<str:token>/", views_public.follow, name="recruiting-follow"),
    path("join/follow/<str:token>/meetings/<int:meeting_pk>/", views_public.follow_sign_up,
         name="recruiting-follow-signup"),
    path("join/follow/<str:token>/signups/<int:signup_pk>/cancel/", views_public.follow_cancel,
         name="recruiting-follow-cancel"),
]
