from django.urls import path, re_path

from . import views, views_moderation

urlpatterns = [
    path("messages/", views.inbox, name="messaging-inbox"),
    path("messages/new/", views.compose, name="messaging-compose"),
    path("messages/read/", views.read_all, name="messaging-read-all"),
    path("messages/settings/", views.preferences, name="messaging-settings"),
    path("messages/blocked/", views.blocked_list, name="messaging-blocked"),
    re_path(r"^messages/people/(?P<user_pk>[0-9]+)/(?P<action>block|unblock)/$", views.person_block,
            name="messaging-person-block"),
    path("messages/files/<int:pk>/", views.attachment, name="messaging-attachment"),
    path("messages/reports/", views_moderation.report_list, name="messaging-reports"),
    path("messages/reports/<int:pk>/", views_moderation.report_page, name="messaging-report"),
    path("messages/reports/<int:pk>/files/<int:file_pk>/", views_moderation.report_attachment,
         name="messaging-report-attachment"),
    path("messages/suspensions/<int:pk>/lift/", views_moderation.suspension_lift, name="messaging-suspension-lift"),
    path("messages/<int:pk>/", views.conversation_page, name="messaging-conversation"),
    path("messages/<int:pk>/read/", views.conversation_read, name="messaging-conversation-read"),
    re_path(r"^messages/(?P<pk>[0-9]+)/(?P<action>archive|unarchive)/$", views.conversation_archive,
            name="messaging-conversation-archive"),
    path("messages/<int:pk>/report/", views.conversation_report, name="messaging-conversation-report"),
]
