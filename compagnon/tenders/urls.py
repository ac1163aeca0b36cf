from django.urls import path, re_path

from . import views

urlpatterns = [
    path("tenders/", views.notice_list, name="tenders-list"),
    path("tenders/notices/new/", views.notice_edit, name="tenders-notice-new"),
    path("tenders/notices/<int:pk>/", views.notice_detail, name="tenders-notice"),
    path("tenders/notices/<int:pk>/edit/", views.notice_edit, name="tenders-notice-edit"),
    path("tenders/notices/<int:pk>/answer/", views.answer_open, name="tenders-answer-open"),
    path("tenders/import/", views.import_page, name="tenders-import"),
    path("tenders/imports/<int:pk>/", views.import_detail, name="tenders-import-detail"),
    path("tenders/imports/<int:pk>/file/", views.import_file, name="tenders-import-file"),
    path("tenders/trades/", views.mappings, name="tenders-mappings"),
    path("tenders/trades/<int:pk>/delete/", views.mapping_delete, name="tenders-mapping-delete"),
    path("tenders/answers/<int:pk>/", views.answer_detail, name="tenders-answer"),
    path("tenders/answers/<int:pk>/invite/", views.answer_invite, name="tenders-answer-invite"),
    path("tenders/answers/<int:pk>/shares/", views.answer_shares, name="tenders-answer-shares"),
    path("tenders/answers/<int:pk>/checklist/", views.item_add, name="tenders-item-add"),
    path("tenders/answers/<int:pk>/files/", views.file_add, name="tenders-file-add"),
    path("tenders/answers/<int:pk>/attach-documents/", views.attach_admin, name="tenders-attach-admin"),
    path("tenders/answers/<int:pk>/submit/", views.answer_submit, name="tenders-answer-submit"),
    path("tenders/answers/<int:pk>/outcome/", views.answer_outcome, name="tenders-answer-outcome"),
    re_path(r"^tenders/invitations/(?P<pk>[0-9]+)/(?P<action>accept|decline)/$", views.answer_respond,
            name="tenders-answer-respond"),
    path("tenders/group/<int:pk>/declare/", views.declare_share, name="tenders-declare-share"),
    path("tenders/checklist/<int:pk>/toggle/", views.item_toggle, name="tenders-item-toggle"),
    path("tenders/files/<int:pk>/", views.file_download, name="tenders-file"),
    path("tenders/documents/", views.admin_documents, name="tenders-admin-documents"),
    path("tenders/documents/<int:pk>/file/", views.admin_document_file, name="tenders-admin-document-file"),
]
