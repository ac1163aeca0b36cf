from django.urls import path

from . import views

urlpatterns = [
    path("invitations/", views.invitation_list, name="invitation-list"),
    path("invite/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
]
