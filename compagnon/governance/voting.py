"""General assemblies: preparing, convening, registrations and proxies, the online vote with
anonymous, verifiable ballots, and the count. Keyword-only services, one transaction each,
audited; each checks the actor's right again (the API calls them too).

A vote writes a ``VoteRecord`` (who voted: no double vote) and a ``Ballot`` (what was chosen, the
SHA-256 of a random receipt code given to the voter once, no voter, no time, a random key). The
voter checks their receipt with ``verify_receipt``. See docs/governance.md for the limits."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.permissions import scope_for

from . import register
from .models import (
    AgendaDocument,
    Assembly,
    AssemblyState,
    Associate,
    Ballot,
    Choice,
    Majority,
    Proxy,
    Registration,
    Resolution,
    VoteRecord,
)

S = AssemblyState
MAX_UPLOAD = 20 * 1024 * 1024


# --- counting rules (pure) ----------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    votes_for: int
    votes_against: int
    votes_abstain: int
    eligible: int
    quorum_met: bool
    adopted: bool

    @property
    def participants(self) -> int:
        return self.votes_for + self.votes_against + self.votes_abstain


def decide(*, majority: str, quorum: Decimal, eligible: int, votes_for: int, votes_against: int, votes_abstain: int) -> Outcome:
    """Quorum: associates who took part (for, against or abstaining, themselves or by proxy) over
    those entitled to vote, at least ``quorum`` %. Majority: of the votes expressed (for and
    against; abstentions are not counted as against)."""
    participants = votes_for + votes_against + votes_abstain
    quorum_met = participants > 0 and participants * 100 >= Decimal(quorum) * eligible
    expressed = votes_for + votes_against
    if majority == Majority.SIMPLE:
        won = votes_for > votes_against
    elif majority == Majority.TWO_THIRDS:
        won = expressed > 0 and votes_for * 3 >= expressed * 2
    elif majority == Majority.THREE_QUARTERS:
        won = expressed > 0 and votes_for * 4 >= expressed * 3
    elif majority == Majority.UNANIMITY:
        won = votes_for > 0 and votes_against == 0
    else:
        raise ValueError(majority)
    return Outcome(votes_for, votes_against, votes_abstain, eligible, quorum_met, quorum_met and won)


def new_receipt() -> str:
    """80 random bits as 16 letters and digits in groups of four (easy to copy on a phone)."""
    code = base64.b32encode(secrets.token_bytes(10)).decode()
    return "-".join(code[i : i + 4] for i in range(0, 16, 4))


def receipt_hash(receipt: str) -> str:
    normal = "".join(ch for ch in (receipt or "").upper() if ch.isalnum())
    return hashlib.sha256(normal.encode()).hexdigest()


# --- eligibility --------------------------------------------------------------------------------


def eligible_ids(assembly) -> set[int]:
    """Associates holding shares on the assembly's date and not gone by then."""
    day = assembly.record_date
    held = register.holdings(until=day, entity=assembly.entity)
    gone = set(
        Associate.objects.filter(entity_id=assembly.entity_id, left_on__lte=day).values_list("pk", flat=True)
    )
    return {pk for pk, h in held.items() if h.shares > 0 and pk not in gone}


def is_eligible(associate, assembly) -> bool:
    if associate is None or associate.entity_id != assembly.entity_id:
        return False
    day = assembly.record_date
    if associate.left_on and associate.left_on <= day:
        return False
    return register.holdings([associate.pk], day)[associate.pk].shares > 0


def associate_of(user, assembly) -> Associate | None:
    member_id = scope_for(user).member_id
    if member_id is None:
        return None
    return Associate.objects.filter(member_id=member_id, entity_id=assembly.entity_id).first()


def _voter(actor, assembly) -> Associate:
    require(actor, "governance.take_part", assembly)
    associate = associate_of(actor, assembly)
    if not is_eligible(associate, assembly):
        raise PermissionDenied(_("Only associates holding shares on the day of the assembly take part in its votes."))
    return associate


def _locked(assembly) -> Assembly:
    return Assembly.objects.select_for_update().select_related("entity").get(pk=assembly.pk)


def _audit(actor, assembly, action, message, params, obj=None, member=None):
    record(
        actor=actor,
        action=f"governance.{action}",
        obj=obj or assembly,
        entity=assembly.entity,
        member=member,
        message=message,
        params=params,
    )


