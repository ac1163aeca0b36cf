"""Who the referents of a trade are: read by the procedures' review and by peer help."""

from compagnon.members.models import Member, MemberStatus


def referent_members(entity_id: int, trade_id: int):
    """The members (who have not left) named referents of ``trade_id`` in ``entity_id``."""
    return Member.objects.filter(
        trade_referencies__entity_id=entity_id,
        trade_referencies__trade_id=trade_id,
    ).exclude(status=MemberStatus.LEFT).distinct()


def is_referent(member, trade_id: int) -> bool:
    return member.trade_referencies.filter(trade_id=trade_id, entity_id=member.entity_id).exists()
