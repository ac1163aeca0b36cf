from django.urls import path

from . import views, views_staff

urlpatterns = [
    path("advising/mine/", views.mine, name="advising-mine"),
    path("advising/members/", views_staff.members_list, name="advising-members"),
    path("advising/members/<int:pk>/", views_staff.member_file, name="advising-member"),
    path("advising/members/<int:pk>/steps/", views_staff.step_add, name="advising-step-add"),
    path("advising/members/<int:pk>/review/", views_staff.review_start, name="advising-review-start"),
    path("advising/appointments/<int:pk>/", views.appointment_page, name="advising-appointment"),
    path("advising/appointments/<int:pk>/calendar.ics", views.appointment_ics_view, name="advising-appointment-ics"),
    path("advising/appointments/<int:pk>/cancel/", views.appointment_cancel, name="advising-appointment-cancel"),
    path("advising/appointments/<int:pk>/change/", views_staff.appointment_edit, name="advising-appointment-edit"),
    path("advising/appointments/<int:pk>/notes/", views_staff.appointment_notes, name="advising-appointment-notes"),
    path("advising/appointments/<int:pk>/missed/", views_staff.appointment_missed,
         name="advising-appointment-missed"),
    path("advising/steps/<int:pk>/tick/", views.step_tick, name="advising-step-tick"),
    path("advising/requests/<int:pk>/withdraw/", views.request_withdraw, name="advising-request-withdraw"),
    path("advising/requests/<int:pk>/accept/", views_staff.request_accept, name="advising-request-accept"),
    path("advising/requests/<int:pk>/decline/", views_staff.request_decline, name="advising-request-decline"),
    path("advising/reviews/<int:pk>/", views.review_page, name="advising-review"),
    path("advising/reviews/<int:pk>/pdf/", views.review_pdf, name="advising-review-pdf"),
    path("advising/templates/", views_staff.templates_list, name="advising-templates"),
    path("advising/templates/new/", views_staff.template_edit, name="advising-template-new"),
    path("advising/templates/<int:pk>/", views_staff.template_edit, name="advising-template"),
    path("advising/absences/", views_staff.absences_page, name="advising-absences"),
    path("advising/absences/<int:pk>/cancel/", views_staff.absence_cancel, name="advising-absence-cancel"),
]
