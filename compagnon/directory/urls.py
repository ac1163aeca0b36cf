from django.urls import path

from . import views, views_public

urlpatterns = [
    path("directory/", views.search_page, name="directory-search"),
    path("directory/members/<int:pk>/", views.member_page, name="directory-member"),
    path("directory/profile/", views.profile_edit, name="directory-profile-edit"),
    path("directory/profile/showcase/<int:activity_pk>/", views.showcase_switch, name="directory-showcase-switch"),
    path("directory/map/", views.map_page, name="directory-map"),
    path("directory/map/data/", views.map_data, name="directory-map-data"),
    # public, no login
    path("showcase/<slug:slug>/", views_public.showcase_page, name="directory-showcase"),
    path("showcase/<slug:slug>/logo/", views_public.showcase_logo, name="directory-showcase-logo"),
    path("showcases/<int:entity_pk>/", views_public.showcase_index, name="directory-showcases"),
]
