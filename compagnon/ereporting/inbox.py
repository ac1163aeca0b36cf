"""What the platform sends the cooperative: supplier invoices and invoice status messages.

``pull`` asks the platform for the flows received since the last one it saw (``updatedAfter``), and
for each new one, once (a flow id is stored once):

- a **supplier invoice** (UBL, CII or Factur-X) becomes a supplier invoice of the activity it is
  for, through the purchases workflow. The activity is found from the buyer's reference (BT-10) or
  the order reference: ``A-123``/``ACT123`` (the activity's number, shown on its page as "your
  e-invoicing reference") or the activity's exact name. Otherwise the file waits in the entity's
  platform inbox for an accountant to choose the activity (``route``).
- a **status message** (CDAR) records each invoice status (lifecycle.py) on the document it names,
  and tells the member about the ones that matter (approved, disputed, refused, paid, rejected).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy, gettext_noop

from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.members.models import Activity
from compagnon.organisation.models import Entity

from . import lifecycle, pdp
from . import rules as _rules  # noqa: F401 - registers the permissions checked below
from .models import Direction, LifecycleStatus, PlatformFlow

SUPPLIER_TYPES = ("SupplierInvoice",)
STATUS_TYPES = ("CustomerInvoiceLC", "SupplierInvoiceLC")
REFERENCE = re.compile(r"\bA(?:CT)?-?(\d{1,10})\b", re.IGNORECASE)


def _entity_for(flow: dict, data: bytes | None) -> Entity | None:
    """The French entity a received flow is for: the only one, or the one whose SIREN the flow or
    the invoice names."""
    entities = list(Entity.objects.filter(jurisdiction="FR"))
    if len(entities) == 1:
        return entities[0]
    haystack = (str(flow) + (data[:20000].decode("utf-8", "ignore") if data else ""))
    for entity in entities:
        siren = "".join(ch for ch in (entity.company_number or "") if ch.isdigit())[:9]
        if siren and siren in haystack:
            return entity
    return None


def _activity_for(entity: Entity, data: bytes, name: str) -> Activity | None:
    from compagnon.einvoice import parse

    try:
        parsed = parse.parse(data, name)
    except Exception:  # noqa: BLE001 - an unreadable file is routed by hand (purchases keeps it, names the line)
        return None
    for reference in (parsed.buyer_reference, parsed.order_reference):
        match = REFERENCE.search(reference or "")
        if match:
            found = Activity.objects.filter(entity=entity, pk=int(match.group(1))).first()
            if found:
                return found
        if reference:
            found = Activity.objects.filter(entity=entity, name__iexact=reference.strip()).first()
            if found:
                return found
    return None


def _receive_invoice(entity, activity, data: bytes, name: str):
    """Received in the activity as if its holder had uploaded it (the purchases workflow then asks
    them to approve it); the platform's own record says where it came from."""
    from compagnon.members.models import ActivityRole
    from compagnon.purchases import services as purchases

    holder = activity.memberships.filter(role=ActivityRole.HOLDER).select_related("member__user").first()
    if holder is None or holder.member.user_id is None:
        raise ValidationError({"activity": gettext_lazy("%(activity)s has no holder to receive the invoice.")
                               % {"activity": activity.name}})
    return purchases.receive_supplier_invoice(actor=holder.member.user, activity=activity, data=data, filename=name)


def pull(*, client: pdp.FlowClient | None = None, limit: int = 100) -> dict:
    """One pass over what the platform received since the last pass. Returns counts."""
    client = client or pdp.FlowClient()
    since = PlatformFlow.objects.filter(direction=Direction.IN).aggregate(m=Max("updated_at_platform"))["m"]
    counts = {"invoices": 0, "waiting": 0, "statuses": 0, "skipped": 0}
    flows = client.search(updated_after=since, direction="In", flow_types=SUPPLIER_TYPES + STATUS_TYPES, limit=limit)
    for flow in sorted(flows, key=lambda f: f.get("updatedAt") or ""):
        flow_id = str(flow.get("flowId") or "")
        if not flow_id or PlatformFlow.objects.filter(flow_id=flow_id).exists():
            counts["skipped"] += 1
            continue
        data = client.download(flow_id)
        entity = _entity_for(flow, data)
        if entity is None:
            counts["skipped"] += 1
            continue
        row = PlatformFlow(entity=entity, direction=Direction.IN, flow_id=flow_id,
                           flow_type=str(flow.get("flowType") or ""), syntax=str(flow.get("flowSyntax") or ""),
                           tracking_id=str(flow.get("trackingId") or ""),
                           updated_at_platform=parse_datetime(flow.get("updatedAt") or "") or None)
        try:
            if row.flow_type in STATUS_TYPES:
                counts["statuses"] += _statuses(row, data)
            else:
                name = (str(flow.get("name") or "") or f"{flow_id}.xml")[:200]
                if _invoice(row, data, name):
                    counts["invoices"] += 1
                else:
                    counts["waiting"] += 1
        except IntegrityError:  # another worker took the same flow at the same moment
            counts["skipped"] += 1
    return counts


