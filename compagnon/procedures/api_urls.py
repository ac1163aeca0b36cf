from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("procedures", api.ProcedureViewSet, basename="api-procedure")
router.register("procedure-versions", api.VersionViewSet, basename="api-procedure-version")
router.register("procedure-checklists", api.ChecklistViewSet, basename="api-procedure-checklist")
urlpatterns = router.urls
