from django.urls import path

from . import views

urlpatterns = [
    path("lettering/<int:entity_pk>/", views.index, name="lettering-index"),
    path(
        "lettering/<int:entity_pk>/accounts/<int:account_pk>/",
        views.account_page,
        name="lettering-account",
    ),
    path(
        "lettering/<int:entity_pk>/accounts/<int:account_pk>/letter/",
        views.letter,
        name="lettering-letter",
    ),
    path("lettering/<int:entity_pk>/<int:pk>/unletter/", views.unletter, name="lettering-unletter"),
]
