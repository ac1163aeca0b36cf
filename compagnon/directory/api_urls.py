from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("directory/members", api.DirectoryMemberViewSet, basename="api-directory-member")
urlpatterns = [
    path("directory/profile/", api.MyProfileView.as_view(), name="api-directory-profile"),
    path("directory/map/", api.MapView.as_view(), name="api-directory-map"),
    *router.urls,
]
