from django.urls import path

from . import api

urlpatterns = [path("glossary/", api.glossary, name="api-glossary")]
