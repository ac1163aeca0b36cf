from django.urls import path

from . import views

urlpatterns = [
    path("procedures/", views.index, name="procedures-index"),
    path("procedures/new/", views.create, name="procedures-create"),
    path("procedures/mine/", views.my_work, name="procedures-mine"),
    path("procedures/review/", views.review_queue, name="procedures-review"),
    path("procedures/referents/", views.referents, name="procedures-referents"),
    path("procedures/referents/<int:pk>/remove/", views.referent_remove, name="procedures-referent-remove"),
    path("procedures/photos/<int:pk>/", views.photo, name="procedures-photo"),
    path("procedures/sheets/<int:sheet_pk>/attach/", views.sheet_attach, name="procedures-sheet-attach"),
    path("procedures/<int:pk>/", views.detail, name="procedures-detail"),
    path("procedures/<int:pk>/propose/", views.propose, name="procedures-propose"),
    path("procedures/<int:pk>/history/", views.history, name="procedures-history"),
    path("procedures/<int:pk>/compare/", views.compare, name="procedures-compare"),
    path("procedures/<int:pk>/versions/<int:version_pk>/", views.version_page, name="procedures-version"),
    path("procedures/<int:pk>/versions/<int:version_pk>/edit/", views.edit, name="procedures-edit"),
    path("procedures/<int:pk>/versions/<int:version_pk>/submit/", views.submit, name="procedures-submit"),
    path("procedures/<int:pk>/versions/<int:version_pk>/discard/", views.discard, name="procedures-discard"),
    path("procedures/<int:pk>/versions/<int:version_pk>/decide/", views.decide, name="procedures-decide"),
]
