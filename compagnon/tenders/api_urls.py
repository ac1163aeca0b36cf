from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("tenders/notices", api.NoticeViewSet, basename="api-tenders-notice")
router.register("tenders/imports", api.ImportViewSet, basename="api-tenders-import")
router.register("tenders/answers", api.AnswerViewSet, basename="api-tenders-answer")
router.register("tenders/answer-members", api.AnswerMemberViewSet, basename="api-tenders-answer-member")
router.register("tenders/checklist", api.ChecklistViewSet, basename="api-tenders-checklist")
router.register("tenders/files", api.FileViewSet, basename="api-tenders-file")
router.register("tenders/admin-documents", api.AdminDocumentViewSet, basename="api-tenders-admin-document")
router.register("tenders/trades", api.MappingViewSet, basename="api-tenders-trade")
urlpatterns = router.urls
