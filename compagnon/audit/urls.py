from django.urls import path

from . import views

urlpatterns = [path("history/", views.audit_list, name="audit-list")]
