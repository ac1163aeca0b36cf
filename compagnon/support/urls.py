from django.urls import path

from . import views, views_staff

urlpatterns = [
    path("support/", views.my_requests, name="support-mine"),
    path("support/new/", views.new_request, name="support-new"),
    path("support/queue/", views_staff.queue, name="support-queue"),
    path("support/canned/", views_staff.canned_list, name="support-canned"),
    path("support/canned/<int:pk>/", views_staff.canned_edit, name="support-canned-edit"),
    path("support/settings/<int:pk>/", views_staff.settings_page, name="support-settings"),
    path("support/files/<int:pk>/", views.attachment, name="support-attachment"),
    path("support/<int:pk>/", views.request_page, name="support-request"),
    path("support/<int:pk>/reply/", views.reply, name="support-reply"),
    path("support/<int:pk>/close/", views.close, name="support-close"),
    path("support/<int:pk>/reopen/", views.reopen, name="support-reopen"),
    path("support/<int:pk>/answer/", views_staff.answer, name="support-answer"),
    path("support/<int:pk>/assign/", views_staff.assign, name="support-assign"),
    path("support/<int:pk>/priority/", views_staff.priority, name="support-priority"),
]
