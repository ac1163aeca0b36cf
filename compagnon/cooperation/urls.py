from django.urls import path, re_path

from . import views

urlpatterns = [
    path("cooperation/barter/", views.barter_page, name="cooperation-barter"),
    re_path(
        r"^cooperation/barter/(?P<pk>[0-9]+)/(?P<decision>confirm|decline)/$",
        views.exchange_decide,
        name="cooperation-exchange-decide",
    ),
    path("cooperation/barter/totals/<int:entity_pk>/", views.barter_totals, name="cooperation-barter-totals"),
    path("cooperation/positions/", views.position_list, name="cooperation-positions"),
    path("cooperation/positions/new/<int:entity_pk>/", views.position_new, name="cooperation-position-new"),
    path("cooperation/positions/<int:pk>/", views.position_page, name="cooperation-position"),
    path("cooperation/positions/<int:pk>/cost/", views.position_cost, name="cooperation-position-cost"),
    path("cooperation/positions/<int:pk>/end/", views.position_end, name="cooperation-position-end"),
    re_path(
        r"^cooperation/shares/(?P<pk>[0-9]+)/(?P<decision>accept|decline)/$",
        views.share_decide,
        name="cooperation-share-decide",
    ),
]
