from django.urls import path

from . import views

urlpatterns = [
    path("clients/", views.client_list, name="client-list"),
    path("clients/new/", views.client_create, name="client-create"),
    path("clients/import/", views.client_import, name="client-import"),
    path(
        "clients/import/template.csv",
        views.client_import_template,
        name="client-import-template",
    ),
    path("clients/import/<int:pk>/", views.client_import_detail, name="client-import-detail"),
    path(
        "clients/import/<int:pk>/confirm/",
        views.client_import_confirm,
        name="client-import-confirm",
    ),
    path("clients/import/<int:pk>/file/", views.client_import_file, name="client-import-file"),
    path("clients/<int:pk>/", views.client_detail, name="client-detail"),
    path("clients/<int:pk>/edit/", views.client_edit, name="client-edit"),
    path("clients/<int:pk>/archive/", views.client_archive, name="client-archive"),
    path("clients/<int:pk>/unarchive/", views.client_unarchive, name="client-unarchive"),
    path("clients/<int:pk>/contacts/new/", views.contact_add, name="client-contact-add"),
    path(
        "clients/<int:pk>/contacts/<int:contact_pk>/edit/",
        views.contact_edit,
        name="client-contact-edit",
    ),
    path(
        "clients/<int:pk>/contacts/<int:contact_pk>/delete/",
        views.contact_delete,
        name="client-contact-delete",
    ),
    path("clients/<int:pk>/relationship/", views.entry_add, name="client-entry-add"),
    path(
        "clients/<int:pk>/relationship/<int:entry_pk>/done/",
        views.entry_done,
        name="client-entry-done",
    ),
]
