"""The yearly tax certificate for home services (France: attestation fiscale, services à la
personne, article 199 sexdecies of the CGI; content as article D. 7233-4 of the labour code lists it).

Only money **actually paid** in the year counts: the payments' allocations dated in the year on
invoices prepared from home-services sheets (bank payments, cash confirmed at the office, use of
a client credit; never a credit note, never an undone payment), in the proportion of each
invoice that is eligible. Hours follow the same proportion; the workers are the members who did
the visits. Each certificate is frozen (``content``) when made, drawn as a PDF by the task worker
(ReportLab: certificate_pdf.py, decision 0037), emailed with its token link, and shown to the member and the accountants.
Regenerating a year makes a new version and keeps the old ones (``superseded_at``).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.payments.models import Allocation, AllocationKind
from compagnon.sales.calculation import money

from .models import Certificate, HomeServicesSettings

ZERO = Decimal("0.00")
PAID = Q(kind=AllocationKind.INVOICE) | Q(kind=AllocationKind.CREDIT_USE, credit_note__isnull=True)


@dataclass
class Figures:
    client_id: int
    activity_id: int
    entity_id: int
    amount: Decimal = ZERO
    minutes: int = 0
    workers: set = field(default_factory=set)


def figures(year: int, *, client_ids=None, entity_id=None) -> dict[int, Figures]:
    """What each client paid in ``year`` for eligible services: one grouped query for all."""
    qs = Allocation.objects.filter(
        PAID,
        reversed_at__isnull=True,
        date__year=year,
        document__field_invoice__eligible_amount__gt=0,
    )
    if client_ids is not None:
        qs = qs.filter(document__client_id__in=client_ids)
    if entity_id is not None:
        qs = qs.filter(document__entity_id=entity_id)
    rows = qs.values(
        "document_id",
        "document__client_id",
        "document__activity_id",
        "document__entity_id",
        "document__tax_inclusive",
        "document__field_invoice__eligible_amount",
        "document__field_invoice__minutes",
        "document__field_invoice__workers",
    ).annotate(paid=Sum("amount"))
    out: dict[int, Figures] = {}
    for r in rows:
        client = r["document__client_id"]
        f = out.get(client) or out.setdefault(
            client, Figures(client, r["document__activity_id"], r["document__entity_id"])
        )
        total = r["document__tax_inclusive"] or Decimal("1")
        share = min(Decimal("1"), r["paid"] / total)
        f.amount += money(share * r["document__field_invoice__eligible_amount"])
        f.minutes += int((share * r["document__field_invoice__minutes"]).to_integral_value())
        f.workers.update(r["document__field_invoice__workers"] or [])
    return out


def _content(
    client, activity, entity, year: int, f: Figures, sap: HomeServicesSettings | None
) -> dict:
    language = client.language or "fr"
    with translation.override(language):
        hours = (Decimal(f.minutes) / 60).quantize(Decimal("0.01"))
        return {
            "language": language,
            "year": year,
            "date": timezone.localdate().isoformat(),
            "date_display": formats.date_format(timezone.localdate()),
            "seller": {
                "name": entity.name,
                "legal_name": entity.legal_name,
                "address": entity.address_lines,
                "siren": entity.company_number,
                "sap_number": sap.sap_number if sap else "",
                "activity": activity.name,
                "signatory": sap.signatory if sap else "",
            },
            "client": {"name": client.name, "address": client.address_lines},
            "amount": str(f.amount),
            "hours": str(hours),
            "workers": sorted(f.workers),
            "cesu": "0.00",
        }


def issue_for_year(
    *,
    year: int,
    entity_id: int | None = None,
    regenerate: bool = False,
    client_ids=None,
    actor=None,
    batch: int = 500,
) -> dict:
    """Make the certificates of ``year`` (per client with a paid eligible amount). Idempotent: a
    client whose current certificate says the same amount is left alone unless ``regenerate``."""
    from compagnon.clients.models import Client
    from compagnon.members.models import Activity
    from compagnon.organisation.models import Entity

    all_figures = figures(year, client_ids=client_ids, entity_id=entity_id)
    made = kept = 0
    ids = sorted(all_figures)
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        clients = Client.objects.in_bulk(chunk)
        activities = Activity.objects.in_bulk({all_figures[c].activity_id for c in chunk})
        entities = Entity.objects.in_bulk({all_figures[c].entity_id for c in chunk})
        sap = {s.entity_id: s for s in HomeServicesSettings.objects.filter(entity_id__in=entities)}
        current = {
            c.client_id: c
            for c in Certificate.objects.filter(
                client_id__in=chunk, year=year, superseded_at__isnull=True
            )
        }
        new = []
        with transaction.atomic():
            for client_id in chunk:
                f = all_figures[client_id]
                if f.amount <= 0:
                    continue
                old = current.get(client_id)
                if old is not None and not regenerate and old.amount_paid == f.amount:
                    kept += 1
                    continue
                client, activity, entity = (
                    clients[client_id],
                    activities[f.activity_id],
                    entities[f.entity_id],
                )
                new.append(
                    Certificate(
                        client=client,
                        activity=activity,
                        entity=entity,
                        year=year,
                        version=(old.version + 1) if old else 1,
                        amount_paid=f.amount,
                        minutes=f.minutes,
                        workers=sorted(f.workers),
                        content=_content(client, activity, entity, year, f, sap.get(entity.pk)),
                    )
                )
            superseded = [current[c.client_id].pk for c in new if c.client_id in current]
            Certificate.objects.filter(pk__in=superseded).update(superseded_at=timezone.now())
            Certificate.objects.bulk_create(new)
            made += len(new)
            ids_made = list(
                Certificate.objects.filter(
                    client_id__in=[c.client_id for c in new], year=year, superseded_at__isnull=True
                ).values_list("pk", flat=True)
            )
            _audit(actor, Certificate.objects.filter(pk__in=ids_made).select_related("client"))
            transaction.on_commit(lambda ids_made=ids_made: _enqueue(ids_made))
    return {"made": made, "unchanged": kept}


def _audit(actor, certificates) -> None:
    """One audit event per certificate made, written in one statement (a January run makes
    thousands)."""
    from compagnon.audit.models import AuditEvent

    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                action="homeservices.certificate_made",
                object_type="homeservices.certificate",
                object_id=str(c.pk),
                object_repr=f"{c.client.name} {c.year} v{c.version}"[:200],
                message=gettext_noop(
                    "Tax certificate %(year)s (version %(version)s) made for %(client)s"
                ),
                params={"year": c.year, "version": c.version, "client": c.client.name},
                changes={},
                entity_id=c.entity_id,
                activity_id=c.activity_id,
            )
            for c in certificates
        ]
    )


TASK_BATCH = 100
SAP_NUMBER = re.compile(r"SAP\d{9}")


def _enqueue(ids) -> None:
    from .tasks import render_certificates

    for start in range(0, len(ids), TASK_BATCH):
        render_certificates.enqueue(certificate_ids=ids[start : start + TASK_BATCH])


def render_pdf(content: dict) -> bytes:
    """The certificate's one page, drawn in the client's language (certificate_pdf.py)."""
    from .certificate_pdf import render

    return render(content)


def archive(certificate: Certificate) -> Certificate:
    """Render and store the PDF once (idempotent); then email the client their link."""
    return archive_many([certificate.pk])[0]


def archive_many(ids) -> list[Certificate]:
    """``archive`` for a batch (the January task's): the rows locked together, each PDF drawn and
    stored, and each client's email queued (the task queue is in the database: queued and marked
    in the same transaction, so sent once), then written back in one statement. A second run, or a
    worker running the same batch at the same time, draws and queues nothing again."""
    from compagnon.core.tasks import send_email

    with transaction.atomic():
        certs = list(
            Certificate.objects.select_for_update(of=("self",))
            .select_related("client")
            .filter(pk__in=ids)
            .order_by("id")
        )
        changed, now = [], timezone.now()
        for cert in certs:
            dirty = False
            if not cert.pdf:
                data = render_pdf(cert.content)
                cert.pdf.save(
                    f"attestation-{cert.year}-{cert.client_id}-v{cert.version}.pdf",
                    ContentFile(data),
                    save=False,
                )
                cert.pdf_sha256 = hashlib.sha256(data).hexdigest()
                dirty = True
            if cert.emailed_at is None and cert.superseded_at is None:
                message = _message(cert)
                if message is not None:
                    send_email.enqueue(**message)
                    cert.emailed_at = now
                    dirty = True
            if dirty:
                changed.append(cert)
        Certificate.objects.bulk_update(changed, ["pdf", "pdf_sha256", "emailed_at"])
    return certs


def public_url(cert: Certificate) -> str:
    base = (getattr(settings, "PORTAL_BASE_URL", "") or "http://localhost:8000").rstrip("/")
    return base + reverse("homeservices-certificate-public", args=[cert.token])


def _message(cert: Certificate) -> dict | None:
    """The email that gives the client the link; None when the client has no address."""
    client = cert.client
    if not client.email:
        return None
    with translation.override(cert.content.get("language") or "fr"):
        subject = _("Your tax certificate for home services, %(year)s") % {"year": cert.year}
        body = _(
            "Hello,\n\nYour tax certificate for the home services paid in %(year)s is ready: %(amount)s. "
            "You can download it here:\n%(url)s\n\nKeep it for your income tax return.\n\n%(seller)s"
        ) % {
            "year": cert.year,
            "amount": _money(cert.amount_paid),
            "url": public_url(cert),
            "seller": cert.content["seller"]["activity"],
        }
    return {"to": [client.email], "subject": subject, "body": body}


def _money(value) -> str:
    from compagnon.core.formatting import money as fmt

    return fmt(value)


def settings_for(entity) -> HomeServicesSettings:
    """The entity's declaration as printed on certificates (unsaved and empty when never set)."""
    return HomeServicesSettings.objects.filter(entity=entity).first() or HomeServicesSettings(
        entity=entity
    )


