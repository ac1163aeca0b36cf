"""The service catalogue and maintenance contracts: rhythms, tasks, the visits they generate,
yearly renewal, the client's choice of tasks for the next visit."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.core.services import require, snapshot
from compagnon.notifications.services import Message, notify_many

from . import rules as _rules  # noqa: F401 - registers the fieldwork.* permissions
from .common import absolute, audit, email_after_commit, locate
from .models import (
    Contract,
    ContractState,
    ContractTask,
    Pricing,
    Recurrence,
    Service,
    Unavailability,
    Unit,
    Visit,
    VisitState,
    VisitTask,
)

DEFAULT_START = datetime.time(9, 0)

# --- the catalogue ------------------------------------------------------------------------------

SERVICE_FIELDS = (
    "trade",
    "name_fr",
    "name_nl",
    "name_en",
    "unit",
    "unit_price",
    "vat_rate",
    "home_services",
    "minutes",
    "active",
)


def _check_service(service: Service) -> None:
    errors = {}
    for lang in ("fr", "nl", "en"):
        if not (getattr(service, f"name_{lang}") or "").strip():
            errors[f"name_{lang}"] = _("Give the name in each language.")
    if service.unit not in Unit.values:
        errors["unit"] = _("Choose a unit of the list.")
    if service.unit_price is None or service.unit_price < 0:
        errors["unit_price"] = _("The price is zero or more.")
    if service.vat_rate is None or not Decimal(0) <= service.vat_rate <= Decimal(100):
        errors["vat_rate"] = _("A VAT rate is from 0 to 100%.")
    if not 5 <= (service.minutes or 0) <= 24 * 60:
        errors["minutes"] = _("A usual duration is from 5 minutes to 24 hours.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_service(*, actor, entity, **fields) -> Service:
    require(actor, "fieldwork.manage_catalogue", entity)
    service = Service(entity=entity, **{k: v for k, v in fields.items() if k in SERVICE_FIELDS})
    _check_service(service)
    service.save()
    audit(
        actor=actor,
        action="fieldwork.service_created",
        obj=service,
        entity=entity,
        message=gettext_noop("Service %(name)s added to the catalogue"),
        params={"name": service.name_fr},
    )
    return service


@transaction.atomic
def update_service(*, actor, service: Service, **fields) -> Service:
    service = Service.objects.select_for_update(of=("self",)).get(pk=service.pk)
    require(actor, "fieldwork.manage_catalogue", service)
    before = snapshot(service, SERVICE_FIELDS)
    for key, value in fields.items():
        if key in SERVICE_FIELDS:
            setattr(service, key, value)
    _check_service(service)
    service.save()
    audit(
        actor=actor,
        action="fieldwork.service_updated",
        obj=service,
        entity=service.entity,
        message=gettext_noop("Service %(name)s changed"),
        params={"name": service.name_fr},
        before=before,
        after=snapshot(service, SERVICE_FIELDS),
    )
    return service


# --- contracts ------------------------------------------------------------------------------------

CONTRACT_FIELDS = (
    "name",
    "member",
    "sector",
    "starts_on",
    "ends_on",
    "renews_yearly",
    "pricing",
    "price",
    "vat_rate",
    "yearly_hours",
    "invoicing",
    "client_validates_sheets",
    "home_services",
    "immediate_advance",
    "access_notes",
    "street",
    "postcode",
    "city",
    "country",
    "state",
)
ADDRESS_FIELDS = ("street", "postcode", "city", "country")


def _check_contract(contract: Contract) -> None:
    errors = {}
    if not (contract.name or "").strip():
        errors["name"] = _("Give the contract a name, e.g. “Garden maintenance”.")
    if contract.client.activity_id != contract.activity_id:
        errors["client"] = _("Choose a client of the contract's activity.")
    if contract.ends_on and contract.starts_on and contract.ends_on < contract.starts_on:
        errors["ends_on"] = _("The end must come after the start.")
    if contract.pricing not in Pricing.values:
        errors["pricing"] = _("Choose per hour or per visit.")
    if contract.price is None or contract.price < 0:
        errors["price"] = _("The price is zero or more.")
    if contract.vat_rate is None or not Decimal(0) <= contract.vat_rate <= Decimal(100):
        errors["vat_rate"] = _("A VAT rate is from 0 to 100%.")
    if contract.yearly_hours is not None and contract.yearly_hours <= 0:
        errors["yearly_hours"] = _("The hours budget is more than zero, or empty for none.")
    if contract.sector_id and contract.sector.entity_id != contract.activity.entity_id:
        errors["sector"] = _("Choose a sector of the activity's cooperative.")
    if not (contract.postcode or "").strip() or not (contract.city or "").strip():
        errors["postcode"] = _("Give the postcode and commune where the work is done.")
    if errors:
        raise ValidationError(errors)


def _fill_address(contract: Contract) -> None:
    client = contract.client
    if contract.postcode or contract.city:
        return
    if client.site_postcode or client.site_city:
        contract.street, contract.postcode, contract.city = (
            client.site_street,
            client.site_postcode,
            client.site_city,
        )
    else:
        contract.street, contract.postcode, contract.city = (
            client.street,
            client.postcode,
            client.city,
        )
    contract.country = client.country or contract.country


@transaction.atomic
def create_contract(*, actor, activity, client, request=None, **fields) -> Contract:
    """A maintenance contract for a client of ``activity`` (from the client's page or a taken
    request). The address defaults to the client's site, else its billing address."""
    require(actor, "fieldwork.add_contract", activity)
    fields.setdefault("state", ContractState.ACTIVE)
    contract = Contract(
        activity=activity,
        client=client,
        request=request,
        **{k: v for k, v in fields.items() if k in CONTRACT_FIELDS},
    )
    if request is not None:
        contract.sector = contract.sector or request.sector
        if not (contract.postcode or contract.city):
            for name in ADDRESS_FIELDS:
                setattr(contract, name, getattr(request, name))
    _fill_address(contract)
    _check_contract(contract)
    locate(contract)
    contract.save()
    audit(
        actor=actor,
        action="fieldwork.contract_created",
        obj=contract,
        entity=activity.entity,
        activity=activity,
        message=gettext_noop("Maintenance contract %(name)s created"),
        params={"name": contract.name},
    )
    return contract