# --- preparing and running ----------------------------------------------------------------------


@transaction.atomic
def create_assembly(*, actor, entity, title, held_at, kind="ordinary", place="", online_url="") -> Assembly:
    require(actor, "governance.manage_assembly", entity)
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the assembly a title.")})
    if held_at is None:
        raise ValidationError({"held_at": _("Give the date and time of the assembly.")})
    if not (place or "").strip() and not online_url:
        raise ValidationError({"place": _("Give a place, an online meeting link, or both.")})
    assembly = Assembly.objects.create(
        entity=entity,
        title=title.strip()[:150],
        held_at=held_at,
        kind=kind,
        place=(place or "").strip()[:200],
        online_url=online_url or "",
        max_proxies=register.settings_of(entity).max_proxies,
    )
    _audit(actor, assembly, "assembly_created", gettext_noop("General assembly %(title)s created"), {"title": assembly.title})
    return assembly


@transaction.atomic
def add_document(*, actor, assembly, title, file) -> AgendaDocument:
    require(actor, "governance.manage_assembly", assembly)
    assembly = _locked(assembly)
    if assembly.state == S.CLOSED:
        raise ValidationError({"file": _("This assembly is closed.")})
    if file is None:
        raise ValidationError({"file": _("Choose a file.")})
    if file.size > MAX_UPLOAD:
        raise ValidationError({"file": _("The file is larger than 20 MB.")})
    title = (title or "").strip() or file.name
    document = AgendaDocument.objects.create(assembly=assembly, title=title[:150], file=file)
    _audit(actor, assembly, "document_added", gettext_noop("Document %(title)s added to the agenda"), {"title": document.title}, obj=document)
    return document


@transaction.atomic
def add_resolution(*, actor, assembly, title, text="", majority=Majority.SIMPLE, quorum=Decimal("0"), secret=True) -> Resolution:
    require(actor, "governance.manage_assembly", assembly)
    assembly = _locked(assembly)
    if assembly.state not in (S.DRAFT, S.CONVENED):
        raise ValidationError({"title": _("Resolutions are added before the vote opens.")})
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the resolution a title.")})
    if majority not in Majority.values:
        raise ValidationError({"majority": _("Choose one of the majorities offered.")})
    if quorum is None or not Decimal("0") <= Decimal(quorum) <= Decimal("100"):
        raise ValidationError({"quorum": _("The quorum is a percentage from 0 to 100.")})
    number = assembly.resolutions.count() + 1
    resolution = Resolution.objects.create(
        assembly=assembly, number=number, title=title.strip()[:200], text=text or "",
        majority=majority, quorum=quorum, secret=bool(secret),
    )
    _audit(actor, assembly, "resolution_added", gettext_noop("Resolution %(number)s added: %(title)s"),
           {"number": number, "title": resolution.title}, obj=resolution)
    return resolution


def _invite(assembly, emails_by_language):
    from compagnon.core.tasks import send_email

    link = django_settings.PORTAL_BASE_URL.rstrip("/") + reverse("governance-assembly", args=[assembly.pk])
    for language, emails in emails_by_language.items():
        with translation.override(language):
            when = timezone.localtime(assembly.held_at)
            subject = _("Convocation: %(title)s") % {"title": assembly.title}
            body = _(
                "You are convened to the general assembly of %(entity)s, %(title)s, on %(date)s at %(time)s.\n"
                "Place: %(place)s\n\nAgenda, proxies and online vote: %(link)s"
            ) % {
                "entity": assembly.entity.name,
                "title": assembly.title,
                "date": date_format(when, "DATE_FORMAT"),
                "time": time_format(when, "TIME_FORMAT"),
                "place": assembly.place or assembly.online_url,
                "link": link,
            }
        for email in emails:
            send_email.enqueue(to=[email], subject=subject, body=body)


@transaction.atomic
def convene(*, actor, assembly) -> int:
    """Send the convocation by email to every associate who has not left; returns how many."""
    require(actor, "governance.manage_assembly", assembly)
    assembly = _locked(assembly)
    if assembly.state != S.DRAFT:
        raise ValidationError(_("This assembly has already been convened."))
    if not assembly.resolutions.exists():
        raise ValidationError(_("Add at least one resolution before convening the assembly."))
    assembly.state, assembly.convened_at = S.CONVENED, timezone.now()
    assembly.save(update_fields=["state", "convened_at"])
    emails: dict[str, list[str]] = {}
    rows = Associate.objects.filter(entity_id=assembly.entity_id, left_on__isnull=True).values_list(
        "member__user__email", "member__user__language"
    )
    for email, language in rows:
        if email:
            emails.setdefault(language or assembly.entity.default_language, []).append(email)
    count = sum(len(v) for v in emails.values())
    transaction.on_commit(lambda: _invite(assembly, emails))
    _audit(actor, assembly, "assembly_convened", gettext_noop("General assembly %(title)s convened; associates invited: %(count)s"),
           {"title": assembly.title, "count": count})
    return count


