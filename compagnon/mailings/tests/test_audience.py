"""Who a mailing reaches: each criterion, the members' preferences, an unsubscribe, service
messages; the count (one query) equals the rows queued; queuing twice writes them once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compagnon.members.models import Maturity, MemberStatus

from .. import audience, sending, services
from ..models import Delivery, EmailState, Kind, Mode
from .helpers import coop, recipient_ids, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    return coop()


def who(c, **criteria) -> set[str]:
    crit = services.criteria_for(actor=c["admin"], entity=c["entity"], **{"send_email": True, **criteria})
    ids = set(audience.recipients(crit).values_list("pk", flat=True))
    names = {c[n].pk: n for n in ("camille", "yanis", "ines", "gone", "outsider")}
    return {names[i] for i in ids}


def test_everyone_who_has_not_left_by_default_and_never_another_entity(c):
    assert who(c) == {"camille", "yanis", "ines"}


def test_each_criterion_narrows_the_audience(c):
    assert who(c, offices=[c["angers"].pk]) == {"ines"}
    assert who(c, postcode_prefixes="44") == {"camille", "yanis"}
    assert who(c, postcode_prefixes="443, 49") == {"yanis", "ines"}
    assert who(c, maturities=[Maturity.DEVELOPING, Maturity.NEW]) == {"camille", "ines"}
    assert who(c, statuses=[MemberStatus.ASSOCIATE]) == {"yanis"}
    assert who(c, trades=[c["gardening"].pk]) == {"camille"}  # declared on the profile
    assert who(c, trades=[c["it"].pk]) == {"yanis"}  # the trade of his activity
    services.save_preferences(actor=c["ines"].user, member=c["ines"], interests=[c["trainings"].pk])
    services.save_preferences(actor=c["yanis"].user, member=c["yanis"], interests=[c["legal"].pk])
    assert who(c, interests=[c["trainings"].pk]) == {"ines"}
    assert who(c, interests=[c["trainings"].pk, c["legal"].pk]) == {"ines", "yanis"}
    # criteria add up (AND between them, OR inside one)
    assert who(c, interests=[c["trainings"].pk, c["legal"].pk], offices=[c["nantes"].pk]) == {"yanis"}


def test_preferences_decide_how_and_whether_and_a_service_message_ignores_them(c):
    services.save_preferences(actor=c["camille"].user, member=c["camille"], modes={Kind.NEWSLETTER: Mode.NONE})
    services.save_preferences(actor=c["yanis"].user, member=c["yanis"], modes={Kind.NEWSLETTER: Mode.APP})
    assert who(c) == {"yanis", "ines"}
    crit = services.criteria_for(actor=c["admin"], entity=c["entity"], send_email=True)
    assert audience.count(crit) == {"total": 2, "by_email": 1, "in_app": 1}
    crit.publish_news = True
    assert audience.count(crit) == {"total": 2, "by_email": 1, "in_app": 2}
    assert who(c, kind=Kind.OFFICE) == {"camille", "yanis", "ines"}  # another kind: the default
    assert who(c, is_service=True) == {"camille", "yanis", "ines"}
    crit = services.criteria_for(actor=c["admin"], entity=c["entity"], send_email=True, is_service=True)
    assert audience.count(crit) == {"total": 3, "by_email": 3, "in_app": 0}


def test_unsubscribing_is_respected_by_the_next_audience(c):
    assert services.unsubscribe(member_id=c["camille"].pk, kind=Kind.NEWSLETTER) is True
    assert services.unsubscribe(member_id=c["camille"].pk, kind=Kind.NEWSLETTER) is False  # recorded once
    crit = services.criteria_for(actor=c["admin"], entity=c["entity"], send_email=True)
    assert audience.count(crit) == {"total": 3, "by_email": 2, "in_app": 1}  # still in the app
    m = write(c)
    services.send_now(actor=c["admin"], mailing=m)
    sending.queue_mailing(m.pk)
    row = Delivery.objects.get(mailing=m, member=c["camille"])
    assert row.email_state == EmailState.NONE and row.in_app


def test_the_count_is_one_query_whatever_the_criteria(c):
    crit = services.criteria_for(actor=c["admin"], entity=c["entity"], send_email=True, publish_news=True,
                                 offices=[c["nantes"].pk], trades=[c["gardening"].pk], interests=[c["legal"].pk],
                                 postcode_prefixes="44", maturities=[Maturity.DEVELOPING],
                                 statuses=[MemberStatus.CONTRACT])
    with CaptureQueriesContext(connection) as ctx:
        audience.count(crit)
    assert len(ctx.captured_queries) == 1
    assert "COUNT" in ctx.captured_queries[0]["sql"].upper()


def test_queuing_writes_one_row_per_recipient_in_their_language_and_twice_is_once(c):
    services.save_preferences(actor=c["yanis"].user, member=c["yanis"], modes={Kind.NEWSLETTER: Mode.APP})
    m = write(c)  # French and English versions: Inès (Dutch) reads the entity's French
    services.send_now(actor=c["admin"], mailing=m)
    with CaptureQueriesContext(connection) as ctx:
        assert sending.queue_mailing(m.pk) == 3
    assert sum("INSERT" in q["sql"].upper() for q in ctx.captured_queries) == 1
    assert sending.queue_mailing(m.pk) == 0
    assert Delivery.objects.filter(mailing=m).count() == 3
    rows = {d.member_id: d for d in m.deliveries.all()}
    assert rows[c["camille"].pk].language == "fr" and rows[c["camille"].pk].email == c["camille"].user.email
    assert rows[c["yanis"].pk].language == "en" and rows[c["yanis"].pk].email_state == EmailState.NONE
    assert rows[c["yanis"].pk].in_app
    assert rows[c["ines"].pk].language == "fr" and rows[c["ines"].pk].email_state == EmailState.WAITING
    assert not rows[c["ines"].pk].in_app  # email only: not published as news
    m.refresh_from_db()
    assert m.recipient_count == 3


def test_an_advisor_reaches_only_the_offices_they_advise(c):
    m = write(c, by="advisor")
    assert [o.pk for o in m.offices.all()] == [c["nantes"].pk]
    services.send_now(actor=c["advisor"], mailing=m)
    sending.queue_mailing(m.pk)
    assert recipient_ids(m) == {c["camille"].pk, c["yanis"].pk}
    with pytest.raises(services.ValidationError) as exc:
        write(c, by="advisor", offices=[c["angers"].pk])
    assert "offices" in exc.value.message_dict
    with pytest.raises(services.ValidationError) as exc:
        write(c, by="advisor", is_service=True)
    assert "is_service" in exc.value.message_dict
