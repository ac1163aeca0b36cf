"""Every change of mailings: interests (administrators), a member's preferences and interests,
unsubscribing from a link, writing, scheduling, sending and re-sending mailings (staff).
Keyword-only; one transaction each; the permission checked again here; audited. The sending
itself runs in the task worker (``sending.py``), never in a request."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.members.models import Maturity, Member, Trade
from compagnon.organisation.models import Office
from compagnon.permissions import scope_for

from . import audience
from . import rules as _rules  # noqa: F401 - registers the rules checked below
from .models import (
    DEFAULT_MODE,
    LANGS,
    Delivery,
    EmailState,
    Interest,
    Kind,
    Mailing,
    MailingState,
    MemberInterest,
    Mode,
    Preference,
    UnsubscribeMethod,
    Unsubscription,
)

MAX_SUBJECT = 150
MAX_BODY = 20_000
MAX_PREFIXES = 30
_PREFIX = re.compile(r"^[0-9A-Za-z]{1,10}$")
SUBJECT_LABELS = {"fr": gettext_lazy("Subject in French"), "nl": gettext_lazy("Subject in Dutch"),
                  "en": gettext_lazy("Subject in English")}
BODY_LABELS = {"fr": gettext_lazy("Message in French"), "nl": gettext_lazy("Message in Dutch"),
               "en": gettext_lazy("Message in English")}
SUBJECT_MISSING = {"fr": gettext_lazy("Write the subject in French."), "nl": gettext_lazy("Write the subject in Dutch."),
                   "en": gettext_lazy("Write the subject in English.")}
BODY_MISSING = {"fr": gettext_lazy("Write the message in French."), "nl": gettext_lazy("Write the message in Dutch."),
                "en": gettext_lazy("Write the message in English.")}
AUDIENCE_FIELDS = ("kind", "is_service", "send_email", "publish_news", "offices", "trades", "interests",
                   "postcode_prefixes", "maturities", "statuses")
TEXT_FIELDS = tuple(f"{part}_{code}" for code in LANGS for part in ("subject", "body"))


# --- interests (administrators) --------------------------------------------------------------------


@transaction.atomic
def save_interest(*, actor, entity, interest: Interest | None = None, name_fr: str = "", name_nl: str = "",
                  name_en: str = "", position: int = 0, archived: bool = False) -> Interest:
    """Create or change a topic members can declare (the entity's administrators)."""
    require(actor, "mailings.manage_interests", entity)
    names = {"name_fr": " ".join(str(name_fr or "").split())[:80], "name_nl": " ".join(str(name_nl or "").split())[:80],
             "name_en": " ".join(str(name_en or "").split())[:80]}
    main = f"name_{entity.default_language}"
    if not names.get(main):
        raise ValidationError({main: _("Give the name in the entity's language at least.")})
    if interest is None:
        interest = Interest(entity=entity)
    elif interest.entity_id != entity.pk:
        raise PermissionDenied(_("You are not allowed to do this."))
    new = interest.pk is None
    for key, value in names.items():
        setattr(interest, key, value)
    interest.position, interest.archived = int(position or 0), bool(archived)
    interest.save()
    record(actor=actor, action="mailings.interest_saved", obj=interest, entity=entity,
           message=gettext_noop("Interest “%(name)s” added") if new else gettext_noop("Interest “%(name)s” changed"),
           params={"name": names[main]})
    return interest


# --- a member's own choices ------------------------------------------------------------------------


@transaction.atomic
def save_preferences(*, actor, member: Member, modes: dict | None = None, interests=None) -> None:
    """The member's own choices: ``modes`` {kind: "email"|"app"|"none"} (kinds left out keep
    theirs) and ``interests`` (the ids of the entity's topics they declare; None keeps them)."""
    if member.user_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("You are not allowed to do this."))
    errors: dict = {}
    modes = dict(modes or {})
    for kind, mode in modes.items():
        if kind not in Kind.values or mode not in Mode.values:
            errors["modes"] = [_("Choose email, in the app only, or not at all for each kind of communication.")]
    wanted = None
    if interests is not None:
        wanted = set(_ids(interests, "interests", errors))
        active = set(Interest.objects.filter(entity_id=member.entity_id, archived=False).values_list("id", flat=True))
        if wanted - active:
            errors["interests"] = [_("Choose among the topics of your cooperative.")]
    if errors:
        raise ValidationError(errors)
    changed = []
    existing = {p.kind: p for p in Preference.objects.select_for_update().filter(member=member)}
    for kind, mode in modes.items():
        pref = existing.get(kind)
        if (pref.mode if pref else DEFAULT_MODE) == mode:
            continue
        Preference.objects.update_or_create(member=member, kind=kind, defaults={"mode": mode})
        changed.append(kind)
    if wanted is not None:
        active_declared = set(MemberInterest.objects.filter(member=member, interest__archived=False)
                              .values_list("interest_id", flat=True))
        removed, added = active_declared - wanted, wanted - active_declared
        if removed:
            MemberInterest.objects.filter(member=member, interest_id__in=removed).delete()
        MemberInterest.objects.bulk_create([MemberInterest(member=member, interest_id=i) for i in sorted(added)],
                                           ignore_conflicts=True)
        if removed or added:
            changed.append("interests")
    if changed:
        record(actor=actor, action="mailings.preferences_saved", obj=member, entity=member.entity, member=member,
               message=gettext_noop("Communication preferences and interests saved"))


