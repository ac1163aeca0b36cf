"""After-sales' part of the project's schema test (core/tests/test_api_schema.py), on its own
operations only and with real cases: generated requests, as a member of the case's activity and as
the desk, never a server error, responses and status codes as documented."""

import pytest
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings

from compagnon.core.tests import test_api_schema as project

from .helpers import coop, reported

pytestmark = pytest.mark.django_db


def _run(operation, headers, ids, application):
    @settings(max_examples=4, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def check(case):
        project._real_ids(case, ids)
        with transaction.atomic():
            case.call_and_validate(app=application, headers=headers, checks=project.CHECKS)

    check()


def test_aftersales_api_matches_its_schema():
    c = coop()
    ids = {"aftersales": [reported(c).pk, reported(c).pk]}
    application = project._closing(get_wsgi_application())
    operations = [op for op in project._operations() if op.path.startswith("/api/v1/aftersales/")]
    assert len(operations) >= 10
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    failures = []
    try:
        for user in (c.gardener.user, c.desk):
            headers = {"Authorization": f"Token {project.api_token_for(user)}", "Accept-Language": "en"}
            for operation in operations:
                try:
                    _run(operation, headers, ids, application)
                except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - all failures listed
                    failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:600]}")
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    assert not failures, "\n\n".join(failures)
