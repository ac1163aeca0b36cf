"""Demo data, made through the services by the people concerned, texts in the entity's language.

Per entity, with its first two members (in the demo: Camille and Yanis in the French entity):

* a question to accounting sent five days ago that nobody answered yet — late in the queue;
* a question to legal about the member's activity, answered;
* a question to IT on which the service asked something back — "waiting for you", clock paused;
* a question to communication, answered and closed by the member;
* a question about pay, high priority, taken by the administrator, with an internal note;
* canned answers for each service;
* the collections cases appear as requests; where the entity has none yet, its most overdue
  invoice with a handover step planned is handed to the collections service the way the collection plan
  does it (``dunning.services._handover``) and the service answers the member on the case.

Idempotent: an entity whose first demo request exists is left alone (canned answers are checked
one by one; cases made since by collections are linked, none is handed over).
"""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from compagnon.accounts.models import Role, RoleAssignment
from compagnon.members.models import ActivityMembership, Member, MemberStatus

from . import desk, services
from .models import CannedAnswer, SupportRequest

NAMESPACE = uuid.UUID("0b7c3f1e-5a55-4c9d-9a51-2d4c0f1d5e01")


def _key(entity, n: int) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{entity.pk}:{n}")


def _desk_person(entity, service: str):
    ra = (RoleAssignment.objects.filter(entity=entity, role=Role.SUPPORT, service=service).select_related("user")
          .order_by("id").first())
    if ra is None:
        ra = RoleAssignment.objects.filter(entity=entity, role=Role.ADMIN).select_related("user").order_by("id").first()
    return ra.user if ra else None


def _canned(entity) -> list[tuple[str, str, str]]:
    return [
        ("accounting", _("Acknowledgement"),
         _("Hello {first_name},\n\nThank you for your question: we are looking into it and will come back to you "
           "within two working days.\n\n{agent}")),
        ("accounting", _("VAT on deposits"),
         _("VAT is due when the deposit is received, at the rate of the service. Issue a deposit invoice from the "
           "quote: Compagnon deducts it from the final invoice.")),
        ("legal", _("Contract templates"),
         _("Hello {first_name},\n\nThe cooperative's contract templates are in the help centre. Send us your "
           "draft if you want us to read it before you sign.\n\n{agent}")),
        ("collections", _("Client contacted"),
         _("We contacted your client today. We will tell you here as soon as they answer.")),
        ("it", _("Reset your password"),
         _("On the login page, tap \"Forgotten password\" and follow the link sent to your email address.")),
        ("social", _("Payslips"),
         _("Your payslips are on the My salary page, month by month, as PDF files.")),
    ]


def seed_demo_support(entities) -> dict:
    out = {"requests": 0, "canned": 0, "cases": 0}
    for entity in entities:
        with translation.override(entity.default_language or "fr"):
            out["canned"] += _seed_canned(entity)
            made = _seed_requests(entity)
            out["requests"] += made
            out["cases"] += _seed_cases(entity, hand_over=made > 0)
    return out


def _seed_canned(entity) -> int:
    made = 0
    for service, title, body in _canned(entity):
        if CannedAnswer.objects.filter(entity=entity, service=service, title=title).exists():
            continue
        person = _desk_person(entity, service)
        if person is None:
            continue
        desk.save_canned(actor=person, entity=entity, service=service, title=title, body=body)
        made += 1
    return made


def _seed_requests(entity) -> int:
    people = list(Member.objects.filter(entity=entity, user__is_active=True).exclude(status=MemberStatus.LEFT)
                  .select_related("user").order_by("id")[:2])
    admin = _desk_person(entity, "social")
    if len(people) < 2 or admin is None or SupportRequest.objects.filter(client_key=_key(entity, 1)).exists():
        return 0
    first, second = people
    activity = (ActivityMembership.objects.filter(member=first).select_related("activity")
                .order_by("activity_id").first())
    now = timezone.now()
    ago = lambda days, hours=0: now - datetime.timedelta(days=days, hours=hours)  # noqa: E731

    services.create_request(  # late: nobody has answered for five days
        actor=first.user, service="accounting", subject=_("VAT on a deposit invoice"), client_key=_key(entity, 1),
        body=_("My client pays a 30% deposit before the work. Do I charge VAT on the deposit or only on the "
               "final invoice?"), now=ago(5))

    legal = services.create_request(
        actor=first.user, service="legal", subject=_("Maintenance contract with a condominium"),
        activity=activity.activity if activity else None, client_key=_key(entity, 2),
        body=_("A condominium wants a one-year maintenance contract with a penalty if I am late. Can I sign it?"),
        now=ago(3))
    services.answer(actor=_desk_person(entity, "legal"), request=legal, now=ago(2),
                    body=_("You can, but limit the penalty to 5% of the yearly amount and exclude bad weather. "
                           "Send us the draft and we will read it before you sign."))

    it = services.create_request(
        actor=second.user, service="it", subject=_("Compagnon on my tablet"), client_key=_key(entity, 3),
        body=_("I cannot install Compagnon on my tablet: the button does not show."), now=ago(2))
    services.answer(actor=_desk_person(entity, "it"), request=it, ask=True, now=ago(1, 20),
                    body=_("Which browser do you use on the tablet? On Firefox, the app is installed from the menu."))

    leaflets = services.create_request(
        actor=second.user, service="communication", subject=_("Leaflets for my workshops"), client_key=_key(entity, 4),
        body=_("Can the cooperative print leaflets for my computer workshops?"), now=ago(8))
    services.answer(actor=_desk_person(entity, "communication"), request=leaflets, now=ago(7),
                    body=_("Yes: send us the file as a PDF and the number of copies; the cost goes to your activity."))
    services.close(actor=second.user, request=leaflets, now=ago(6))

    pay = services.create_request(
        actor=first.user, service="social", subject=_("When is my salary paid?"), client_key=_key(entity, 5),
        body=_("I asked for my salary on the 20th. When will it be on my account?"), now=ago(0, 3))
    services.set_priority(actor=admin, request=pay, priority="high")
    services.assign(actor=admin, request=pay, agent=admin)
    services.add_note(actor=admin, request=pay, body=_("The payroll file leaves on the 25th: check it was in."))
    return 5


def _seed_cases(entity, *, hand_over: bool) -> int:
    from compagnon.dunning.models import AutomatedAction, CaseNote, CollectionCase, StepKind
    from compagnon.dunning.services import _handover

    from . import cases, selectors

    made = cases.backfill(CollectionCase, SupportRequest, CaseNote, policy_for=selectors.policy)
    if not hand_over or CollectionCase.objects.filter(entity=entity).exists():
        return made
    action = (AutomatedAction.objects.filter(entity=entity, kind=StepKind.LITIGATION, state="scheduled")
              .select_related("document__client", "document__entity", "step__plan")
              .order_by("document__due_date", "id").first())  # the most overdue invoice
    agent = _desk_person(entity, "collections")
    if action is None or agent is None:
        return made
    with transaction.atomic():
        _handover(action, action.document, timezone.localdate())  # the receiver gives the case its request
    request = SupportRequest.objects.get(case__activity_id=action.activity_id, case__client_id=action.client_id)
    services.answer(actor=agent, request=request,
                    body=_("We called your client: they promise to pay within eight days. We will tell you here."))
    return made + 1


seed = seed_demo_support
