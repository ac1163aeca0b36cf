from django.urls import path

from . import views_contracts, views_planning, views_public, views_requests

urlpatterns = [
    # clients, without an account
    path("request/<int:entity_pk>/", views_public.request_page, name="fieldwork-request-page"),
    path(
        "request/<int:entity_pk>/<int:office_pk>/",
        views_public.request_page,
        name="fieldwork-request-page-office",
    ),
    path("request/track/<str:token>/", views_public.track, name="fieldwork-track"),
    path(
        "request/track/<str:token>/photos/<int:photo_pk>/",
        views_public.track_photo,
        name="fieldwork-track-photo",
    ),
    path(
        "request/track/<str:token>/photo/",
        views_public.track_add_photo,
        name="fieldwork-track-add-photo",
    ),
    path(
        "request/track/<str:token>/cancel/",
        views_public.track_cancel,
        name="fieldwork-track-cancel",
    ),
    path("request/track/<str:token>/book/", views_public.track_book, name="fieldwork-track-book"),
    path(
        "request/track/<str:token>/deposits/<int:deposit_pk>/return/",
        views_public.payment_return,
        name="fieldwork-payment-return",
    ),
    path("book/<int:sector_pk>/", views_public.sector_booking, name="fieldwork-book"),
    path(
        "fieldwork/pay/webhook/<str:provider>/",
        views_public.payment_webhook,
        name="fieldwork-payment-webhook",
    ),
    path("fieldwork/pay/local/<str:ref>/", views_public.local_pay, name="fieldwork-local-pay"),
    path("visits/space/<str:token>/", views_public.client_space, name="fieldwork-client-space"),
    path("fieldwork/calendar/<str:token>.ics", views_public.ical_feed, name="fieldwork-ical"),
    # members and staff
    path("fieldwork/", views_planning.index, name="fieldwork-index"),
    path("fieldwork/week/", views_planning.week, name="fieldwork-week"),
    path("fieldwork/visits/<int:pk>/", views_planning.visit_detail, name="fieldwork-visit"),
    path("fieldwork/visits/<int:pk>/plan/", views_planning.visit_plan, name="fieldwork-visit-plan"),
    path(
        "fieldwork/visits/<int:pk>/deposits/<int:deposit_pk>/refund/",
        views_planning.deposit_refund,
        name="fieldwork-deposit-refund",
    ),
    path("fieldwork/sectors/", views_planning.sector_list, name="fieldwork-sectors"),
    path("fieldwork/sectors/<int:pk>/", views_planning.sector_week, name="fieldwork-sector-week"),
    path(
        "fieldwork/unavailability/", views_planning.unavailability, name="fieldwork-unavailability"
    ),
    path(
        "fieldwork/unavailability/<int:pk>/delete/",
        views_planning.unavailability_delete,
        name="fieldwork-unavailability-delete",
    ),
    path("fieldwork/slots/", views_planning.slots, name="fieldwork-slots"),
    path(
        "fieldwork/slots/<int:pk>/delete/", views_planning.slot_delete, name="fieldwork-slot-delete"
    ),
    path("fieldwork/calendar/", views_planning.feed, name="fieldwork-feed"),
    path("fieldwork/calendar/renew/", views_planning.feed_rotate, name="fieldwork-feed-rotate"),
    path("fieldwork/requests/", views_requests.request_list, name="fieldwork-requests"),
    path("fieldwork/requests/<int:pk>/", views_requests.request_detail, name="fieldwork-request"),
    path(
        "fieldwork/requests/<int:pk>/photos/<int:photo_pk>/",
        views_requests.request_photo,
        name="fieldwork-request-photo",
    ),
    path(
        "fieldwork/requests/<int:pk>/take/",
        views_requests.request_take,
        name="fieldwork-request-take",
    ),
    path(
        "fieldwork/requests/<int:pk>/propose/",
        views_requests.request_propose,
        name="fieldwork-request-propose",
    ),
    path(
        "fieldwork/requests/<int:pk>/decline/",
        views_requests.request_decline,
        name="fieldwork-request-decline",
    ),
    path("fieldwork/contracts/", views_contracts.contract_list, name="fieldwork-contracts"),
    path("fieldwork/contracts/new/", views_contracts.contract_new, name="fieldwork-contract-new"),
    path(
        "fieldwork/contracts/<int:pk>/", views_contracts.contract_detail, name="fieldwork-contract"
    ),
    path(
        "fieldwork/contracts/<int:pk>/edit/",
        views_contracts.contract_edit,
        name="fieldwork-contract-edit",
    ),
    path(
        "fieldwork/contracts/<int:pk>/rhythm/",
        views_contracts.contract_rhythm,
        name="fieldwork-contract-rhythm",
    ),
    path(
        "fieldwork/contracts/<int:pk>/tasks/",
        views_contracts.contract_tasks,
        name="fieldwork-contract-tasks",
    ),
    path(
        "fieldwork/contracts/<int:pk>/generate/",
        views_contracts.contract_generate,
        name="fieldwork-contract-generate",
    ),
    path(
        "fieldwork/contracts/<int:pk>/end/",
        views_contracts.contract_end,
        name="fieldwork-contract-end",
    ),
    path(
        "fieldwork/contracts/<int:pk>/send-link/",
        views_contracts.contract_send_link,
        name="fieldwork-contract-link",
    ),
    path("fieldwork/catalogue/", views_contracts.catalogue, name="fieldwork-catalogue"),
    path(
        "fieldwork/catalogue/<int:entity_pk>/new/",
        views_contracts.service_new,
        name="fieldwork-service-new",
    ),
    path(
        "fieldwork/catalogue/services/<int:pk>/",
        views_contracts.service_edit,
        name="fieldwork-service-edit",
    ),
]