def _invoice(row: PlatformFlow, data: bytes, name: str) -> bool:
    activity = _activity_for(row.entity, data, name)
    with transaction.atomic():
        if activity is not None:
            try:
                invoice = _receive_invoice(row.entity, activity, data, name)
            except ValidationError as exc:  # this very file was already received, or nobody to receive it
                row.outcome = f"not received: {exc.messages[0][:150]}"
                row.file_name = name
                row.file.save(name, ContentFile(data), save=False)
                row.save()
                return False
            row.invoice, row.outcome = invoice, f"supplier invoice {invoice.pk} of activity {activity.pk}"
            row.save()
            return True
        row.file_name, row.outcome = name, "waiting for an accountant to choose the activity"
        row.file.save(name, ContentFile(data), save=False)
        row.save()
    return False


def _statuses(row: PlatformFlow, data: bytes) -> int:
    from compagnon.sales.models import Document

    try:
        statuses = lifecycle.parse(data)
    except lifecycle.CdarError as exc:
        row.outcome = f"not a status message: {str(exc)[:150]}"
        row.save()
        return 0
    saved = 0
    with transaction.atomic():
        row.outcome = f"{len(statuses)} status(es)"
        row.save()
        for status in statuses:
            document = (Document.objects.filter(entity=row.entity, number=status["invoice"])
                        .select_related("activity").first())
            LifecycleStatus.objects.create(document=document, entity=row.entity, invoice_number=status["invoice"],
                                           code=status["code"], reason=status["reason"], at=status["at"], flow=row)
            saved += 1
            if document is not None and status["code"] in lifecycle.TOLD:
                _tell(document, status)
    return saved


def _tell(document, status) -> None:
    from compagnon.notifications.services import Message, notify_many

    users = [m.user for m in document.activity.members.select_related("user").all() if m.user_id]
    label = lifecycle.STATUS[status["code"]]
    title = gettext_lazy("Invoice %(number)s: %(status)s")
    messages = [Message(user=u, title=lambda label=label: title % {"number": document.number, "status": label},
                        body=status["reason"], url=reverse("document-detail", args=[document.pk]),
                        key=f"lifecycle-{document.pk}-{status['code']}") for u in users]
    transaction.on_commit(lambda: notify_many(messages))


def route(*, actor, flow: PlatformFlow, activity: Activity):
    """An accountant says which activity a waiting supplier invoice is for: it is received there."""
    require(actor, "ereporting.route_invoice", flow)
    if activity.entity_id != flow.entity_id:
        raise ValidationError({"activity": gettext_lazy("Choose an activity of %(entity)s.")
                               % {"entity": flow.entity.name}})
    with transaction.atomic():
        locked = PlatformFlow.objects.select_for_update(of=("self",)).get(pk=flow.pk)
        if locked.invoice_id or not locked.file:
            raise ValidationError({"flow": gettext_lazy("This invoice was already given to an activity.")})
        with locked.file.open("rb") as handle:
            data = handle.read()
        invoice = _receive_invoice(locked.entity, activity, data, locked.file_name or "invoice.xml")
        locked.invoice, locked.outcome = invoice, f"routed by hand to activity {activity.pk}"
        locked.save(update_fields=["invoice", "outcome"])
        record(actor=actor, action="ereport.routed", obj=locked, entity=locked.entity, activity=activity,
               message=gettext_noop("Supplier invoice received through the platform given to %(activity)s."),
               params={"activity": activity.name})
    return invoice
