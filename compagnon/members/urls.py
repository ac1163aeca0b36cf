from django.urls import path

from . import views

urlpatterns = [
    path("members/", views.member_list, name="member-list"),
    path("members/<int:pk>/", views.member_detail, name="member-detail"),
    path("members/<int:pk>/status/", views.member_status, name="member-status"),
    path("members/<int:pk>/maturity/", views.member_maturity, name="member-maturity"),
    path("members/<int:pk>/advisor/", views.member_advisor, name="member-advisor"),
    path("profile/", views.profile, name="profile"),
    # the entity page counts the members of each office: it combines organisation and members
    path("entities/<int:pk>/", views.entity_detail, name="entity-detail"),
    path("activities/", views.activity_list, name="activity-list"),
    path("activities/new/", views.activity_create, name="activity-create"),
    path("activities/<int:pk>/", views.activity_detail, name="activity-detail"),
    path("activities/<int:pk>/settings/", views.activity_settings, name="activity-settings"),
    path("activities/<int:pk>/logo/", views.activity_logo, name="activity-logo"),
    path("activities/<int:pk>/members/", views.activity_add_member, name="activity-add-member"),
    path(
        "activities/<int:pk>/members/<int:membership_pk>/remove/",
        views.activity_remove_member,
        name="activity-remove-member",
    ),
]