def _locked(contract: Contract) -> Contract:
    return (
        Contract.objects.select_for_update(of=("self",))
        .select_related("activity", "client", "sector")
        .get(pk=contract.pk)
    )


@transaction.atomic
def update_contract(*, actor, contract: Contract, **fields) -> Contract:
    contract = _locked(contract)
    require(actor, "fieldwork.change_contract", contract)
    names = [k for k in fields if k in CONTRACT_FIELDS]
    before = snapshot(contract, names)
    moved = any(k in ADDRESS_FIELDS and fields[k] != getattr(contract, k) for k in fields)
    for key in names:
        setattr(contract, key, fields[key])
    _check_contract(contract)
    if moved:
        locate(contract)
    contract.save()
    audit(
        actor=actor,
        action="fieldwork.contract_updated",
        obj=contract,
        entity=contract.activity.entity,
        activity=contract.activity,
        message=gettext_noop("Maintenance contract %(name)s changed"),
        params={"name": contract.name},
        before=before,
        after=snapshot(contract, names),
    )
    return contract


@transaction.atomic
def end_contract(*, actor, contract: Contract, on: datetime.date) -> Contract:
    """End on ``on``: the visits after that day that nobody did are cancelled."""
    contract = _locked(contract)
    require(actor, "fieldwork.change_contract", contract)
    if on < contract.starts_on:
        raise ValidationError({"ends_on": _("The end must come after the start.")})
    contract.ends_on, contract.renews_yearly = on, False
    if on <= timezone.localdate():
        contract.state = ContractState.ENDED
    contract.save(update_fields=["ends_on", "renews_yearly", "state"])
    contract.visits.filter(day__gt=on, state__in=(VisitState.TO_PLAN, VisitState.PLANNED)).update(
        state=VisitState.CANCELLED, updated_at=timezone.now()
    )
    audit(
        actor=actor,
        action="fieldwork.contract_ended",
        obj=contract,
        entity=contract.activity.entity,
        activity=contract.activity,
        message=gettext_noop("Maintenance contract %(name)s ends on %(day)s"),
        params={"name": contract.name, "day": on},
    )
    return contract


