from django.urls import path

from . import views

urlpatterns = [
    path("planning/sectors/<int:sector_pk>/", views.sector_proposals, name="planning-sector"),
    path("planning/proposals/<int:pk>/", views.proposal_detail, name="planning-proposal"),
    path(
        "planning/proposals/<int:pk>/status/",
        views.proposal_status,
        name="planning-proposal-status",
    ),
    path(
        "planning/proposals/<int:pk>/lines/<int:line_pk>/move/",
        views.proposal_move,
        name="planning-proposal-move",
    ),
    path(
        "planning/proposals/<int:pk>/accept/",
        views.proposal_accept,
        name="planning-proposal-accept",
    ),
    path(
        "planning/proposals/<int:pk>/discard/",
        views.proposal_discard,
        name="planning-proposal-discard",
    ),
]
