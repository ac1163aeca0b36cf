from django.urls import path

from . import views

urlpatterns = [
    path("collections/actions/<int:pk>/letter/", views.action_letter, name="collections-action-letter"),
    path("collections/actions/<int:pk>/<str:decision>/", views.action_decide, name="collections-action-decide"),
    path("collections/documents/<int:pk>/stop/", views.document_stop, name="collections-document-stop"),
    path("collections/go/<str:token>/", views.one_click, name="collections-one-click"),
    path("collections/activities/<int:pk>/", views.activity_collections, name="collections-activity"),
    path("collections/clients/<int:pk>/", views.client_preference, name="collections-client-preference"),
    path("collections/plans/", views.plan_index, name="collections-plans"),
    path("collections/plans/<int:pk>/", views.plan_detail, name="collections-plan"),
    path("collections/plans/<int:pk>/steps/new/", views.step_edit, name="collections-step-new"),
    path("collections/plans/<int:pk>/steps/<int:step_pk>/", views.step_edit, name="collections-step"),
    path("collections/plans/<int:pk>/steps/<int:step_pk>/remove/", views.step_remove, name="collections-step-remove"),
    path("collections/cases/", views.case_list, name="collections-cases"),
    path("collections/cases/<int:pk>/", views.case_detail, name="collections-case"),
    path("collections/cases/<int:pk>/status/", views.case_status, name="collections-case-status"),
    path("collections/cases/<int:pk>/assign/", views.case_assign, name="collections-case-assign"),
    path("collections/cases/<int:pk>/notes/", views.case_note, name="collections-case-note"),
    path("collections/cases/<int:pk>/files/", views.case_file, name="collections-case-file-add"),
    path("collections/cases/<int:pk>/files/<int:file_pk>/", views.case_file_download, name="collections-case-file"),
]
