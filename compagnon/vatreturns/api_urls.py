from django.urls import path, re_path

from . import api

P = r"vat-returns/(?P<entity_id>\d+)/(?P<form>CA3|CA12|BE)/(?P<period>\d{4}(?:-Q[1-4]|-\d{2})?)/"

urlpatterns = [
    path("vat-returns/<int:entity_id>/", api.FiledListView.as_view(), name="api-vatreturns-filed"),
    re_path(P + r"$", api.FiguresView.as_view(), name="api-vatreturns-figures"),
    re_path(P + r"xml/$", api.XmlView.as_view(), name="api-vatreturns-xml"),
]
