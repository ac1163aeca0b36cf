"""The API tells the truth about itself: schemathesis against /api/schema/, in-process.

Every operation of the schema (the one ``/api/schema/`` serves) is called with a few generated
requests, as a member and as an administrator, through the Django WSGI application itself (no
server, no network). Checks: no server error, every response matches its documented schema, and
every status code is documented (400/401/403/404 with the error envelope everywhere). The fixture
holds real objects and generated ids are often replaced by theirs, so detail pages and actions
are reached, not only 404s. Generation is derandomized and bounded: the same cases every run.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import api_token_for, member_with_activity, staff
from compagnon.sales.tests.factories import ClientFactory, draft, issued_invoice

pytestmark = pytest.mark.django_db

EXAMPLES = 4  # per operation and role: the whole test stays within about two minutes on SQLite
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


@pytest.fixture
def world():
    member, activity = member_with_activity()
    client = ClientFactory(activity=activity)
    ClientFactory(activity=activity, kind="individual", name="Jeanne Martin")
    issued = issued_invoice(member, activity, client)
    drafted = draft(member, activity, client)
    admin = staff(Role.ADMIN, activity.entity)
    return {
        "member": member.user,
        "admin": admin,
        # the first path segment after /api/v1/ → an id that exists
        "ids": {
            "documents": [issued.pk, drafted.pk],
            "clients": [client.pk],
            "activities": [activity.pk],
            "members": [member.pk],
            "entities": [activity.entity_id],
            "offices": [member.office_id],
        },
    }


def _operations():
    schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    return [result.ok() for result in schema.get_all_operations()]


def _real_ids(case, ids):
    """Half of the generated ids become ids of the fixture's objects."""
    segment = case.operation.path.removeprefix("/api/v1/").split("/")[0]
    known = ids.get(segment)
    for name, value in (case.path_parameters or {}).items():
        if known and name in ("id", "pk") and isinstance(value, int) and value % 2 == 0:
            case.path_parameters[name] = known[value % len(known)]


@pytest.mark.parametrize("role", ["member", "admin"])
def test_the_api_matches_its_schema(world, role):
    application = _closing(get_wsgi_application())
    # As Django's test client does: a request must not close the test's database connection
    # (on PostgreSQL it would, and the test transaction with it).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        _check_every_operation(world, role, application)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _closing(application):
    """The WSGI app, with each response body read whole and closed, as a WSGI server does.

    schemathesis' WSGI transport reads the body but never calls ``close()``: file responses (PDF,
    XML downloads) would stay open and warn in whichever test the garbage collector runs next.
    """

    def app(environ, start_response):
        result = application(environ, start_response)
        try:
            return [b"".join(result)]
        finally:
            if hasattr(result, "close"):
                result.close()

    return app


def _check_every_operation(world, role, application):
    headers = {"Authorization": f"Token {api_token_for(world[role])}", "Accept-Language": "en"}
    failures = []
    for operation in _operations():

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case):
            _real_ids(case, world["ids"])
            with transaction.atomic():  # PostgreSQL: one failed request must not abort the rest
                case.call_and_validate(app=application, headers=headers, checks=CHECKS)

        try:
            check()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - all failures listed
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:600]}")
    assert not failures, "\n\n".join(failures)


def test_issued_invoices_say_how_much_is_paid_without_a_query_per_document(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    member = world["member"]
    client.force_login(member)
    issued, drafted = world["ids"]["documents"]
    url = "/api/v1/documents/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        rows = {d["id"]: d for d in client.get(url).json()["results"]}
    assert rows[issued]["payment_state"] == "awaiting"
    assert rows[issued]["paid_amount"] == "0.00"
    assert rows[issued]["amount_due"] == rows[issued]["payable"]
    assert rows[drafted]["payment_state"] == "none" and rows[drafted]["amount_due"] is None
    from compagnon.sales.models import Document
    from compagnon.sales.tests.factories import draft as make_draft

    document = Document.objects.get(pk=issued)
    for _ in range(3):
        make_draft(document.activity.memberships.first().member, document.activity, document.client)
    with CaptureQueriesContext(connection) as more:
        assert len(client.get(url).json()["results"]) == 5
    assert len(more) == len(few)
