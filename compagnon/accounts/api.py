from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from compagnon import permissions


@extend_schema(
    tags=["accounts"],
    responses=inline_serializer(
        "Me",
        {
            "id": serializers.IntegerField(),
            "email": serializers.EmailField(),
            "first_name": serializers.CharField(),
            "last_name": serializers.CharField(),
            "language": serializers.CharField(),
            "roles": serializers.ListField(child=serializers.CharField()),
            "member": serializers.IntegerField(allow_null=True),
        },
    ),
)
@api_view(["GET"])
def me(request):
    """Who am I, and with which roles?"""
    user, scope = request.user, permissions.scope_for(request.user)
    return Response(
        {
            "id": user.pk,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "language": user.language,
            "roles": scope.roles,
            "member": scope.member_id,
        }
    )
