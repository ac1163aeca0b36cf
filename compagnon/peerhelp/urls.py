from django.urls import path

from . import views

urlpatterns = [
    path("help-each-other/", views.index, name="peerhelp-index"),
    path("help-each-other/ask/", views.ask, name="peerhelp-ask"),
    path("help-each-other/suggest/", views.suggest, name="peerhelp-suggest"),
    path("help-each-other/<int:pk>/", views.question_page, name="peerhelp-question"),
    path("help-each-other/<int:pk>/answer/", views.answer_post, name="peerhelp-answer"),
    path("help-each-other/<int:pk>/close/", views.close, name="peerhelp-close"),
    path("help-each-other/<int:pk>/follow/", views.follow, name="peerhelp-follow"),
    path("help-each-other/answers/<int:pk>/accept/", views.accept, name="peerhelp-accept"),
    path("help-each-other/answers/<int:pk>/helped/", views.helped, name="peerhelp-helped"),
    path("help-each-other/answers/<int:pk>/call-in/", views.call_in, name="peerhelp-call-in"),
    path("help-each-other/photos/<int:pk>/", views.photo, name="peerhelp-photo"),
]
