"""The tenders API against its schema (the same checks as core's test, on this app's operations
only, with real notices, an answer, a file and documents): no server error to hostile input,
responses and status codes as documented."""

from __future__ import annotations

import pytest
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings

from compagnon.core.tests import test_api_schema as core
from compagnon.core.tests.factories import api_token_for
from compagnon.tenders import services

from .helpers import notice, pdf, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenders_world():
    w = world()
    n = notice(w)
    answer = services.open_answer(actor=w.member.user, notice=n)
    f = services.add_file(actor=w.member.user, answer=answer, upload=pdf())
    doc = services.save_admin_document(actor=w.admin, entity=w.entity, kind="tax", title="Attestation", upload=pdf(),
                                       issued_on=n.published_on)
    return {"member": w.member.user, "admin": w.admin, "ids": [n.pk, answer.pk, f.pk, doc.pk]}


@pytest.mark.parametrize("role", ["member", "admin"])
def test_the_tenders_api_matches_its_schema(tenders_world, role):
    application = core._closing(get_wsgi_application())
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    headers = {"Authorization": f"Token {api_token_for(tenders_world[role])}", "Accept-Language": "en"}
    ids = tenders_world["ids"]
    failures = []
    try:
        for operation in core._operations():
            if not operation.path.startswith("/api/v1/tenders/"):
                continue

            @settings(max_examples=core.EXAMPLES, derandomize=True, database=None, deadline=None,
                      phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy())
            def check(case):
                for name, value in (case.path_parameters or {}).items():
                    if name in ("id", "pk") and isinstance(value, int) and value % 2 == 0:
                        case.path_parameters[name] = ids[value % len(ids)]
                with transaction.atomic():
                    case.call_and_validate(app=application, headers=headers, checks=core.CHECKS)

            try:
                check()
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - all failures listed
                failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:800]}")
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    assert not failures, "\n\n".join(failures)