def _check_recurrences(items: list[dict]) -> None:
    seen: set[int] = set()
    for i, item in enumerate(items):
        months = item.get("months") or []
        if not months or any(not isinstance(m, int) or not 1 <= m <= 12 for m in months):
            raise ValidationError(
                {"recurrences": _("Rhythm %(n)s: choose months from 1 to 12.") % {"n": i + 1}}
            )
        if seen & set(months):
            raise ValidationError(
                {
                    "recurrences": _("Rhythm %(n)s: a month belongs to one rhythm only.")
                    % {"n": i + 1}
                }
            )
        seen |= set(months)
        if not 1 <= int(item.get("every_weeks") or 0) <= 52:
            raise ValidationError(
                {"recurrences": _("Rhythm %(n)s: every 1 to 52 weeks.") % {"n": i + 1}}
            )
        weekday = item.get("weekday")
        if weekday is not None and not 0 <= int(weekday) <= 6:
            raise ValidationError(
                {"recurrences": _("Rhythm %(n)s: choose a day of the week.") % {"n": i + 1}}
            )
        if not 15 <= int(item.get("minutes") or 0) <= 12 * 60:
            raise ValidationError(
                {
                    "recurrences": _("Rhythm %(n)s: a visit lasts 15 minutes to 12 hours.")
                    % {"n": i + 1}
                }
            )


@transaction.atomic
def set_recurrences(*, actor, contract: Contract, recurrences: list[dict]) -> list[Recurrence]:
    """Replace the contract's rhythms, e.g. ``[{"months": [4..10], "every_weeks": 2, "weekday": 1,
    "minutes": 120}, {"months": [11, 12, 1, 2, 3], "every_weeks": 4, ...}]``."""
    contract = _locked(contract)
    require(actor, "fieldwork.change_contract", contract)
    _check_recurrences(recurrences)
    contract.recurrences.all().delete()
    rows = Recurrence.objects.bulk_create(
        [
            Recurrence(
                contract=contract,
                months=sorted(set(r["months"])),
                every_weeks=int(r["every_weeks"]),
                weekday=None if r.get("weekday") is None else int(r["weekday"]),
                minutes=int(r["minutes"]),
                start_time=r.get("start_time"),
            )
            for r in recurrences
        ]
    )
    audit(
        actor=actor,
        action="fieldwork.contract_rhythm_set",
        obj=contract,
        entity=contract.activity.entity,
        activity=contract.activity,
        message=gettext_noop("Rhythm of the visits of %(name)s set"),
        params={"name": contract.name},
    )
    return rows


