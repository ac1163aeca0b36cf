from django.urls import path

from . import views, views_staff

urlpatterns = [
    path("news/", views.news_list, name="mailings-news"),
    path("news/read/", views.news_read_all, name="mailings-news-read-all"),
    path("news/<int:pk>/", views.news_detail, name="mailings-news-detail"),
    path("mailings/preferences/", views.preferences, name="mailings-preferences"),
    path("mailings/unsubscribe/<str:token>/", views.unsubscribe, name="mailings-unsubscribe"),
    path("mailings/", views_staff.mailing_list, name="mailings-list"),
    path("mailings/new/", views_staff.mailing_new, name="mailings-new"),
    path("mailings/count/", views_staff.mailing_count, name="mailings-count"),
    path("mailings/interests/", views_staff.interests, name="mailings-interests"),
    path("mailings/interests/<int:pk>/", views_staff.interest_edit, name="mailings-interest"),
    path("mailings/<int:pk>/", views_staff.mailing_detail, name="mailings-detail"),
    path("mailings/<int:pk>/edit/", views_staff.mailing_edit, name="mailings-edit"),
    path("mailings/<int:pk>/progress/", views_staff.mailing_progress, name="mailings-progress"),
    path("mailings/<int:pk>/send/", views_staff.mailing_send, name="mailings-send"),
    path("mailings/<int:pk>/schedule/", views_staff.mailing_schedule, name="mailings-schedule"),
    path("mailings/<int:pk>/unschedule/", views_staff.mailing_unschedule, name="mailings-unschedule"),
    path("mailings/<int:pk>/delete/", views_staff.mailing_delete, name="mailings-delete"),
    path("mailings/<int:pk>/retry/", views_staff.mailing_retry, name="mailings-retry"),
]
