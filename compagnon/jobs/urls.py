from django.urls import path, re_path

from . import views

urlpatterns = [
    path("jobs/", views.job_list, name="jobs-list"),
    path("jobs/new/", views.job_new, name="jobs-new"),
    path("jobs/check/", views.check_queue, name="jobs-check"),
    path("jobs/settings/<int:entity_pk>/", views.settings_page, name="jobs-settings"),
    path("jobs/offers/", views.offer_list, name="jobs-offers"),
    path("jobs/offers/<int:pk>/take/", views.offer_take, name="jobs-offer-take"),
    path("jobs/offers/<int:pk>/withdraw/", views.offer_withdraw, name="jobs-offer-withdraw"),
    path("jobs/<int:pk>/", views.job_detail, name="jobs-detail"),
    path("jobs/<int:pk>/link/", views.job_link, name="jobs-link"),
    path("jobs/<int:pk>/offer/", views.job_offer, name="jobs-offer"),
    re_path(r"^jobs/steps/(?P<pk>[0-9]+)/(?P<action>hold|ok|validate)/$", views.step_action, name="jobs-step"),
]
