from django.urls import path

from . import views, views_build, views_follow

urlpatterns = [
    path("onboarding/", views.mine, name="onboarding-mine"),
    path("onboarding/steps/<int:pk>/done/", views.step_done, name="onboarding-step-done"),
    path("onboarding/steps/<int:pk>/undo/", views.step_undo, name="onboarding-step-undo"),
    path("onboarding/steps/<int:pk>/sign/", views.step_sign, name="onboarding-step-sign"),
    path("onboarding/steps/<int:pk>/document/", views.step_document, name="onboarding-step-document"),
    path("onboarding/kit/", views.kit, name="onboarding-kit"),
    path("onboarding/kit/files/<int:pk>/", views.kit_download, name="onboarding-kit-file"),
    path("onboarding/kit/manage/", views_build.kit_manage, name="onboarding-kit-manage"),
    path("onboarding/kit/files/<int:pk>/remove/", views_build.kit_file_remove, name="onboarding-kit-file-remove"),
    path("onboarding/kit/contacts/<int:pk>/remove/", views_build.kit_contact_remove,
         name="onboarding-kit-contact-remove"),
    path("onboarding/follow/", views_follow.follow, name="onboarding-follow"),
    path("onboarding/follow/<int:pk>/", views_follow.follow_member, name="onboarding-follow-member"),
    path("onboarding/follow/<int:pk>/attended/<int:step_pk>/", views_follow.mark_attended,
         name="onboarding-attended"),
    path("onboarding/paths/", views_build.paths, name="onboarding-paths"),
    path("onboarding/paths/new/", views_build.path_new, name="onboarding-path-new"),
    path("onboarding/paths/<int:pk>/", views_build.path_page, name="onboarding-path"),
    path("onboarding/paths/<int:pk>/give/", views_build.path_give, name="onboarding-path-give"),
    path("onboarding/paths/<int:pk>/steps/new/", views_build.step_edit, name="onboarding-step-new"),
    path("onboarding/paths/<int:pk>/steps/<int:step_pk>/", views_build.step_edit, name="onboarding-step-edit"),
    path("onboarding/paths/<int:pk>/steps/<int:step_pk>/move/", views_build.step_move, name="onboarding-step-move"),
    path("onboarding/paths/<int:pk>/steps/<int:step_pk>/remove/", views_build.step_remove,
         name="onboarding-step-remove"),
]