@transaction.atomic
def unsubscribe(*, member_id: int, kind: str, mailing_id: int | None = None,
                method: str = UnsubscribeMethod.LINK) -> bool:
    """From a signed link, without logging in: no more emails of ``kind`` for the member (they
    still find these messages in the app; the preferences page turns them off entirely). Recorded
    once; True when something changed, False when they already received none by email."""
    if kind not in Kind.values:
        raise ValidationError({"kind": _("This link is not valid.")})
    member = Member.objects.select_related("entity").get(pk=member_id)
    pref = Preference.objects.select_for_update().filter(member=member, kind=kind).first()
    if (pref.mode if pref else DEFAULT_MODE) != Mode.EMAIL:
        return False
    if pref is None:
        pref = Preference.objects.create(member=member, kind=kind, mode=Mode.APP)
    else:
        pref.mode = Mode.APP
        pref.save(update_fields=["mode", "updated_at"])
    mailing = Mailing.objects.filter(pk=mailing_id, entity_id=member.entity_id).first() if mailing_id else None
    Unsubscription.objects.create(member=member, kind=kind, mailing=mailing, method=method)
    record(actor=None, action="mailings.unsubscribed", obj=member, entity=member.entity, member=member,
           message=gettext_noop("Unsubscribed from the emails “%(kind)s”"), params={"kind": Kind(kind).label})
    return True


def mark_read(*, actor, delivery: Delivery | None = None) -> int:
    """Mark one of the reader's news read, or all of them (``delivery=None``)."""
    qs = Delivery.objects.filter(member__user_id=getattr(actor, "pk", None), in_app=True, read_at__isnull=True)
    if delivery is not None:
        qs = qs.filter(pk=delivery.pk)
    return qs.update(read_at=timezone.now())


# --- writing mailings (staff) ----------------------------------------------------------------------


def _ids(values, name: str, errors: dict) -> list[int]:
    out = []
    for value in values or []:
        try:
            pk = int(getattr(value, "pk", value))
        except (TypeError, ValueError):
            pk = 0
        if 1 <= pk <= 2**63 - 1:
            out.append(pk)
        else:
            errors[name] = [_("Choose from the list.")]
    return sorted(set(out))


def parse_prefixes(value) -> list[str]:
    if isinstance(value, str):
        value = re.split(r"[\s,;]+", value)
    return [str(p).strip().upper() for p in (value or []) if str(p).strip()]


def clean_audience(actor, entity, values: dict) -> tuple[dict, dict]:
    """The channels and the audience of a mailing, checked: (fields, {"offices", "trades",
    "interests": ids}). An advisor's mailing names only offices they advise (all of them when they
    name none)."""
    errors: dict = {}
    kind = values.get("kind") or Kind.NEWSLETTER
    if kind not in Kind.values:
        errors["kind"] = [_("Choose a kind of communication.")]
    is_service = bool(values.get("is_service"))
    if is_service and not actor.has_perm("mailings.send_service", entity):
        errors["is_service"] = [_("Only administrators send service messages.")]
    send_email, publish_news = bool(values.get("send_email")), bool(values.get("publish_news"))
    if not send_email and not publish_news:
        errors["send_email"] = [_("Send it by email, publish it as news, or both.")]
    offices = _ids(values.get("offices"), "offices", errors)
    trades = _ids(values.get("trades"), "trades", errors)
    interests = _ids(values.get("interests"), "interests", errors)
    if offices and Office.objects.filter(entity=entity, id__in=offices).count() != len(offices):
        errors["offices"] = [_("Choose offices of this entity.")]
    if entity.pk not in scope_for(actor).admin_entities:
        advised = set(Office.objects.filter(entity=entity, id__in=scope_for(actor).advisor_offices)
                      .values_list("id", flat=True))
        if not set(offices) <= advised:
            errors["offices"] = [_("You can write only to the offices you advise.")]
        offices = offices or sorted(advised)
    if trades and Trade.objects.filter(id__in=trades).count() != len(trades):
        errors["trades"] = [_("Choose from the list.")]
    if interests and Interest.objects.filter(entity=entity, archived=False, id__in=interests).count() != len(interests):
        errors["interests"] = [_("Choose among the topics of this entity.")]
    prefixes = parse_prefixes(values.get("postcode_prefixes"))
    if len(prefixes) > MAX_PREFIXES or any(not _PREFIX.match(p) for p in prefixes):
        errors["postcode_prefixes"] = [_("Write the beginnings of postcodes separated by commas, for example 44, 49, 1000.")]
    maturities = sorted(set(values.get("maturities") or []))
    if set(maturities) - set(Maturity.values):
        errors["maturities"] = [_("Choose from the list.")]
    statuses = sorted(set(values.get("statuses") or []))
    if set(statuses) - set(audience.LIVE_STATUSES):
        errors["statuses"] = [_("Choose from the list.")]
    if errors:
        raise ValidationError(errors)
    fields = {"kind": kind, "is_service": is_service, "send_email": send_email, "publish_news": publish_news,
              "postcode_prefixes": sorted(set(prefixes)), "maturities": maturities, "statuses": statuses}
    return fields, {"offices": offices, "trades": trades, "interests": interests}


