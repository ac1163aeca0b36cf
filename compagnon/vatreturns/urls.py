from django.urls import path, re_path

from . import views

P = r"vat-returns/(?P<entity_pk>\d+)/(?P<form>CA3|CA12|BE)/(?P<period>\d{4}(?:-Q[1-4]|-\d{2})?)/"

urlpatterns = [
    path("vat-returns/", views.index, name="vatreturns-index"),
    path("vat-returns/<int:entity_pk>/", views.entity_page, name="vatreturns-entity"),
    path(
        "vat-returns/<int:entity_pk>/client-listing/<int:year>.xml",
        views.client_listing,
        name="vatreturns-client-listing",
    ),
    re_path(P + r"$", views.return_page, name="vatreturns-return"),
    re_path(P + r"box/(?P<code>[0-9A-Z]{1,4})/$", views.box_page, name="vatreturns-box"),
    re_path(P + r"file/$", views.file_view, name="vatreturns-file"),
    re_path(P + r"settle/$", views.settle_view, name="vatreturns-settle"),
    re_path(
        P + r"download\.(?P<fmt>csv|pdf|xml|intra\.xml)$",
        views.download,
        name="vatreturns-download",
    ),
]
