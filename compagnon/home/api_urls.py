from django.urls import path

from . import api

urlpatterns = [path("home/", api.home, name="api-home")]
