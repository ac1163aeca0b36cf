"""Reads of mailings for pages and the API, always from the user's scope.

* A member reads their own preferences and interests, and the news whose audience included them:
  their ``Delivery`` rows shown in the app (rows exist only once a mailing went out, so drafts and
  scheduled mailings are never seen, nor another entity's news).
* Staff read the mailings they may write: administrators every mailing of their entities,
  advisors those whose offices are all offices they advise.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from compagnon import permissions
from compagnon.members.models import Member
from compagnon.organisation.models import Entity, Office

from . import rendering
from .models import DEFAULT_MODE, Delivery, Interest, Kind, Mailing, MemberInterest, Preference
from .rules import writer_entity_ids

# --- the member's side --------------------------------------------------------------------------


def own_member(user) -> Member | None:
    s = permissions.scope_for(user)
    if s.member_id is None:
        return None
    return Member.objects.select_related("entity", "user").filter(pk=s.member_id).first()


def preferences_of(member: Member) -> dict[str, str]:
    """{kind: mode} for every kind, the default where the member chose nothing."""
    chosen = dict(Preference.objects.filter(member=member).values_list("kind", "mode"))
    return {kind: chosen.get(kind, DEFAULT_MODE) for kind in Kind.values}


def interests_to_choose(member: Member) -> QuerySet[Interest]:
    return Interest.objects.filter(entity_id=member.entity_id, archived=False).order_by("position", "id")


def declared_interest_ids(member: Member) -> list[int]:
    return sorted(MemberInterest.objects.filter(member=member, interest__archived=False)
                  .values_list("interest_id", flat=True))


def news(user) -> QuerySet[Delivery]:
    """The user's news, newest first, each with its mailing (one query)."""
    if not getattr(user, "is_authenticated", False):
        return Delivery.objects.none()
    return (Delivery.objects.filter(member__user_id=user.pk, in_app=True)
            .select_related("mailing").order_by("-id"))


def decorate(rows) -> list[Delivery]:
    """Each news row gets ``subject``, ``excerpt``, ``unread`` and ``url`` in the reader's language."""
    out = list(rows)
    for row in out:
        subject, body = row.mailing.text()
        row.subject, row.excerpt, row.unread = subject, rendering.excerpt(body, 24), row.read_at is None
        row.url = reverse("mailings-news-detail", args=[row.mailing_id])
    return out


def news_for(user, limit: int = 3) -> list[Delivery]:
    """The ``limit`` newest news of ``user`` for the home page, with ``subject``, ``excerpt``,
    ``unread`` and ``url`` (one query; an empty list for staff without a member profile)."""
    return decorate(news(user)[:limit])


def news_item(user, mailing_id) -> Delivery:
    """The user's row of one news item (DoesNotExist outside their news: 404)."""
    row = news(user).select_related("mailing__entity").get(mailing_id=mailing_id)
    return decorate([row])[0]


# --- the staff's side ---------------------------------------------------------------------------


def writer_entities(user) -> QuerySet[Entity]:
    return Entity.objects.filter(id__in=writer_entity_ids(user)).order_by("name")


def admin_entities(user) -> QuerySet[Entity]:
    return Entity.objects.filter(id__in=permissions.scope_for(user).admin_entities).order_by("name")


def offices_for(user, entity: Entity) -> QuerySet[Office]:
    """The offices a user may target in ``entity``: all of them for its administrators, the ones
    they advise for advisors."""
    s = permissions.scope_for(user)
    qs = Office.objects.filter(entity=entity)
    if entity.pk not in s.admin_entities:
        qs = qs.filter(id__in=s.advisor_offices)
    return qs.order_by("name")


def mailings(user) -> QuerySet[Mailing]:
    s = permissions.scope_for(user)
    through = Mailing.offices.through.objects.filter(mailing_id=OuterRef("pk"))
    q = Q(entity_id__in=s.admin_entities)
    if s.advisor_offices:
        q |= (Q(entity_id__in=s.advisor_entities) & Exists(through)
              & ~Exists(through.exclude(office_id__in=s.advisor_offices)))
    if not (s.admin_entities or s.advisor_offices):
        return Mailing.objects.none()
    return Mailing.objects.filter(q).select_related("entity", "created_by")


def mailing(user, pk) -> Mailing:
    return mailings(user).prefetch_related("offices", "trades", "interests").get(pk=pk)


def interests(user, *, entity_id: int | None = None, with_archived: bool = False) -> QuerySet[Interest]:
    """Topics of the user's entities: their own entity for a member, the entities they write to
    for staff (administrators also see archived ones when asked)."""
    s = permissions.scope_for(user)
    ids = set(writer_entity_ids(user))
    if s.member_entity_id:
        ids.add(s.member_entity_id)
    qs = Interest.objects.filter(entity_id__in=ids)
    if entity_id:
        qs = qs.filter(entity_id=entity_id)
    if with_archived:
        qs = qs.filter(Q(archived=False) | Q(entity_id__in=s.admin_entities))
    else:
        qs = qs.filter(archived=False)
    return qs.order_by("entity_id", "position", "id")
