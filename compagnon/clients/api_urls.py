from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("clients", api.ClientViewSet, basename="api-client")
router.register(
    r"clients/(?P<client_pk>[0-9]+)/contacts", api.ContactViewSet, basename="api-client-contact"
)
router.register(
    r"clients/(?P<client_pk>[0-9]+)/relationship",
    api.RelationshipEntryViewSet,
    basename="api-client-relationship",
)
router.register("client-imports", api.ClientImportViewSet, basename="api-client-import")
urlpatterns = router.urls
