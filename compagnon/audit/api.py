from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets

from compagnon import permissions
from compagnon.core.params import id_param

from .models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    # null for what the system did by itself (the daily collections run, imports by command)
    actor = serializers.EmailField(source="actor.email", read_only=True, default=None, allow_null=True)
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
            if (value := id_param(self.request, axis)) is not None:
                qs = qs.filter(**{f"{axis}_id": value})
        return qs
