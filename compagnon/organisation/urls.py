from django.urls import path

from . import views

urlpatterns = [
    path("entities/", views.entity_list, name="entity-list"),
    path("entities/<int:pk>/edit/", views.entity_edit, name="entity-edit"),
    path("entities/<int:pk>/offices/new/", views.office_create, name="office-create"),
]