@transaction.atomic
def set_tasks(*, actor, contract: Contract, tasks: list[dict]) -> list[ContractTask]:
    """Replace the contract's tasks: ``[{"name", "service" (optional), "every_visit"}]``; visits
    already generated keep theirs."""
    contract = _locked(contract)
    require(actor, "fieldwork.change_contract", contract)
    for i, task in enumerate(tasks):
        if not (task.get("name") or "").strip():
            raise ValidationError({"tasks": _("Task %(n)s: give it a name.") % {"n": i + 1}})
        service = task.get("service")
        if service is not None and service.entity_id != contract.activity.entity_id:
            raise ValidationError(
                {"tasks": _("Task %(n)s: choose a service of the catalogue.") % {"n": i + 1}}
            )
    kept = {t.pk: t for t in contract.tasks.all()}
    wanted_ids = {t.get("id") for t in tasks if t.get("id") in kept}
    contract.tasks.exclude(pk__in=wanted_ids).delete()
    out = []
    for i, task in enumerate(tasks):
        row = kept.get(task.get("id")) or ContractTask(contract=contract)
        row.name, row.service = task["name"].strip()[:200], task.get("service")
        row.every_visit, row.position = bool(task.get("every_visit", True)), i
        row.save()
        out.append(row)
    audit(
        actor=actor,
        action="fieldwork.contract_tasks_set",
        obj=contract,
        entity=contract.activity.entity,
        activity=contract.activity,
        message=gettext_noop("Tasks of %(name)s set"),
        params={"name": contract.name},
    )
    return out


# --- the rhythm -> visits -------------------------------------------------------------------------


