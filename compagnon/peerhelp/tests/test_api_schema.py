"""Peer help's API tells the truth about itself and never answers 5xx to hostile input:
schemathesis on its operations only (the project's test_api_schema covers them too, with the rest)."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings

from compagnon.core.tests.test_api_schema import CHECKS, _closing

from .. import services
from .helpers import api_token_for, asked, coop

pytestmark = pytest.mark.django_db


def _checker(operation, ids, application, headers):
    segment = operation.path.removeprefix("/api/v1/peerhelp/").split("/")[0]

    @settings(max_examples=6, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def check(case):
        for name, value in (case.path_parameters or {}).items():
            if name in ("id", "pk") and isinstance(value, int) and value % 2 == 0:
                case.path_parameters[name] = ids[segment][0]
        with transaction.atomic():
            case.call_and_validate(app=application, headers=headers, checks=CHECKS)

    return check


@pytest.mark.parametrize("role", ["camille", "admin"])
def test_the_peerhelp_api_matches_its_schema(role):
    c = coop()
    q = asked(c)
    a = services.answer(actor=c["yanis"], question=q, body="En septembre.")
    ids = {"questions": [q.pk], "answers": [a.pk]}
    schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    operations = [r.ok() for r in schema.get_all_operations()]
    operations = [o for o in operations if o.path.startswith("/api/v1/peerhelp/")]
    assert len(operations) >= 8
    application = _closing(get_wsgi_application())
    headers = {"Authorization": f"Token {api_token_for(c[role])}", "Accept-Language": "en"}
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    failures = []
    try:
        for operation in operations:
            check = _checker(operation, ids, application, headers)
            try:
                check()
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - all failures listed
                failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:600]}")
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    assert not failures, "\n\n".join(failures)
