"""Registering: places, the waiting list and its promotion, registering twice, cancelling;
proposals validated or declined; changing and cancelling an event."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from compagnon.notifications.models import Notification

from .. import services
from ..models import Event, EventStatus, Registration, RegistrationStatus
from .helpers import at, coop, event

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    return coop()


def _status(ev, member):
    return Registration.objects.get(event=ev, member=member).status


def _counts(ev):
    ev.refresh_from_db()
    live = ev.registrations.values_list("status", flat=True)
    assert ev.registered_count == sum(1 for s in live if s == RegistrationStatus.CONFIRMED)
    assert ev.waiting_count == sum(1 for s in live if s == RegistrationStatus.WAITING)
    return ev.registered_count, ev.waiting_count


def test_places_then_a_waiting_list_first_come_first_served(c):
    ev = event(c, capacity=2)
    a, b, d, e = c["members"]
    for m in (a, b, d, e):
        services.register(actor=m.user, event=ev)
    assert [_status(ev, m) for m in (a, b, d, e)] == ["confirmed", "confirmed", "waiting", "waiting"]
    assert _counts(ev) == (2, 2)


def test_a_cancellation_promotes_the_first_person_waiting_who_is_told(c, django_capture_on_commit_callbacks):
    ev = event(c, capacity=1)
    a, b, d, _ = c["members"]
    for m in (a, b, d):
        services.register(actor=m.user, event=ev)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(actor=a.user, event=ev)
    assert _status(ev, a) == "cancelled" and _status(ev, b) == "confirmed" and _status(ev, d) == "waiting"
    assert _counts(ev) == (1, 1)
    assert Notification.objects.filter(user=b.user, title__contains="A place freed up").count() == 1
    assert [m.to for m in mail.outbox] == [[b.user.email]]
    assert Registration.objects.get(event=ev, member=b).promoted_at is not None
    # someone waiting who leaves frees no place: nobody is promoted
    services.cancel_registration(actor=d.user, event=ev)
    assert _counts(ev) == (1, 0)


def test_registering_twice_registers_once_and_cancelling_twice_changes_nothing(c):
    ev = event(c, capacity=5)
    a = c["member"]
    first = services.register(actor=a.user, event=ev)
    again = services.register(actor=a.user, event=ev)
    assert first.pk == again.pk and Registration.objects.filter(event=ev).count() == 1
    assert _counts(ev) == (1, 0)
    services.cancel_registration(actor=a.user, event=ev)
    services.cancel_registration(actor=a.user, event=ev)
    assert _counts(ev) == (0, 0)
    # registering again after cancelling reuses the row and goes to the back of the queue
    back = services.register(actor=a.user, event=ev)
    assert back.pk == first.pk and back.status == "confirmed" and _counts(ev) == (1, 0)


def test_no_limit_means_everyone_is_registered(c):
    ev = event(c, capacity=None)
    for m in c["members"]:
        assert services.register(actor=m.user, event=ev).status == "confirmed"
    assert _counts(ev) == (4, 0)


def test_more_places_move_people_up_and_fewer_than_registered_is_refused(c):
    ev = event(c, capacity=1)
    a, b, d, _ = c["members"]
    for m in (a, b, d):
        services.register(actor=m.user, event=ev)
    services.update_event(actor=c["admin"], event=ev, capacity=2)
    assert _status(ev, b) == "confirmed" and _status(ev, d) == "waiting"
    with pytest.raises(ValidationError) as exc:
        services.update_event(actor=c["admin"], event=ev, capacity=1)
    assert "capacity" in exc.value.message_dict
    services.update_event(actor=c["admin"], event=ev, capacity=None)
    assert _counts(ev) == (3, 0)


def test_who_may_register(c):
    ev = event(c)
    with pytest.raises(PermissionDenied):
        services.register(actor=c["elsewhere"].user, event=ev)  # another office's event
    with pytest.raises(PermissionDenied):
        services.register(actor=c["outsider"].user, event=ev)
    with pytest.raises(PermissionDenied):
        services.register(actor=c["admin"], event=ev)  # staff, not a member
    wide = event(c, where=c["entity"])
    assert services.register(actor=c["elsewhere"].user, event=wide).status == "confirmed"
    c["member"].status = "left"
    c["member"].save()
    with pytest.raises(PermissionDenied):
        services.register(actor=c["member"].user, event=wide)


def test_a_started_or_cancelled_event_takes_no_registration(c, django_capture_on_commit_callbacks):
    ev = event(c)
    Event.objects.filter(pk=ev.pk).update(starts_at=at(-1), ends_at=at(-1, 2))
    with pytest.raises(ValidationError):
        services.register(actor=c["member"].user, event=ev)
    ev2 = event(c)
    services.register(actor=c["colleague"].user, event=ev2)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_event(actor=c["advisor"], event=ev2, reason="The trainer is ill.")
    with pytest.raises(ValidationError):
        services.register(actor=c["member"].user, event=ev2)
    assert len(mail.outbox) == 1 and "The trainer is ill." in mail.outbox[0].body


def test_bad_event_input_names_the_field(c):
    with pytest.raises(ValidationError) as exc:
        event(c, days=-1)
    assert "starts_at" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        event(c, place="", online_url="")
    assert "place" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        event(c, ends_at=at(6))
    assert "ends_at" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        event(c, kind="training", trainer=c["outsider"].user.email)
    assert "trainer" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        event(c, online_url="javascript:alert(1)")
    assert "online_url" in exc.value.message_dict


def test_a_member_proposes_and_staff_of_the_office_validate(c, django_capture_on_commit_callbacks):
    m = c["member"]
    with django_capture_on_commit_callbacks(execute=True):
        ev = services.propose_event(actor=m.user, where=c["office"], title="Repair café", starts_at=at(5),
                                    ends_at=at(5, 2), place="Office")
    assert ev.status == EventStatus.PROPOSED and ev.proposed_by == m.user
    assert Notification.objects.filter(user=c["advisor"], title__contains="Repair café").exists()
    assert Notification.objects.filter(user=c["admin"], title__contains="Repair café").exists()
    assert not Notification.objects.filter(user=c["other_advisor"]).exists()
    with pytest.raises(PermissionDenied):
        services.validate_event(actor=c["other_advisor"], event=ev)
    with pytest.raises(PermissionDenied):
        services.validate_event(actor=c["support"], event=ev)
    with pytest.raises(PermissionDenied):
        services.validate_event(actor=c["colleague"].user, event=ev)
    with pytest.raises(ValidationError):
        services.register(actor=c["colleague"].user, event=ev)  # not published yet
    with django_capture_on_commit_callbacks(execute=True):
        services.validate_event(actor=c["advisor"], event=ev)
        services.validate_event(actor=c["advisor"], event=ev)  # twice: nothing more
    ev.refresh_from_db()
    assert ev.status == EventStatus.PUBLISHED and ev.decided_by == c["advisor"]
    assert Notification.objects.filter(user=m.user, title__contains="published").count() == 1


def test_declining_needs_a_reason_the_member_reads(c, django_capture_on_commit_callbacks):
    m = c["member"]
    ev = services.propose_event(actor=m.user, where=c["entity"], title="Picnic", starts_at=at(5), ends_at=at(5, 2),
                                place="Park")
    with pytest.raises(PermissionDenied):  # a whole-entity proposal is the administrators'
        services.decline_event(actor=c["advisor"], event=ev, reason="no")
    with pytest.raises(ValidationError) as exc:
        services.decline_event(actor=c["admin"], event=ev, reason="  ")
    assert "reason" in exc.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_event(actor=c["admin"], event=ev, reason="Already one that week.")
    n = Notification.objects.get(user=m.user, title__contains="declined")
    assert n.body == "Already one that week."
    with pytest.raises(ValidationError):
        services.validate_event(actor=c["admin"], event=ev)


def test_a_member_proposes_only_for_their_office_or_entity(c):
    with pytest.raises(ValidationError) as exc:
        services.propose_event(actor=c["member"].user, where=c["other_office"], title="x", starts_at=at(3),
                               ends_at=at(3, 1), place="x")
    assert "where" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.create_event(actor=c["member"].user, where=c["office"], title="x", starts_at=at(3), ends_at=at(3, 1),
                              place="x")
    with pytest.raises(PermissionDenied):  # advisors create for their offices only
        services.create_event(actor=c["advisor"], where=c["entity"], title="x", starts_at=at(3), ends_at=at(3, 1),
                              place="x")


def test_moving_an_event_tells_the_people_registered(c, django_capture_on_commit_callbacks):
    ev = event(c)
    services.register(actor=c["member"].user, event=ev)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.update_event(actor=c["advisor"], event=ev, starts_at=at(8), ends_at=at(8, 2))
    assert [m.to for m in mail.outbox] == [[c["member"].user.email]]
    with django_capture_on_commit_callbacks(execute=True):
        services.update_event(actor=c["advisor"], event=ev, title="New title")  # no move: nobody told
    assert len(mail.outbox) == 1
