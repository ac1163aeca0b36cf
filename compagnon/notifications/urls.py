from django.urls import path

from . import views

urlpatterns = [
    path("notifications/", views.notification_list, name="notification-list"),
    path("notifications/read/", views.notification_read_all, name="notification-read-all"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification-open"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification-read"),
]
