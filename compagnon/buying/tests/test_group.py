"""A group purchase from opening to the order: members join with a quantity for an activity they
hold, change or leave before the deadline; at the deadline the minimum decides: one email to the
supplier with the total and the split, or a cancellation each participant hears about."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from compagnon.notifications.models import Notification

from .. import group, services
from ..models import GroupState, Participation
from .helpers import D, coop, days, joined, open_group

pytestmark = pytest.mark.django_db


def test_members_join_change_and_leave_before_the_deadline():
    c = coop()
    g = open_group(c, minimum="10")
    joined(c, g, {"camille": "3", "yanis": "4"})
    group.join(actor=c["yanis"].user, group=g, activity=c["yanis_activity"], quantity=D("6"))
    assert {p.activity_id: p.quantity for p in Participation.objects.filter(group=g)} == {
        c["activity"].pk: D("3"), c["yanis_activity"].pk: D("6")}
    group.leave(actor=c["camille"].user, group=g, activity=c["activity"])
    assert list(Participation.objects.filter(group=g).values_list("activity_id", flat=True)) == [c["yanis_activity"].pk]


def test_a_member_cannot_join_with_someone_elses_activity_nor_a_bad_quantity():
    c = coop()
    g = open_group(c)
    with pytest.raises(PermissionDenied):
        group.join(actor=c["camille"].user, group=g, activity=c["yanis_activity"], quantity=D("1"))
    with pytest.raises(ValidationError) as exc:
        group.join(actor=c["camille"].user, group=g, activity=c["activity"], quantity=D("0"))
    assert "quantity" in exc.value.message_dict
    with pytest.raises(PermissionDenied):  # another entity's member
        group.join(actor=c["outsider"].user, group=g, activity=c["outsider_activity"], quantity=D("1"))
    assert not Participation.objects.exists()


def test_opening_checks_each_field_and_names_it():
    c = coop()
    with pytest.raises(ValidationError) as exc:
        group.open_group(actor=c["camille"].user, supplier=c["supplier"], title=" ", description="", unit="",
                         unit_price=D("-1"), deadline=days(-1), minimum_quantity=D("1.234"))
    assert set(exc.value.message_dict) == {"title", "description", "unit", "unit_price", "deadline",
                                           "minimum_quantity"}
    with pytest.raises(PermissionDenied):
        group.open_group(actor=c["outsider"].user, supplier=c["supplier"], title="x", description="x", unit="x",
                         unit_price=D("1"), deadline=days(1), minimum_quantity=D("1"))


def test_at_the_deadline_the_minimum_reached_sends_one_order_to_the_supplier(mailoutbox,
                                                                              django_capture_on_commit_callbacks):
    c = coop()
    services.save_terms(actor=c["accountant"], supplier=c["supplier"], contact_email="orders@durand.example")
    g = joined(c, open_group(c, minimum="10", deadline=0), {"camille": "3", "yanis": "7"})
    assert group.close_past_deadline() == {"ordered": 0, "cancelled": 0}  # the deadline is today: still open
    with django_capture_on_commit_callbacks(execute=True):
        assert group.close_past_deadline(today=days(1)) == {"ordered": 1, "cancelled": 0}
    with django_capture_on_commit_callbacks(execute=True):
        assert group.close_past_deadline(today=days(2)) == {"ordered": 0, "cancelled": 0}
    g.refresh_from_db()
    assert g.state == GroupState.ORDERED and g.order_sent_to == "orders@durand.example"
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["orders@durand.example"] and g.reference in mail.subject
    assert "10 box" in mail.body and ("25,00" in mail.body or "25.00" in mail.body)
    assert f"{c['activity'].name}: 3 box" in mail.body and f"{c['yanis_activity'].name}: 7 box" in mail.body
    with pytest.raises(ValidationError):
        group.join(actor=c["ines"].user, group=g, activity=c["ines_activity"], quantity=D("1"))


def test_at_the_deadline_a_missed_minimum_cancels_and_tells_each_participant(mailoutbox):
    c = coop()
    g = joined(c, open_group(c, minimum="100", deadline=0), {"camille": "3", "yanis": "7"})
    assert group.close_past_deadline(today=days(1)) == {"ordered": 0, "cancelled": 1}
    g.refresh_from_db()
    assert g.state == GroupState.CANCELLED and not mailoutbox
    told = set(Notification.objects.filter(key=f"buying-cancelled-{g.pk}").values_list("user_id", flat=True))
    assert told == {c["camille"].user_id, c["yanis"].user_id}


def test_the_opener_orders_early_only_once_the_minimum_is_reached():
    c = coop()
    g = joined(c, open_group(c, minimum="10"), {"camille": "3"})
    with pytest.raises(ValidationError):
        group.settle(actor=c["camille"].user, group=g)
    with pytest.raises(PermissionDenied):
        group.settle(actor=c["yanis"].user, group=g)  # not the opener, not staff
    joined(c, g, {"yanis": "7"})
    assert group.settle(actor=c["camille"].user, group=g).state == GroupState.ORDERED


def test_ratings_one_per_member_editable_and_staff_hide_a_comment():
    c = coop()
    services.rate(actor=c["camille"].user, supplier=c["supplier"], stars=2, comment="rude")
    r = services.rate(actor=c["camille"].user, supplier=c["supplier"], stars=4, comment="better now")
    assert c["supplier"].ratings.count() == 1 and r.stars == 4
    with pytest.raises(ValidationError) as exc:
        services.rate(actor=c["yanis"].user, supplier=c["supplier"], stars=6)
    assert "stars" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.set_hidden(actor=c["yanis"].user, rating=r, hidden=True)
    with pytest.raises(PermissionDenied):
        services.rate(actor=c["outsider"].user, supplier=c["supplier"], stars=1)
    assert services.set_hidden(actor=c["admin"], rating=r, hidden=True).hidden


def test_terms_are_checked_field_by_field_and_kept_by_staff_only():
    c = coop()
    with pytest.raises(ValidationError) as exc:
        services.save_terms(actor=c["admin"], supplier=c["supplier"], discount_percent="150",
                            contact_email="nope", valid_from=days(5), valid_until=days(1))
    assert set(exc.value.message_dict) == {"discount_percent", "contact_email"}
    with pytest.raises(ValidationError) as exc:
        services.save_terms(actor=c["admin"], supplier=c["supplier"], valid_from=days(5), valid_until=days(1))
    assert set(exc.value.message_dict) == {"valid_until"}
    with pytest.raises(PermissionDenied):
        services.save_terms(actor=c["camille"].user, supplier=c["supplier"], discount_percent="10")
    t = services.save_terms(actor=c["advisor"], supplier=c["supplier"], discount_percent="10.5")
    assert t.discount_percent == D("10.5")


def test_the_daily_command_settles_what_is_past_its_deadline(mailoutbox):
    """``manage.py close_group_purchases`` (compagnon-daily.timer) orders a purchase whose deadline
    passed with its minimum reached, and says how many."""
    import datetime
    import io

    from django.core.management import call_command
    from django.utils import timezone

    c = coop()
    g = joined(c, open_group(c, minimum="5", deadline=0), {"camille": "5"})
    type(g).objects.filter(pk=g.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=1))
    out = io.StringIO()
    call_command("close_group_purchases", stdout=out)
    assert "1 ordered, 0 cancelled" in out.getvalue()
    g.refresh_from_db()
    assert g.state == GroupState.ORDERED
