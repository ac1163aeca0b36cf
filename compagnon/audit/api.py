from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets

from compagnon import permissions

from .models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.EmailField(source="actor.email", read_only=True, default=None)
    text = serializers.CharField(read_only=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "created_at",
            "actor",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "text",
            "changes",
            "entity",
            "member",
            "activity",
        ]
        read_only_fields = fields


@extend_schema(tags=["audit"])
class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    """The history you may read: your own objects' history (members), your office's (advisors), your entity's (accountants, administrators)."""

    serializer_class = AuditEventSerializer

    def get_queryset(self):
        qs = permissions.audit_events(self.request.user).select_related("actor")
        for axis in ("member", "activity", "entity"):
            value = self.request.query_params.get(axis)
            if value and value.isdigit():
                qs = qs.filter(**{f"{axis}_id": int(value)})
        return qs
