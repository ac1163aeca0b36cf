from django.urls import path

from . import views, views_stock

urlpatterns = [
    path("interventions/", views.today, name="interventions-today"),
    path("interventions/visits/<int:pk>/", views.visit, name="interventions-visit"),
    path("interventions/visits/<int:pk>/presence/", views.presence, name="interventions-presence"),
    path("interventions/visits/<int:pk>/code/", views.home_code, name="interventions-home-code"),
    path(
        "interventions/visits/<int:pk>/code.<str:fmt>",
        views.home_code_image,
        name="interventions-home-code-image",
    ),
    path("interventions/position/", views.consent, name="interventions-consent"),
    path("interventions/sheets/", views.sheets, name="interventions-sheets"),
    path("interventions/sheets/<int:pk>/save/", views.sheet_save, name="interventions-sheet-save"),
    path(
        "interventions/sheets/<int:pk>/photos/", views.sheet_photo, name="interventions-sheet-photo"
    ),
    path(
        "interventions/sheets/<int:pk>/signature/",
        views.sheet_sign,
        name="interventions-sheet-sign",
    ),
    path(
        "interventions/sheets/<int:pk>/signature.svg",
        views.signature,
        name="interventions-signature",
    ),
    path(
        "interventions/sheets/<int:pk>/validate/",
        views.sheet_validate,
        name="interventions-sheet-validate",
    ),
    path("interventions/photos/<int:pk>/", views.photo_file, name="interventions-photo"),
    path("interventions/scan/<str:token>/", views.scan, name="interventions-scan"),
    path("interventions/stock/", views_stock.stock, name="interventions-stock"),
    path(
        "interventions/sectors/<int:pk>/stock/add/",
        views_stock.stock_add,
        name="interventions-stock-add",
    ),
    path(
        "interventions/stock/<int:pk>/restock/", views_stock.restock, name="interventions-restock"
    ),
    path("interventions/equipment/", views_stock.equipment, name="interventions-equipment"),
    path(
        "interventions/sectors/<int:pk>/equipment/add/",
        views_stock.equipment_add,
        name="interventions-equipment-add",
    ),
    path("interventions/equipment/<int:pk>/book/", views_stock.book, name="interventions-book"),
    path(
        "interventions/bookings/<int:pk>/cancel/",
        views_stock.booking_cancel,
        name="interventions-booking-cancel",
    ),
    path("s/sheet/<str:token>/", views.client_sheet, name="interventions-client-sheet"),
    path(
        "s/sheet/<str:token>/signature.svg",
        views.client_signature,
        name="interventions-client-signature",
    ),
    path(
        "s/sheet/<str:token>/photos/<int:pk>/",
        views.client_photo,
        name="interventions-client-photo",
    ),
]