@transaction.atomic
def open_vote(*, actor, assembly) -> Assembly:
    require(actor, "governance.manage_assembly", assembly)
    assembly = _locked(assembly)
    if assembly.state != S.CONVENED:
        raise ValidationError(_("The vote opens once the assembly has been convened, and only once."))
    assembly.state, assembly.opened_at = S.VOTING, timezone.now()
    assembly.save(update_fields=["state", "opened_at"])
    _audit(actor, assembly, "vote_opened", gettext_noop("Vote of %(title)s opened"), {"title": assembly.title})
    return assembly


def count(resolution, eligible: int) -> Outcome:
    by_choice = dict(
        Ballot.objects.filter(resolution=resolution).values_list("choice").annotate(n=Count("pk")).order_by()
    )
    return decide(
        majority=resolution.majority,
        quorum=resolution.quorum,
        eligible=eligible,
        votes_for=by_choice.get(Choice.FOR, 0),
        votes_against=by_choice.get(Choice.AGAINST, 0),
        votes_abstain=by_choice.get(Choice.ABSTAIN, 0),
    )


@transaction.atomic
def close(*, actor, assembly) -> list[Outcome]:
    """Close the vote and freeze each resolution's results."""
    require(actor, "governance.manage_assembly", assembly)
    assembly = _locked(assembly)
    if assembly.state != S.VOTING:
        raise ValidationError(_("Only an assembly whose vote is open can be closed."))
    eligible = len(eligible_ids(assembly))
    outcomes = []
    for resolution in assembly.resolutions.select_for_update().order_by("number"):
        o = count(resolution, eligible)
        resolution.votes_for, resolution.votes_against, resolution.votes_abstain = o.votes_for, o.votes_against, o.votes_abstain
        resolution.quorum_met, resolution.adopted = o.quorum_met, o.adopted
        resolution.save(update_fields=["votes_for", "votes_against", "votes_abstain", "quorum_met", "adopted"])
        outcomes.append(o)
    assembly.state, assembly.closed_at, assembly.eligible_count = S.CLOSED, timezone.now(), eligible
    assembly.save(update_fields=["state", "closed_at", "eligible_count"])
    adopted = sum(1 for o in outcomes if o.adopted)
    _audit(actor, assembly, "assembly_closed", gettext_noop("Vote of %(title)s closed; resolutions adopted: %(adopted)s out of %(count)s"),
           {"title": assembly.title, "adopted": adopted, "count": len(outcomes)})
    return outcomes


# --- taking part --------------------------------------------------------------------------------


def _open_for_taking_part(assembly, field="attendance"):
    if assembly.state not in (S.CONVENED, S.VOTING):
        raise ValidationError({field: _("This assembly is not open for registrations and proxies.")})


@transaction.atomic
def register_attendance(*, actor, assembly, attendance: str) -> Registration:
    associate = _voter(actor, assembly)
    assembly = _locked(assembly)
    _open_for_taking_part(assembly)
    if attendance not in ("in_person", "online"):
        raise ValidationError({"attendance": _("Choose in person or online.")})
    registration, _created = Registration.objects.update_or_create(
        assembly=assembly, associate=associate, defaults={"attendance": attendance}
    )
    _audit(actor, assembly, "registered", gettext_noop("%(name)s registered for %(title)s"),
           {"name": str(associate.member), "title": assembly.title}, obj=registration, member=associate.member)
    return registration