def clean_texts(language: str, values: dict) -> dict:
    """Subjects and messages: the entity's language is required, any other language is complete
    (subject and message) or empty."""
    errors: dict = {}
    out = {}
    for code in LANGS:
        subject = " ".join(str(values.get(f"subject_{code}") or "").split())
        body = str(values.get(f"body_{code}") or "").strip()
        if len(subject) > MAX_SUBJECT:
            errors[f"subject_{code}"] = [_("Keep the subject under %(max)s characters.") % {"max": MAX_SUBJECT}]
        if len(body) > MAX_BODY:
            errors[f"body_{code}"] = [_("Keep the message under %(max)s characters.") % {"max": MAX_BODY}]
        if code == language or subject or body:
            if not subject:
                errors.setdefault(f"subject_{code}", [str(SUBJECT_MISSING[code])])
            if not body:
                errors.setdefault(f"body_{code}", [str(BODY_MISSING[code])])
        out[f"subject_{code}"], out[f"body_{code}"] = subject, body
    if errors:
        raise ValidationError(errors)
    return out


def _clean(actor, entity, values: dict) -> tuple[dict, dict]:
    errors: dict = {}
    fields, m2m = {}, {}
    try:
        fields, m2m = clean_audience(actor, entity, values)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        fields.update(clean_texts(entity.default_language, values))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return fields, m2m


def criteria_for(*, actor, entity, **values) -> audience.Criteria:
    """The audience of a mailing being written (not saved yet), for its count."""
    require(actor, "mailings.write", entity)
    fields, m2m = clean_audience(actor, entity, values)
    return audience.Criteria(
        entity_id=entity.pk, kind=fields["kind"], is_service=fields["is_service"], send_email=fields["send_email"],
        publish_news=fields["publish_news"], office_ids=m2m["offices"], trade_ids=m2m["trades"],
        interest_ids=m2m["interests"], postcode_prefixes=fields["postcode_prefixes"],
        maturities=fields["maturities"], statuses=fields["statuses"])


def current_values(mailing: Mailing) -> dict:
    values = {name: getattr(mailing, name) for name in ("kind", "is_service", "send_email", "publish_news",
                                                         "postcode_prefixes", "maturities", "statuses", *TEXT_FIELDS)}
    for name in ("offices", "trades", "interests"):
        values[name] = [o.pk for o in getattr(mailing, name).all()]
    return values


def _set_m2m(mailing: Mailing, m2m: dict) -> None:
    for name, ids in m2m.items():
        getattr(mailing, name).set(ids)
    mailing._office_ids = set(m2m["offices"])


@transaction.atomic
def create_mailing(*, actor, entity, **values) -> Mailing:
    """A draft mailing of ``entity`` (its administrators; advisors for the offices they advise)."""
    require(actor, "mailings.write", entity)
    fields, m2m = _clean(actor, entity, values)
    mailing = Mailing.objects.create(entity=entity, language=entity.default_language, created_by=actor, **fields)
    _set_m2m(mailing, m2m)
    record(actor=actor, action="mailings.created", obj=mailing, entity=entity,
           message=gettext_noop("Mailing “%(subject)s” written"), params={"subject": mailing.subject})
    return mailing


def _locked(mailing: Mailing) -> Mailing:
    return Mailing.objects.select_for_update(of=("self",)).select_related("entity").get(pk=mailing.pk)


@transaction.atomic
def update_mailing(*, actor, mailing: Mailing, **values) -> Mailing:
    """Change a draft or scheduled mailing; fields left out keep their value."""
    m = _locked(mailing)
    require(actor, "mailings.change_mailing", m)
    if not m.is_editable:
        raise ValidationError(_("This mailing has gone out: it can no longer be changed."))
    fields, m2m = _clean(actor, m.entity, {**current_values(m), **values})
    for key, value in fields.items():
        setattr(m, key, value)
    m.save()
    _set_m2m(m, m2m)
    record(actor=actor, action="mailings.updated", obj=m, entity=m.entity,
           message=gettext_noop("Mailing “%(subject)s” changed"), params={"subject": m.subject})
    return m


