from django.urls import path

from . import pwa, views

urlpatterns = [
    path("", views.index, name="index"),
    path("home/", views.home, name="home"),
    path("manifest.webmanifest", pwa.manifest, name="pwa-manifest"),
    path("sw.js", pwa.service_worker, name="pwa-service-worker"),
    path("offline/", pwa.offline, name="offline"),
    path("offline/new-document/", pwa.new_document_queued, name="offline-new-document"),
    path("money/", views.money, name="money"),
]
