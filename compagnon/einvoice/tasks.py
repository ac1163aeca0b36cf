from django.db import transaction
from django.utils.translation import gettext_noop
from django_tasks import task


@task()
def transmit(*, transmission_id: int) -> str:
    """Hand a queued Peppol transmission to the access point. Idempotent: only a queued one goes."""
    from compagnon.audit.services import record

    from .channels import access_point
    from .models import Transmission, TransmissionStatus
    from .services import download, peppol_recipient

    with transaction.atomic():
        transmission = Transmission.objects.select_for_update(of=("self",)).select_related("document").get(pk=transmission_id)
        if transmission.status != TransmissionStatus.QUEUED:
            return transmission.status
        document = transmission.document
        xml, _name, _mime = download(document, "ubl")
        seller = document.frozen.get("seller", {})
        try:
            transmission.message_id = access_point().submit(
                sender=f"{seller.get('endpoint_scheme')}:{seller.get('endpoint_id')}",
                recipient=peppol_recipient(document) or transmission.recipient,
                document_type="CreditNote" if document.kind == "credit_note" else "Invoice",
                xml=xml,
            )
        except OSError as exc:
            transmission.status, transmission.detail = TransmissionStatus.FAILED, str(exc)[:500]
        else:
            transmission.status = TransmissionStatus.SENT
        transmission.save(update_fields=["message_id", "status", "detail", "updated_at"])
        if transmission.status == TransmissionStatus.SENT:
            transaction.on_commit(lambda: _schedule_poll(transmission.pk, 0))
        record(actor=None, action=f"einvoice.peppol_{transmission.status}", obj=document,
               message=gettext_noop("%(document)s e-invoice: %(status)s through Peppol"),
               params={"document": document.number, "status": transmission.status},
               entity=document.entity, activity=document.activity)
        return transmission.status


def _schedule_poll(transmission_id: int, attempt: int) -> None:
    """Ask again later: 1, 2, 4 … minutes, at most hourly, for two days. Backends that cannot
    defer (the immediate one of tests) leave it to ``manage.py poll_einvoices``."""
    import datetime

    from django.utils import timezone

    if not poll_transmission.get_backend().supports_defer or attempt > 52:
        return
    delay = datetime.timedelta(minutes=min(2 ** attempt, 60))
    poll_transmission.using(run_after=timezone.now() + delay).enqueue(transmission_id=transmission_id,
                                                                      attempt=attempt + 1)


@task()
def poll_transmission(*, transmission_id: int, attempt: int = 0) -> str:
    """The access point's answer for one message; asks again later while it is in flight."""
    from .channels import access_point
    from .models import Transmission, TransmissionStatus

    transmission = Transmission.objects.get(pk=transmission_id)
    if transmission.status != TransmissionStatus.SENT:
        return transmission.status
    receipt = access_point().status(transmission.message_id)
    if receipt.status == TransmissionStatus.SENT:
        _schedule_poll(transmission_id, attempt)
        return receipt.status
    Transmission.objects.filter(pk=transmission.pk, status=TransmissionStatus.SENT).update(
        status=receipt.status, detail=receipt.detail[:500])
    return receipt.status


@task()
def poll_transmissions() -> int:
    """Ask the access point about every message still in flight; returns how many changed."""
    from .channels import access_point
    from .models import Channel, Transmission, TransmissionStatus

    point, changed = access_point(), 0
    for transmission in Transmission.objects.filter(channel=Channel.PEPPOL, status=TransmissionStatus.SENT):
        receipt = point.status(transmission.message_id)
        if receipt.status != transmission.status:
            Transmission.objects.filter(pk=transmission.pk, status=TransmissionStatus.SENT).update(
                status=receipt.status, detail=receipt.detail[:500])
            changed += 1
    return changed