@transaction.atomic
def delete_mailing(*, actor, mailing: Mailing) -> None:
    m = _locked(mailing)
    require(actor, "mailings.change_mailing", m)
    if m.state != MailingState.DRAFT:
        raise ValidationError(_("Only a draft can be deleted."))
    record(actor=actor, action="mailings.deleted", obj=m, entity=m.entity,
           message=gettext_noop("Mailing “%(subject)s” deleted"), params={"subject": m.subject})
    m.delete()


def _ready_to_go(m: Mailing) -> None:
    if not m.is_editable:
        raise ValidationError(_("This mailing has already gone out."))
    if audience.count(audience.Criteria.of(m))["total"] == 0:
        raise ValidationError(_("Nobody is in this audience: widen it before sending."))


@transaction.atomic
def schedule(*, actor, mailing: Mailing, at: datetime.datetime) -> Mailing:
    """Send it at ``at`` (in the future): the task worker starts it then (and ``send_due_mailings``
    in case the worker was down)."""
    m = _locked(mailing)
    require(actor, "mailings.change_mailing", m)
    if m.is_service:
        require(actor, "mailings.send_service", m)
    if at is None or at <= timezone.now() + datetime.timedelta(minutes=1):
        raise ValidationError({"at": _("Choose a moment in the future.")})
    _ready_to_go(m)
    m.state, m.scheduled_for = MailingState.SCHEDULED, at
    m.save(update_fields=["state", "scheduled_for", "updated_at"])
    record(actor=actor, action="mailings.scheduled", obj=m, entity=m.entity,
           message=gettext_noop("Mailing “%(subject)s” scheduled for %(date)s"),
           params={"subject": m.subject, "date": at})
    from . import tasks

    transaction.on_commit(lambda: tasks.enqueue_scheduled(m.pk, at))
    return m


@transaction.atomic
def cancel_schedule(*, actor, mailing: Mailing) -> Mailing:
    m = _locked(mailing)
    require(actor, "mailings.change_mailing", m)
    if m.state != MailingState.SCHEDULED:
        raise ValidationError(_("This mailing is not scheduled."))
    m.state, m.scheduled_for = MailingState.DRAFT, None
    m.save(update_fields=["state", "scheduled_for", "updated_at"])
    record(actor=actor, action="mailings.unscheduled", obj=m, entity=m.entity,
           message=gettext_noop("Schedule of the mailing “%(subject)s” cancelled"), params={"subject": m.subject})
    return m


@transaction.atomic
def send_now(*, actor, mailing: Mailing) -> Mailing:
    """Send it now: the mailing becomes "sending" (published as news from now on) and the task
    worker writes the recipients' rows, then sends the emails in batches."""
    m = _locked(mailing)
    require(actor, "mailings.change_mailing", m)
    if m.is_service:
        require(actor, "mailings.send_service", m)
    _ready_to_go(m)
    start(m)
    record(actor=actor, action="mailings.sent", obj=m, entity=m.entity,
           message=gettext_noop("Mailing “%(subject)s” sent"), params={"subject": m.subject})
    return m


def start(m: Mailing) -> None:
    """Inside the caller's transaction, on the locked mailing: it goes out now."""
    from . import tasks

    m.state, m.published_at, m.scheduled_for = MailingState.SENDING, timezone.now(), None
    m.save(update_fields=["state", "published_at", "scheduled_for", "updated_at"])
    transaction.on_commit(lambda: tasks.queue_mailing.enqueue(mailing_id=m.pk))


@transaction.atomic
def retry_failed(*, actor, mailing: Mailing) -> int:
    """Send again the emails that failed (the others are never sent twice)."""
    m = _locked(mailing)
    require(actor, "mailings.change_mailing", m)
    if m.state not in (MailingState.SENDING, MailingState.SENT):
        raise ValidationError(_("This mailing has not gone out yet."))
    n = Delivery.objects.filter(mailing=m, email_state=EmailState.FAILED).update(
        email_state=EmailState.WAITING, error="", claimed_at=None)
    if not n:
        return 0
    m.state, m.finished_at = MailingState.SENDING, None
    m.save(update_fields=["state", "finished_at", "updated_at"])
    record(actor=actor, action="mailings.retried", obj=m, entity=m.entity,
           message=gettext_noop("Mailing “%(subject)s”: failed emails sent again (%(count)s)"),
           params={"subject": m.subject, "count": n})
    from . import tasks

    transaction.on_commit(lambda: tasks.send_batch.enqueue(mailing_id=m.pk))
    return n
