from django.urls import path

from . import views, views_more

urlpatterns = [
    path("help/", views.index, name="knowledge-index"),
    path("help/new/", views.article_new, name="knowledge-new"),
    path("help/mine/", views.my_work, name="knowledge-mine"),
    path("help/review/", views.review_queue, name="knowledge-review"),
    path("help/a/<int:pk>/", views.article_page, name="knowledge-article"),
    path("help/a/<int:pk>/edit/<str:lang>/", views.article_edit, name="knowledge-edit"),
    path("help/a/<int:pk>/submit/<str:lang>/", views.article_submit, name="knowledge-submit"),
    path("help/a/<int:pk>/discard/<str:lang>/", views.article_discard, name="knowledge-discard"),
    path("help/a/<int:pk>/review/<str:lang>/", views.article_review, name="knowledge-review-decide"),
    path("help/a/<int:pk>/feedback/<str:lang>/", views.article_feedback, name="knowledge-feedback"),
    path("help/a/<int:pk>/settings/", views.article_settings, name="knowledge-settings"),
    path("help/a/<int:pk>/history/", views.article_history, name="knowledge-history"),
    path("help/a/<int:pk>/versions/<int:revision_pk>/", views.article_version, name="knowledge-version"),
    path("help/a/<int:pk>/versions/<int:revision_pk>/restore/", views.article_restore, name="knowledge-restore"),
    path("help/faq/", views_more.faq, name="knowledge-faq"),
    path("help/faq/new/", views_more.faq_edit, name="knowledge-faq-new"),
    path("help/faq/<int:pk>/edit/", views_more.faq_edit, name="knowledge-faq-edit"),
    path("help/faq/<int:pk>/delete/", views_more.faq_delete, name="knowledge-faq-delete"),
    path("help/glossary/", views_more.glossary_page, name="knowledge-glossary"),
    path("help/topics/new/", views_more.topic_edit, name="knowledge-topic-new"),
    path("help/topics/<int:pk>/", views_more.topic_page, name="knowledge-topic"),
    path("help/topics/<int:pk>/edit/", views_more.topic_edit, name="knowledge-topic-edit"),
    path("help/topics/<int:pk>/volunteer/", views_more.topic_volunteer, name="knowledge-volunteer"),
    path("help/experts/<int:pk>/confirm/", views_more.expert_confirm, name="knowledge-expert-confirm"),
    path("help/experts/<int:pk>/withdraw/", views_more.expert_withdraw, name="knowledge-expert-withdraw"),
]
