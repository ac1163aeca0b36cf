from django.urls import path

from . import views

urlpatterns = [
    path("bookkeeping/", views.index, name="bookkeeping-index"),
    path("bookkeeping/<int:entity_pk>/entries/", views.entries, name="bookkeeping-entries"),
    path("bookkeeping/<int:entity_pk>/entries/new/", views.entry_new, name="bookkeeping-entry-new"),
    path("bookkeeping/entries/<int:pk>/", views.entry_detail, name="bookkeeping-entry"),
    path("bookkeeping/entries/<int:pk>/edit/", views.entry_edit, name="bookkeeping-entry-edit"),
    path(
        "bookkeeping/entries/<int:pk>/validate/",
        views.entry_validate,
        name="bookkeeping-entry-validate",
    ),
    path(
        "bookkeeping/entries/<int:pk>/refuse/", views.entry_refuse, name="bookkeeping-entry-refuse"
    ),
    path(
        "bookkeeping/entries/<int:pk>/reverse/",
        views.entry_reverse,
        name="bookkeeping-entry-reverse",
    ),
    path(
        "bookkeeping/entries/<int:pk>/delete/", views.entry_delete, name="bookkeeping-entry-delete"
    ),
    path(
        "bookkeeping/entries/<int:pk>/attach/", views.entry_attach, name="bookkeeping-entry-attach"
    ),
    path(
        "bookkeeping/entries/<int:pk>/documents/<int:attachment_pk>/",
        views.attachment_file,
        name="bookkeeping-attachment",
    ),
    path("bookkeeping/<int:entity_pk>/recurring/", views.recurring, name="bookkeeping-recurring"),
    path(
        "bookkeeping/<int:entity_pk>/recurring/new/",
        views.recurring_new,
        name="bookkeeping-recurring-new",
    ),
    path(
        "bookkeeping/recurring/<int:pk>/edit/",
        views.recurring_edit,
        name="bookkeeping-recurring-edit",
    ),
    path("bookkeeping/<int:entity_pk>/years/", views.years, name="bookkeeping-years"),
    path(
        "bookkeeping/<int:entity_pk>/years/<int:year>/close/",
        views.close_year,
        name="bookkeeping-close-year",
    ),
    path(
        "bookkeeping/<int:entity_pk>/years/<int:year>/",
        views.year_summary,
        name="bookkeeping-year-summary",
    ),
]
