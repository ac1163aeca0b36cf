"""Demo after-sales, made through the services by the people concerned, in the entity's language.

Per entity: warranty rules for gardening (a year after the invoice), IT repair (three months after
the invoice) and, where the catalogue has it, hedge trimming (six months after the visit). Then
clients' reports about the issued invoices (or a visit done) of the demo members — member1 the
gardener and member2 the IT technician in the French entity, the first members with issued
invoices elsewhere:

* one just reported, *with the member*, under warranty, with a photo;
* one *in progress*: taken in hand and answered;
* one *resolved* (ready to become a procedure), one *rejected* with its reason, one *closed*;
* one declined by the member and given by the after-sales desk to a colleague of the trade, who
  took it; one declined and *waiting for a colleague* in the queue.

The French support agent (support@demo.coop) also works the client-relations desk, so the
after-sales queue has a face beside the administrator. Idempotent: an entity with cases is left
alone.
"""

from __future__ import annotations

import datetime
import io

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from compagnon.accounts.models import Role, RoleAssignment, User
from compagnon.fieldwork.models import Service, Visit, VisitState
from compagnon.members.models import ActivityMembership, Member, MemberStatus, Trade
from compagnon.sales.models import Document, Kind
from compagnon.sales.models import State as DocumentState

from . import selectors, services
from .models import Case, Message, Origin, Starts, WarrantyRule
from .rules import DESK_SERVICE


def _photo() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 480), (96, 140, 70))
    draw = ImageDraw.Draw(image)
    draw.rectangle((120, 160, 520, 420), fill=(140, 110, 60))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _texts() -> dict:
    return {
        "garden": [
            _("The hedge you trimmed three weeks ago is turning brown on the street side."),
            _("Two of the shrubs you planted did not take: the leaves fell within a week."),
            _("The lawn has yellow patches since the last mowing."),
            _("The new gravel path is sinking near the gate after the rain."),
            _("A branch of the pruned apple tree broke during the last storm."),
            _("The drip irrigation you installed leaks at the tap."),
            _("The green waste bags were left behind the shed."),
        ],
        "it": [
            _("The laptop you repaired shuts down again after ten minutes."),
            _("Since the visit, the printer no longer connects to the Wi-Fi."),
            _("The new hard drive makes a clicking noise."),
        ],
        "answer": _("Thank you for telling us. I come by on Monday morning to look at it."),
        "resolution": _("Replaced under warranty during the visit; the client checked it works."),
        "rejection": _("The damage comes from the storm of last week, not from the work done: it is not covered. "
                       "I can send you a quote for the repair."),
        "decline": _("I am on leave for three weeks: a colleague will be quicker."),
        "colleague": _("I take over from my colleague and come by on Thursday."),
    }


def _invoices(member: Member, trade_code: str | None = None, limit: int = 8) -> list[Document]:
    activities = ActivityMembership.objects.filter(member=member).values("activity_id")
    qs = Document.objects.filter(activity_id__in=activities, kind=Kind.INVOICE, state=DocumentState.ISSUED).select_related(
        "activity", "client").order_by("-issue_date", "-id")
    if trade_code:
        of_trade = list(qs.filter(activity__trade__code=trade_code)[:limit])
        if of_trade:
            return of_trade
    return list(qs[:limit])


def _backdate(case: Case, days: float, answer_hours: float | None = None, decide_hours: float | None = None) -> None:
    """Move a demo case back in time, with believable working times."""
    created = timezone.now() - datetime.timedelta(days=days)
    fields = {"created_at": created, "last_activity_at": created}
    case.created_at = created
    moments = [created]
    if answer_hours is not None and case.first_answer_at is not None:
        first = created + datetime.timedelta(hours=answer_hours)
        fields.update(first_answer_at=first, first_answer_seconds=services.working_seconds(case, created, first),
                      last_activity_at=first)
        moments.append(first)
    if decide_hours is not None and case.resolved_at is not None:
        decided = created + datetime.timedelta(hours=decide_hours)
        fields.update(resolved_at=decided, resolution_seconds=services.working_seconds(case, created, decided),
                      last_activity_at=decided)
        if case.closed_at is not None:
            fields["closed_at"] = decided + datetime.timedelta(days=1)
        moments.append(decided)
    Case.objects.filter(pk=case.pk).update(**fields)
    for i, message in enumerate(Message.objects.filter(case=case).order_by("id")):
        at = moments[min(i, len(moments) - 1)] + datetime.timedelta(minutes=i)
        Message.objects.filter(pk=message.pk).update(created_at=at)


