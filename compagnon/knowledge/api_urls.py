from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("knowledge/articles", api.ArticleViewSet, basename="api-knowledge-article")
router.register("knowledge/faq", api.FaqViewSet, basename="api-knowledge-faq")
router.register("knowledge/topics", api.TopicViewSet, basename="api-knowledge-topic")
urlpatterns = router.urls
