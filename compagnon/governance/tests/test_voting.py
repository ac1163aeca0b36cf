"""Assemblies: one vote per associate and resolution, proxies and their limit, quorum and
majorities, anonymous ballots verified with the receipt."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from .. import register, voting
from ..models import Ballot, Majority, VoteRecord
from .helpers import ago, coop, open_assembly

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.mark.parametrize(
    ("majority", "f", "a", "adopted"),
    [
        (Majority.SIMPLE, 3, 2, True),
        (Majority.SIMPLE, 2, 2, False),
        (Majority.TWO_THIRDS, 2, 1, True),
        (Majority.TWO_THIRDS, 3, 2, False),
        (Majority.THREE_QUARTERS, 3, 1, True),
        (Majority.THREE_QUARTERS, 5, 2, False),
        (Majority.UNANIMITY, 4, 0, True),
        (Majority.UNANIMITY, 4, 1, False),
    ],
)
def test_majorities_count_the_votes_expressed(majority, f, a, adopted):
    o = voting.decide(majority=majority, quorum=D("0"), eligible=10, votes_for=f, votes_against=a, votes_abstain=3)
    assert o.adopted is adopted


def test_quorum_is_a_share_of_the_associates_entitled_to_vote():
    assert voting.decide(majority="simple", quorum=D("25"), eligible=20, votes_for=5, votes_against=0, votes_abstain=0).quorum_met
    o = voting.decide(majority="simple", quorum=D("25"), eligible=20, votes_for=3, votes_against=0, votes_abstain=1)
    assert not o.quorum_met and not o.adopted
    assert voting.decide(majority="simple", quorum=D("25"), eligible=20, votes_for=3, votes_against=0, votes_abstain=2).quorum_met


def test_a_vote_is_anonymous_counted_once_and_verifiable():
    c = coop(members=3)
    assembly, (r,) = open_assembly(c)
    u = c["members"][0].user
    receipt = voting.cast_vote(actor=u, resolution=r, choice="for")
    assert VoteRecord.objects.filter(resolution=r, associate=c["associates"][0], open_choice="").exists()
    ballot = Ballot.objects.get(resolution=r)
    assert receipt not in ballot.receipt_hash and ballot.receipt_hash == voting.receipt_hash(receipt)
    assert not {f.name for f in Ballot._meta.get_fields()} & {"associate", "member", "user", "created_at"}
    with pytest.raises(ValidationError) as exc:
        voting.cast_vote(actor=u, resolution=r, choice="against")
    assert "choice" in exc.value.message_dict
    assert Ballot.objects.filter(resolution=r).count() == 1
    found = voting.verify_receipt(actor=u, assembly=assembly, receipt=receipt.lower().replace("-", " "))
    assert found.pk == ballot.pk and found.choice == "for"
    assert voting.verify_receipt(actor=u, assembly=assembly, receipt="AAAA-BBBB-CCCC-DDDD") is None


def test_only_associates_with_shares_on_the_day_vote():
    c = coop(members=2)
    assembly, (r,) = open_assembly(c)
    with pytest.raises(PermissionDenied):
        voting.cast_vote(actor=c["newcomer"].user, resolution=r, choice="for")
    with pytest.raises(PermissionDenied):
        voting.cast_vote(actor=c["outsider"].user, resolution=r, choice="for")
    gone = c["associates"][1]
    register.withdraw(actor=c["admin"], associate=gone, shares=2, date=ago(1), leaves=True)
    with pytest.raises(PermissionDenied):
        voting.cast_vote(actor=c["members"][1].user, resolution=r, choice="for")


def test_proxies_are_limited_and_the_holder_votes_for_the_giver():
    c = coop(members=5)
    assembly, (r,) = open_assembly(c)
    holder = c["members"][0]
    for m in c["members"][1:3]:
        voting.give_proxy(actor=m.user, assembly=assembly, holder_number=holder.number)
    with pytest.raises(ValidationError) as exc:
        voting.give_proxy(actor=c["members"][3].user, assembly=assembly, holder_number=holder.number)
    assert "holder_number" in exc.value.message_dict and "2" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        voting.give_proxy(actor=c["members"][3].user, assembly=assembly, holder_number=c["members"][3].number)
    with pytest.raises(ValidationError):  # no chains: a giver cannot hold
        voting.give_proxy(actor=c["members"][3].user, assembly=assembly, holder_number=c["members"][1].number)
    with pytest.raises(ValidationError) as exc:  # a giver no longer votes themselves
        voting.cast_vote(actor=c["members"][1].user, resolution=r, choice="for")
    assert "choice" in exc.value.message_dict
    giver = c["associates"][1]
    voting.cast_vote(actor=holder.user, resolution=r, choice="for", on_behalf_of=giver)
    voting.cast_vote(actor=holder.user, resolution=r, choice="against")
    with pytest.raises(ValidationError):
        voting.cast_vote(actor=holder.user, resolution=r, choice="for", on_behalf_of=giver)
    with pytest.raises(PermissionDenied):
        voting.cast_vote(actor=holder.user, resolution=r, choice="for", on_behalf_of=c["associates"][4])
    assert VoteRecord.objects.get(associate=giver).by_proxy


def test_closing_freezes_results_quorum_and_majority():
    c = coop(members=4)
    assembly, (r1, r2) = open_assembly(c, resolutions=2, quorum=D("50"))
    for i, m in enumerate(c["members"][:3]):
        voting.cast_vote(actor=m.user, resolution=r1, choice="for" if i < 2 else "against")
    voting.cast_vote(actor=c["members"][0].user, resolution=r2, choice="for")
    outcomes = voting.close(actor=c["admin"], assembly=assembly)
    r1.refresh_from_db()
    r2.refresh_from_db()
    assert (r1.votes_for, r1.votes_against, r1.votes_abstain, r1.quorum_met, r1.adopted) == (2, 1, 0, True, True)
    assert (r2.quorum_met, r2.adopted) == (False, False)
    assert outcomes[0].eligible == 4
    with pytest.raises(ValidationError):
        voting.cast_vote(actor=c["members"][3].user, resolution=r1, choice="for")


def test_convening_emails_every_associate(mailoutbox, django_capture_on_commit_callbacks):
    c = coop(members=3)
    a = voting.create_assembly(actor=c["admin"], entity=c["entity"], title="AGM", held_at=timezone.now(), place="Nantes")
    with pytest.raises(ValidationError):
        voting.convene(actor=c["admin"], assembly=a)
    voting.add_resolution(actor=c["admin"], assembly=a, title="Accounts")
    with django_capture_on_commit_callbacks(execute=True):
        assert voting.convene(actor=c["admin"], assembly=a) == 3
    assert len(mailoutbox) == 3
    assert f"/governance/assemblies/{a.pk}/" in mailoutbox[0].body


def test_open_vote_records_the_choice_publicly_and_only_admins_run_assemblies():
    c = coop(members=2)
    assembly, (r,) = open_assembly(c, secret=False)
    voting.cast_vote(actor=c["members"][0].user, resolution=r, choice="against")
    assert VoteRecord.objects.get(resolution=r).open_choice == "against"
    with pytest.raises(PermissionDenied):
        voting.close(actor=c["accountant"], assembly=assembly)
    with pytest.raises(PermissionDenied):
        voting.close(actor=c["members"][0].user, assembly=assembly)