def _rules(entity) -> int:
    made = 0
    admin = User.objects.filter(role_assignments__entity=entity, role_assignments__role=Role.ADMIN).first()
    if admin is None:
        return 0
    for code, days, starts in (("gardening", 365, Starts.INVOICE), ("it-repair", 90, Starts.INVOICE)):
        trade = Trade.objects.filter(code=code).first()
        if trade and not WarrantyRule.objects.filter(entity=entity, trade=trade, service__isnull=True).exists():
            services.save_warranty_rule(actor=admin, entity=entity, trade=trade, days=days, starts_from=starts)
            made += 1
    hedge = Service.objects.filter(entity=entity, name_en__icontains="hedge").first()
    if hedge and not WarrantyRule.objects.filter(entity=entity, service=hedge).exists():
        services.save_warranty_rule(actor=admin, entity=entity, service=hedge, days=180, starts_from=Starts.VISIT)
        made += 1
    return made


def _report(document: Document, text: str, *, photos=None) -> Case:
    client = document.client
    return services.report_case(origin=Origin.INVOICE, document=document, description=text, name=client.name,
                                email=client.email or "", language=document.language or "fr", photos=photos)


def _member_cases(member: Member, invoices: list[Document], texts: list[str], t: dict, admin, *, full: bool) -> int:
    user = member.user
    made = 0
    plan = ["with_member", "in_progress", "resolved", "rejected", "closed", "reassigned", "queue"] if full else \
        ["with_member", "in_progress", "resolved"]
    for i, what in enumerate(plan):
        document = invoices[i % len(invoices)]
        text = texts[i % len(texts)]
        case = _report(document, text, photos=[_photo()] if what == "with_member" else None)
        made += 1
        if what == "with_member":
            _backdate(case, 0.2)
            continue
        if what in ("in_progress", "resolved", "rejected", "closed"):
            case = services.accept(actor=user, case=case)
            services.answer(actor=user, case=case, body=t["answer"])
        if what == "in_progress":
            _backdate(Case.objects.get(pk=case.pk), 3, answer_hours=5)
        elif what in ("resolved", "closed"):
            case = services.resolve(actor=user, case=case, resolution=t["resolution"])
            if what == "closed":
                case = services.close(actor=user, case=case)
            _backdate(Case.objects.get(pk=case.pk), 40 + 20 * i, answer_hours=4 + i, decide_hours=50 + 10 * i)
        elif what == "rejected":
            case = services.reject(actor=user, case=case, reason=t["rejection"])
            _backdate(Case.objects.get(pk=case.pk), 25, answer_hours=26, decide_hours=30)
        elif what in ("reassigned", "queue"):
            case = services.decline(actor=user, case=case, reason=t["decline"])
            if what == "reassigned" and admin is not None:
                colleague = next((c.member for c in selectors.colleagues(case)
                                  if c.member.pk != member.pk and c.member.status != MemberStatus.APPLICANT), None)
                if colleague is not None:
                    case = services.assign(actor=admin, case=case, member=colleague)
                    case = services.accept(actor=colleague.user, case=case)
                    services.answer(actor=colleague.user, case=case, body=t["colleague"])
                    _backdate(Case.objects.get(pk=case.pk), 6, answer_hours=30)
                    continue
            _backdate(Case.objects.get(pk=case.pk), 1)
    return made


def _visit_case(member: Member, text: str) -> int:
    visit = (Visit.objects.filter(member=member, state=VisitState.DONE).select_related("activity", "client", "request")
             .order_by("-day", "-id").first())
    if visit is None:
        return 0
    name = visit.request.name if visit.request_id else visit.client.name
    case = services.report_case(origin=Origin.VISIT, visit=visit, description=text, name=name,
                                email=visit.client.email or "", language=visit.client.language or "fr")
    _backdate(case, 1.5)
    return 1


def seed_demo_aftersales(entities):
    """Warranty rules and clients' reports in every state (see the module's docstring)."""
    out = {"rules": 0, "cases": 0}
    for entity in entities:
        if Case.objects.filter(entity=entity).exists():
            continue
        language = "nl" if entity.jurisdiction == "BE" else "fr"
        with translation.override(language), transaction.atomic():
            t = _texts()
            out["rules"] += _rules(entity)
            admin = User.objects.filter(role_assignments__entity=entity, role_assignments__role=Role.ADMIN).first()
            support = User.objects.filter(email="support@demo.coop").first()
            if support is not None and entity.jurisdiction == "FR":
                RoleAssignment.objects.get_or_create(user=support, role=Role.SUPPORT, entity=entity,
                                                     service=DESK_SERVICE)
            demo = [m for m in (Member.objects.filter(user__email=e, entity=entity).select_related("user").first()
                                for e in ("member1@demo.coop", "member2@demo.coop")) if m is not None]
            if not demo:
                demo = [m for m in Member.objects.filter(entity=entity).exclude(status=MemberStatus.LEFT)
                        .select_related("user").order_by("id")[:20] if _invoices(m, limit=1)][:1]
            for i, member in enumerate(demo):
                it = member.user.email == "member2@demo.coop" or member.trades.filter(code="it-repair").exists()
                invoices = _invoices(member, "it-repair" if it else "gardening")
                if not invoices:
                    continue
                out["cases"] += _member_cases(member, invoices, t["it" if it else "garden"], t, admin,
                                              full=(i == 0))
                if not it:
                    out["cases"] += _visit_case(member, t["garden"][2])
    return out
