"""The recruiting endpoints answer as their schema says, never 5xx, to generated (hostile) input:
the project's schemathesis check (core/tests/test_api_schema.py) on this app's operations only."""

from __future__ import annotations

import pytest
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings

from compagnon.core.tests.factories import api_token_for
from compagnon.core.tests.test_api_schema import CHECKS, _closing, _operations

from .conftest import apply, soon

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["member", "admin"])
def test_the_recruiting_api_matches_its_schema(w, role):
    from compagnon.recruiting import services

    application = apply(w)
    services.create_meeting(actor=w.admin, office=w.office, starts_at=soon(), place="Nantes")
    user = {"member": w.member.user, "admin": w.admin}[role]
    app = _closing(get_wsgi_application())
    headers = {"Authorization": f"Token {api_token_for(user)}", "Accept-Language": "en"}
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    failures = []
    try:
        for operation in _operations():
            if "/recruiting/" not in operation.path:
                continue

            @settings(max_examples=4, derandomize=True, database=None, deadline=None,
                      phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy())
            def check(case):
                for name, value in (case.path_parameters or {}).items():
                    if name in ("id", "pk") and isinstance(value, int) and value % 2 == 0:
                        case.path_parameters[name] = application.pk
                with transaction.atomic():
                    case.call_and_validate(app=app, headers=headers, checks=CHECKS)

            try:
                check()
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - all failures listed
                failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:600]}")
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    assert not failures, "\n\n".join(failures)
