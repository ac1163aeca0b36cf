"""The messages API tells the truth about itself: schemathesis on every ``/api/v1/messages/``
operation of the schema, as a participant and as an administrator, with real conversations,
files, reports and suspensions behind half of the generated ids (the same mechanics as
core/tests/test_api_schema.py: in-process WSGI, derandomized, bounded)."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from .. import moderation, services
from ..models import Attachment
from .helpers import auth, png

pytestmark = pytest.mark.django_db

EXAMPLES = 4
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


@pytest.fixture
def world(c):
    first = services.start_conversation(actor=c["a"], recipients=[c["b"]], body="Hello", attachments=[png()])
    conv = first.conversation
    report = services.report_conversation(actor=c["b"], conversation=conv, reason="rude")
    second = services.start_conversation(actor=c["d"], recipients=[c["a"]], body="Hi").conversation
    other = services.report_conversation(actor=c["a"], conversation=second, reason="spam")
    moderation.decide_report(actor=c["admin"], report=other, decision="suspend", note="Stop")
    return {
        "member": c["a"], "admin": c["admin"],
        "ids": {
            "conversations": [conv.pk, second.pk], "attachments": [Attachment.objects.get().pk],
            "reports": [report.pk, other.pk], "suspensions": [1], "blocks": [c["b"].pk],
        },
    }


def _operations():
    schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    return [op for op in (r.ok() for r in schema.get_all_operations()) if op.path.startswith("/api/v1/messages/")]


def _real_ids(case, ids):
    segment = case.operation.path.removeprefix("/api/v1/messages/").split("/")[0]
    known = ids.get(segment)
    for name, value in (case.path_parameters or {}).items():
        if known and name in ("id", "pk") and isinstance(value, int) and value % 2 == 0:
            case.path_parameters[name] = known[value % len(known)]


def _closing(application):
    def app(environ, start_response):
        result = application(environ, start_response)
        try:
            return [b"".join(result)]
        finally:
            if hasattr(result, "close"):
                result.close()

    return app


@pytest.mark.parametrize("role", ["member", "admin"])
def test_the_messages_api_matches_its_schema(world, role):
    application = _closing(get_wsgi_application())
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    headers = {**{k.removeprefix("HTTP_").title(): v for k, v in auth(world[role]).items()}, "Accept-Language": "en"}
    failures = []
    try:
        operations = _operations()
        assert len(operations) >= 20
        for operation in operations:

            @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                      phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy())
            def check(case):
                _real_ids(case, world["ids"])
                with transaction.atomic():
                    case.call_and_validate(app=application, headers=headers, checks=CHECKS)

            try:
                check()
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - all failures listed
                failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:600]}")
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    assert not failures, "\n\n".join(failures)
