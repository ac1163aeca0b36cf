from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("peerhelp/questions", api.QuestionViewSet, basename="api-peerhelp-question")
router.register("peerhelp/answers", api.AnswerViewSet, basename="api-peerhelp-answer")
urlpatterns = router.urls
