from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets

from compagnon import permissions
from compagnon.core.services import require

from . import services
from .models import Entity, Office


class EntitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Entity
        fields = [
            "id",
            "name",
            "legal_name",
            "jurisdiction",
            "company_number",
            "vat_number",
            "street",
            "postcode",
            "city",
            "country",
            "iban",
            "bic",
            "email",
            "default_language",
            "contribution_rate",
            "number_patterns",
            "send_by_peppol",
        ]
        read_only_fields = ["id", "jurisdiction", "country"]


class OfficeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Office
        fields = ["id", "entity", "name", "street", "postcode", "city", "email", "phone"]


@extend_schema(tags=["organisation"])
class EntityViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Legal entities you belong to or work for. Administrators may update their entity."""

    serializer_class = EntitySerializer

    def get_queryset(self):
        return permissions.entities(self.request.user).order_by("name")

    def perform_update(self, serializer):
        require(self.request.user, "organisation.change_entity", serializer.instance)
        serializer.instance = services.update_entity(
            actor=self.request.user, entity=serializer.instance, **serializer.validated_data
        )


@extend_schema(tags=["organisation"])
class OfficeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OfficeSerializer

    def get_queryset(self):
        return permissions.offices(self.request.user).order_by("entity_id", "name")
