from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from compagnon.core import views as core_views

api_v1 = [
    path("", include("compagnon.organisation.api_urls")),
    path("", include("compagnon.members.api_urls")),
    path("", include("compagnon.audit.api_urls")),
    path("", include("compagnon.accounts.api_urls")),
    path("", include("compagnon.clients.api_urls")),
    path("", include("compagnon.ledger.api_urls")),
    path("", include("compagnon.reports.api_urls")),
    path("", include("compagnon.ereporting.api_urls")),
    path("", include("compagnon.sales.api_urls")),
    path("", include("compagnon.einvoice.api_urls")),  # e-invoice actions under /documents/<id>/
    path("", include("compagnon.portal.api_urls")),
    path("", include("compagnon.timesheets.api_urls")),
    path("", include("compagnon.purchases.api_urls")),
    path("", include("compagnon.assets.api_urls")),
    path("", include("compagnon.banking.api_urls")),
    path("", include("compagnon.payments.api_urls")),
    path("", include("compagnon.dunning.api_urls")),
    path("", include("compagnon.notifications.api_urls")),
    path("", include("compagnon.payouts.api_urls")),
    path("", include("compagnon.expenses.api_urls")),
    path("", include("compagnon.ocr.api_urls")),
    path("", include("compagnon.budget.api_urls")),
    path("", include("compagnon.prefinancing.api_urls")),
    path("", include("compagnon.lettering.api_urls")),
    path("", include("compagnon.exports.api_urls")),
    path("", include("compagnon.vatreturns.api_urls")),
    path("", include("compagnon.bookkeeping.api_urls")),
    path("", include("compagnon.payroll.api_urls")),
    path("", include("compagnon.home.api_urls")),
    path("", include("compagnon.glossary.api_urls")),
]

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("compagnon.home.urls")),
    path("", include("compagnon.accounts.urls")),
    path("", include("compagnon.organisation.urls")),
    path("", include("compagnon.members.urls")),
    path("", include("compagnon.audit.urls")),
    path("", include("compagnon.clients.urls")),
    path("", include("compagnon.reports.urls")),  # before the ledger: replaces its figures page
    path("", include("compagnon.ledger.urls")),
    path("", include("compagnon.ereporting.urls")),
    path("", include("compagnon.sales.urls")),
    path("", include("compagnon.portal.urls")),
    path("", include("compagnon.timesheets.urls")),
    path("", include("compagnon.einvoice.urls")),
    path("", include("compagnon.purchases.urls")),
    path("", include("compagnon.assets.urls")),
    path("", include("compagnon.banking.urls")),
    path("", include("compagnon.payments.urls")),
    path("", include("compagnon.dunning.urls")),
    path("", include("compagnon.notifications.urls")),
    path("", include("compagnon.payouts.urls")),
    path("", include("compagnon.expenses.urls")),
    path("", include("compagnon.ocr.urls")),
    path("", include("compagnon.budget.urls")),
    path("", include("compagnon.prefinancing.urls")),
    path("", include("compagnon.lettering.urls")),
    path("", include("compagnon.exports.urls")),
    path("", include("compagnon.vatreturns.urls")),
    path("", include("compagnon.bookkeeping.urls")),
    path("", include("compagnon.payroll.urls")),
    path("", include("compagnon.glossary.urls")),
]

# No route serves MEDIA_ROOT, not even with DEBUG: stored files (on the disk or in a bucket) reach
# people only through views that check who may see them (activity logos: members' activity-logo).
