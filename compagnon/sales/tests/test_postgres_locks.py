"""Many members of one entity autosave and issue at the same time: nobody waits on a row they do not
change, nothing deadlocks, numbers stay gap-free (row locks are a PostgreSQL behaviour; SQLite
serialises writers)."""

import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction

from compagnon.clients.models import Client
from compagnon.core.tests.factories import EntityFactory, OfficeFactory, member_with_activity
from compagnon.core.tests.threads import together
from compagnon.einvoice.tests.scenarios import _line, business_client
from compagnon.members.models import Activity
from compagnon.organisation.models import Entity
from compagnon.sales import services
from compagnon.sales.models import Document, Kind, State

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks (SELECT … FOR UPDATE OF) are a PostgreSQL behaviour; SQLite serialises writers"),
]


def _draft(member, activity, client, i=0):
    return services.create_document(actor=member.user, activity=activity, client=client, kind=Kind.INVOICE,
                                    lines=[_line(f"Work {i}", "1", str(100 + i), unit="LS")])


def test_an_autosave_locks_the_document_row_only_never_the_entity_activity_or_client():
    entity = EntityFactory()
    member, activity = member_with_activity(office=OfficeFactory(entity=entity))
    document = _draft(member, activity, business_client(activity, "FR"))
    holding, release = threading.Event(), threading.Event()

    def autosave_and_hold():
        try:
            with transaction.atomic():
                services.save_draft(actor=member.user, document=document, intro="typing…")
                holding.set()
                release.wait(30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=autosave_and_hold)
    thread.start()
    try:
        assert holding.wait(30)
        # rows shared with other members (the entity: the whole cooperative) are free…
        with transaction.atomic():
            Entity.objects.select_for_update(nowait=True).get(pk=entity.pk)
            Activity.objects.select_for_update(nowait=True).get(pk=activity.pk)
            Client.objects.select_for_update(nowait=True).get(pk=document.client_id)
        # …the document itself is held
        with pytest.raises(DatabaseError), transaction.atomic():
            Document.objects.select_for_update(nowait=True).get(pk=document.pk)
    finally:
        release.set()
        thread.join()


def test_members_of_one_entity_autosave_and_issue_at_once_without_deadlock_and_gap_free():
    entity = EntityFactory()
    office = OfficeFactory(entity=entity)
    workers = []
    for i in range(5):
        member, activity = member_with_activity(office=office)
        client = business_client(activity, "FR", name=f"Client {i} SAS")
        workers.append((member, activity, client, [_draft(member, activity, client, i * 10 + j) for j in range(3)]))

    def day_of(member, activity, client, drafts):
        def run():
            for n, draft in enumerate(drafts):
                for k in range(3):
                    services.save_draft(actor=member.user, document=draft, intro=f"autosave {k}",
                                        lines=[_line(f"Work {n}", str(k + 1), "90", unit="LS")])
                services.issue_document(actor=member.user, document=draft)
                # a new draft and its autosaves while colleagues issue
                new = _draft(member, activity, client, 99)
                services.save_draft(actor=member.user, document=new, intro="next one")
        return run

    _, errors = together([day_of(*w) for w in workers])
    assert errors == []  # no deadlock, no serialization failure, no error of any kind
    issued = Document.objects.filter(entity=entity, state=State.ISSUED, kind=Kind.INVOICE)
    assert sorted(issued.values_list("sequence", flat=True)) == list(range(1, 16))
    assert all(d.frozen and d.number for d in issued)