@transaction.atomic
def give_proxy(*, actor, assembly, holder_number: str) -> Proxy:
    """The actor gives their vote on every resolution to another associate (by member number)."""
    giver = _voter(actor, assembly)
    assembly = _locked(assembly)
    _open_for_taking_part(assembly, "holder_number")
    holder = (
        Associate.objects.select_for_update()
        .select_related("member")
        .filter(entity_id=assembly.entity_id, member__number=(holder_number or "").strip())
        .first()
    )
    if holder is None or not is_eligible(holder, assembly):
        raise ValidationError({"holder_number": _("No associate entitled to vote has this member number.")})
    if holder.pk == giver.pk:
        raise ValidationError({"holder_number": _("You cannot give a proxy to yourself.")})
    if Proxy.objects.filter(assembly=assembly, giver=giver).exists():
        raise ValidationError({"holder_number": _("You have already given your proxy for this assembly.")})
    if Proxy.objects.filter(assembly=assembly, giver=holder).exists():
        raise ValidationError({"holder_number": _("This associate has given their own proxy to someone else.")})
    if Proxy.objects.filter(assembly=assembly, holder=giver).exists():
        raise ValidationError({"holder_number": _("You hold proxies of other associates: you cannot give yours.")})
    if VoteRecord.objects.filter(resolution__assembly=assembly, associate=giver).exists():
        raise ValidationError({"holder_number": _("You have already voted: your vote cannot be given any more.")})
    held = Proxy.objects.filter(assembly=assembly, holder=holder).count()
    if held >= assembly.max_proxies:
        raise ValidationError(
            {
                "holder_number": ngettext(
                    "This associate already holds %(n)s proxy, the most allowed.",
                    "This associate already holds %(n)s proxies, the most allowed.",
                    held,
                )
                % {"n": held}
            }
        )
    proxy = Proxy.objects.create(assembly=assembly, giver=giver, holder=holder)
    _audit(actor, assembly, "proxy_given", gettext_noop("%(giver)s gave their proxy to %(holder)s"),
           {"giver": str(giver.member), "holder": str(holder.member)}, obj=proxy, member=giver.member)
    return proxy


@transaction.atomic
def cast_vote(*, actor, resolution, choice: str, on_behalf_of: Associate | None = None) -> str:
    """Record one vote and return the receipt code (shown once, never stored).

    The assembly is read again (its state may have changed since the resolution was loaded), and
    once more after the ballot is written: on PostgreSQL the ballot's foreign key holds a share lock
    on the resolution, which ``close`` locks for update, so a vote racing the closing either is
    counted (close waits for it) or sees the assembly closed and is rolled back."""
    assembly = Assembly.objects.select_related("entity").get(pk=resolution.assembly_id)
    voter = _voter(actor, assembly)
    if assembly.state != S.VOTING:
        raise ValidationError({"choice": _("The vote is not open.")})
    if choice not in Choice.values:
        raise ValidationError({"choice": _("Choose for, against or abstain.")})
    if on_behalf_of is None:
        whose, by_proxy = voter, False
        if Proxy.objects.filter(assembly_id=assembly.pk, giver=voter).exists():
            raise ValidationError({"choice": _("You gave your proxy: the associate holding it votes for you.")})
    else:
        whose, by_proxy = on_behalf_of, True
        if not Proxy.objects.filter(assembly_id=assembly.pk, giver=on_behalf_of, holder=voter).exists():
            raise PermissionDenied(_("You do not hold this associate's proxy."))
    receipt = new_receipt()
    try:
        with transaction.atomic():
            VoteRecord.objects.create(
                resolution=resolution, associate=whose, by_proxy=by_proxy,
                open_choice="" if resolution.secret else choice,
            )
    except IntegrityError:
        raise ValidationError({"choice": _("A vote has already been cast for this associate on this resolution.")}) from None
    Ballot.objects.create(resolution=resolution, choice=choice, receipt_hash=receipt_hash(receipt))
    if not Assembly.objects.filter(pk=assembly.pk, state=S.VOTING).exists():
        raise ValidationError({"choice": _("The vote is not open.")})
    _audit(actor, assembly, "vote_cast", gettext_noop("Vote cast for %(name)s on resolution %(number)s"),
           {"name": str(whose.member), "number": resolution.number}, obj=resolution, member=whose.member)
    return receipt


def verify_receipt(*, actor, assembly, receipt: str) -> Ballot | None:
    """The ballot of ``assembly`` whose receipt this is, or None."""
    require(actor, "governance.view_assembly", assembly)
    if not (receipt or "").strip():
        raise ValidationError({"receipt": _("Type the receipt code you were given when you voted.")})
    return (
        Ballot.objects.filter(resolution__assembly=assembly, receipt_hash=receipt_hash(receipt))
        .select_related("resolution")
        .first()
    )