def declarations(user) -> list[HomeServicesSettings]:
    """What the certificates of each entity the user administers print, in one query (an unsaved,
    empty declaration for an entity that never set one)."""
    from compagnon import permissions
    from compagnon.organisation.models import Entity

    admin = permissions.scope_for(user).admin_entities
    if not admin:
        return []
    entities = Entity.objects.filter(pk__in=admin).select_related("home_services_settings")
    out = []
    for entity in entities.order_by("name"):
        try:
            out.append(entity.home_services_settings)
        except HomeServicesSettings.DoesNotExist:
            out.append(HomeServicesSettings(entity=entity))
    return out


def save_settings(*, actor, entity, sap_number: str, signatory: str) -> HomeServicesSettings:
    """An administrator of the entity sets what its certificates print (audited). Certificates
    already made keep what they printed; regenerate a year to print the new values."""
    require(actor, "homeservices.manage_settings", entity)
    sap_number = "".join(sap_number.split()).upper()
    if sap_number and not SAP_NUMBER.fullmatch(sap_number):
        raise ValidationError(
            {"sap_number": _("A declaration number is SAP followed by the 9 digits of the SIREN, "
                             "e.g. SAP123456789.")}
        )
    with transaction.atomic():
        current = settings_for(entity)
        before = {"sap_number": current.sap_number, "signatory": current.signatory}
        current.sap_number, current.signatory = sap_number, signatory.strip()
        current.save()
        record(
            actor=actor,
            action="homeservices.settings_changed",
            obj=current,
            message=gettext_noop("Home-services declaration of %(entity)s changed"),
            params={"entity": entity.name},
            entity=entity,
            before=before,
            after={"sap_number": current.sap_number, "signatory": current.signatory},
        )
    return current
