"""API conventions shared by every context: pagination, one error format and its documentation.

Every error answers ``{"error": {"status": 400, "code": "invalid", "message": "…", "fields": {…}}}``;
``fields`` maps a field name (or a query parameter) to its list of messages (validation errors
only). A malformed query parameter (``core.params``) answers 400 with ``code: "invalid_parameter"``.
``document_error_responses`` (a drf-spectacular post-processing hook) documents 400, 401, 403 and
404 with that envelope on every operation of the schema.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination
from rest_framework.views import exception_handler as drf_exception_handler

from .params import BadParameter, int_param, page_param


class Pagination(pagination.PageNumberPagination):
    """``?page=`` from 1 and ``?page_size=`` from 1 to 200; anything else is a 400 naming it.

    A page past the last one answers 404 (DRF's "Invalid page")."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        return int_param(
            request, self.page_size_query_param, default=self.page_size, min_value=1,
            max_value=self.max_page_size,
        )

    def get_page_number(self, request, paginator):
        return page_param(request, self.page_query_param)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters


def _flatten(detail):
    if isinstance(detail, dict):
        return {k: _flatten(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return [str(x) if not isinstance(x, dict | list) else _flatten(x) for x in detail]
    return [str(detail)]


def exception_handler(exc, context):
    bad_parameter = isinstance(exc, BadParameter)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    body = {"status": response.status_code, "code": getattr(exc, "default_code", "error")}
    if isinstance(exc, exceptions.ValidationError):
        body["message"] = _("Some fields are not valid.")
        if bad_parameter:
            body["code"] = "invalid_parameter"
            body["message"] = _("A query parameter is not valid.")
        fields = _flatten(exc.detail)
        if isinstance(fields, list):
            fields = {"non_field_errors": fields}
        body["fields"] = fields
    else:
        codes = exc.get_codes() if hasattr(exc, "get_codes") else None
        body["code"] = codes if isinstance(codes, str) else body["code"]
        body["message"] = str(exc.detail) if hasattr(exc, "detail") else str(exc)
    response.data = {"error": body}
    return response


ERROR_SCHEMA = {
    "type": "object",
    "description": "The one error envelope of the API.",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "status": {"type": "integer"},
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "description": "Field or query parameter name → its messages (400 only).",
                    "additionalProperties": {},
                },
            },
            "required": ["status", "code", "message"],
        }
    },
    "required": ["error"],
}
ERROR_RESPONSES = {
    "400": "A field or a query parameter is not valid (`fields` names it).",
    "401": "Not authenticated (no or invalid token).",
    "403": "Authenticated, but not allowed to do this (or two-factor authentication is missing).",
    "404": "Not found, or outside what you may see.",
}


def document_error_responses(result, generator, request, public):
    """drf-spectacular post-processing hook: 400/401/403/404 with the error envelope everywhere."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_RESPONSES.items():
                responses.setdefault(code, {"description": description, "content": ref})
    return result


def valid_data(serializer_class, request) -> dict:
    """The validated data of ``request.data`` read by ``serializer_class`` (a 400 naming each field
    otherwise): the body of an action that is not the viewset's own serializer."""
    s = serializer_class(data=request.data)
    s.is_valid(raise_exception=True)
    return s.validated_data