def rhythm_dates(
    contract: Contract, recurrences, *, since: datetime.date, until: datetime.date
) -> list[tuple]:
    """(date, recurrence) the contract's rhythms give between ``since`` and ``until`` (inclusive),
    each rhythm anchored on the contract's first day so the rhythm never drifts."""
    end = min(until, contract.ends_on) if contract.ends_on else until
    out = {}
    for rec in recurrences:
        weekday = contract.starts_on.weekday() if rec.weekday is None else rec.weekday
        day = contract.starts_on + datetime.timedelta(
            days=(weekday - contract.starts_on.weekday()) % 7
        )
        step = datetime.timedelta(weeks=rec.every_weeks)
        if day < since:  # jump to the first occurrence on or after ``since``
            day += step * ((since - day).days // step.days)
            while day < since:
                day += step
        while day <= end:
            if day.month in rec.months:
                out.setdefault(day, rec)
            day += step
    return sorted(out.items())


def _busy(member_id, start: datetime.datetime, minutes: int) -> bool:
    end = start + datetime.timedelta(minutes=minutes)
    if Unavailability.objects.filter(
        member_id=member_id, starts_at__lt=end, ends_at__gt=start
    ).exists():
        return True
    return any(
        v.starts_at < end and v.ends_at > start
        for v in Visit.objects.filter(
            member_id=member_id, day=start.date(), starts_at__isnull=False
        ).exclude(state=VisitState.CANCELLED)
    )


def _at(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


def _free_day(
    member_id, day: datetime.date, start: datetime.time, minutes: int
) -> datetime.date | None:
    """``day`` or the next weekday of the same week (up to Friday) when the member is free then."""
    candidate = day
    while candidate.isocalendar()[:2] == day.isocalendar()[:2]:
        if candidate.weekday() < 5 or candidate == day:
            if not _busy(member_id, _at(candidate, start), minutes):
                return candidate
        candidate += datetime.timedelta(days=1)
    return None


def generate_visits(
    contract: Contract, until: datetime.date, *, actor=None, today: datetime.date | None = None
) -> list[Visit]:
    """Create the visits the rhythm gives from today (or the contract's start) to ``until``.
    Idempotent: a rhythm date already given a visit is never given a second one. When the usual
    member is unavailable, the visit moves to their next free weekday of that week, else it stays
    "to plan" on its date."""
    today = today or timezone.localdate()
    with transaction.atomic():
        contract = _locked(contract)
        if actor is not None:
            require(actor, "fieldwork.change_contract", contract)
        if contract.state != ContractState.ACTIVE:
            raise ValidationError(_("Only a running contract gets visits."))
        taken = set(
            contract.visits.filter(rhythm_date__isnull=False).values_list("rhythm_date", flat=True)
        )
        tasks = list(contract.tasks.filter(every_visit=True).select_related("service"))
        created = []
        for day, rec in rhythm_dates(
            contract, contract.recurrences.all(), since=max(contract.starts_on, today), until=until
        ):
            if day in taken:
                continue
            start = rec.start_time or DEFAULT_START
            visit = Visit(
                activity=contract.activity,
                client=contract.client,
                contract=contract,
                sector=contract.sector,
                member=contract.member,
                minutes=rec.minutes,
                rhythm_date=day,
                day=day,
                notes=contract.access_notes,
                **{
                    k: getattr(contract, k)
                    for k in ("street", "postcode", "city", "country", "latitude", "longitude")
                },
            )
            if contract.member_id is not None:
                free = _free_day(contract.member_id, day, start, rec.minutes)
                if free is not None:
                    visit.day, visit.starts_at, visit.state = (
                        free,
                        _at(free, start),
                        VisitState.PLANNED,
                    )
            visit.save()
            VisitTask.objects.bulk_create(
                [
                    VisitTask(
                        visit=visit,
                        contract_task=t,
                        service=t.service,
                        name=t.name,
                        position=t.position,
                    )
                    for t in tasks
                ]
            )
            created.append(visit)
        if created:
            audit(
                actor=actor,
                action="fieldwork.visits_generated",
                obj=contract,
                entity=contract.activity.entity,
                activity=contract.activity,
                message=gettext_noop("%(n)s visits of %(name)s generated"),
                params={"n": len(created), "name": contract.name},
            )
    return created


def renew_contracts(*, today: datetime.date | None = None) -> dict:
    """Daily: running contracts that renew and reached their end get one more year; those that do
    not renew end. Idempotent."""
    today = today or timezone.localdate()
    renewed = ended = 0
    due = Contract.objects.filter(
        state=ContractState.ACTIVE, ends_on__isnull=False, ends_on__lt=today
    )
    for contract in due.select_related("activity__entity"):
        with transaction.atomic():
            contract = _locked(contract)
            if (
                contract.state != ContractState.ACTIVE
                or contract.ends_on is None
                or contract.ends_on >= today
            ):
                continue
            if contract.renews_yearly:
                old = contract.ends_on
                while contract.ends_on < today:
                    contract.ends_on = _add_year(contract.ends_on)
                contract.renewed_at = today
                contract.save(update_fields=["ends_on", "renewed_at"])
                audit(
                    actor=None,
                    action="fieldwork.contract_renewed",
                    obj=contract,
                    entity=contract.activity.entity,
                    activity=contract.activity,
                    message=gettext_noop("Maintenance contract %(name)s renewed until %(day)s"),
                    params={"name": contract.name, "day": contract.ends_on, "was": old},
                )
                renewed += 1
            else:
                contract.state = ContractState.ENDED
                contract.save(update_fields=["state"])
                audit(
                    actor=None,
                    action="fieldwork.contract_ended",
                    obj=contract,
                    entity=contract.activity.entity,
                    activity=contract.activity,
                    message=gettext_noop("Maintenance contract %(name)s ends on %(day)s"),
                    params={"name": contract.name, "day": contract.ends_on},
                )
                ended += 1
    return {"renewed": renewed, "ended": ended}


def _add_year(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


# --- the client's space -------------------------------------------------------------------------


def next_visit(contract: Contract, *, today: datetime.date | None = None) -> Visit | None:
    today = today or timezone.localdate()
    return (
        contract.visits.filter(state__in=(VisitState.TO_PLAN, VisitState.PLANNED), day__gte=today)
        .order_by("day", "starts_at", "id")
        .first()
    )


def choose_tasks(*, contract: Contract, visit: Visit, task_ids: list[int]) -> list[VisitTask]:
    """The client (through the contract's link) chooses or swaps the tasks of the next visit among
    the contract's tasks; the tasks they add are marked ``chosen_by_client``."""
    with transaction.atomic():
        visit = Visit.objects.select_for_update(of=("self",)).get(pk=visit.pk)
        nxt = next_visit(contract)
        if nxt is None or visit.pk != nxt.pk:
            raise ValidationError({"tasks": _("Tasks can be chosen for the next visit only.")})
        allowed = {t.pk: t for t in contract.tasks.select_related("service")}
        wanted = [pk for pk in dict.fromkeys(task_ids) if pk in allowed]
        if len(wanted) != len(set(task_ids)) or not wanted:
            raise ValidationError(
                {"tasks": _("Choose at least one task among those of your contract.")}
            )
        current = {t.contract_task_id: t for t in visit.tasks.filter(contract_task__isnull=False)}
        VisitTask.objects.filter(visit=visit, contract_task__isnull=False).exclude(
            contract_task_id__in=wanted
        ).delete()
        for pk in wanted:
            if pk not in current:
                task = allowed[pk]
                VisitTask.objects.create(
                    visit=visit,
                    contract_task=task,
                    service=task.service,
                    name=task.name,
                    position=task.position,
                    chosen_by_client=True,
                )
        audit(
            actor=None,
            action="fieldwork.tasks_chosen",
            obj=visit,
            entity=contract.activity.entity,
            activity=contract.activity,
            message=gettext_noop("The client chose the tasks of the visit of %(day)s"),
            params={"day": visit.day},
        )
        member = visit.member or contract.member
        if member is not None:
            user = member.user
            url = reverse("fieldwork-visit", args=[visit.pk])
            day = visit.day
            transaction.on_commit(
                lambda: notify_many(
                    [
                        Message(
                            user=user,
                            key=f"fieldwork-tasks-{visit.pk}-{timezone.now().timestamp():.0f}",
                            url=url,
                            title=lambda: _("A client chose the tasks of a visit"),
                            body=lambda: str(day),
                        )
                    ]
                )
            )
    return list(visit.tasks.all())


@transaction.atomic
def send_client_link(*, actor, contract: Contract, renew: bool = False) -> Contract:
    """Email the client the link to their space (a new link first when ``renew``: the old one
    stops working)."""
    from .models import new_token

    contract = _locked(contract)
    require(actor, "fieldwork.change_contract", contract)
    if renew:
        contract.client_token = new_token()
        contract.save(update_fields=["client_token"])
    if not contract.client.email:
        raise ValidationError(
            {"email": _("The client has no email address: add one on the client's page.")}
        )
    email_after_commit(
        to=contract.client.email,
        language=contract.client.language,
        subject=lambda: _("Your maintenance visits"),
        template="fieldwork/email/client_link.txt",
        context={
            "contract": contract,
            "link": absolute("fieldwork-client-space", contract.client_token),
        },
    )
    audit(
        actor=actor,
        action="fieldwork.client_link_sent",
        obj=contract,
        entity=contract.activity.entity,
        activity=contract.activity,
        message=gettext_noop("Link to the client's space sent for %(name)s"),
        params={"name": contract.name},
    )
    return contract


def hours(contract: Contract, year: int) -> dict:
    """Hours of the year: done, planned (not done yet), the budget and what is left of it."""
    qs = contract.visits.filter(day__year=year).exclude(state=VisitState.CANCELLED)
    done = planned = 0
    for state, minutes in qs.values_list("state", "minutes"):
        if state == VisitState.DONE:
            done += minutes
        else:
            planned += minutes
    used, plan = Decimal(done) / 60, Decimal(planned) / 60
    budget = contract.yearly_hours
    return {
        "used": used.quantize(Decimal("0.01")),
        "planned": plan.quantize(Decimal("0.01")),
        "budget": budget,
        "left": None if budget is None else (budget - used - plan).quantize(Decimal("0.01")),
        "over": budget is not None and used + plan > budget,
    }


def active_on(day: datetime.date) -> Q:
    return Q(state=ContractState.ACTIVE, starts_on__lte=day) & (
        Q(ends_on__isnull=True) | Q(ends_on__gte=day)
    )
