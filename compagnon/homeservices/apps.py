from django.apps import AppConfig
from django.db import transaction
from django.utils.translation import gettext_lazy as _


def _sheet_validated(sender=None, *, sheet, **kwargs):
    from .tasks import add_validated_sheet

    add_validated_sheet.enqueue(sheet_id=sheet.pk)


def _invoiced(document, *, actor):
    from . import invoicing
    from .models import FieldInvoice

    invoicing.on_issued(document, actor=actor)
    fi = FieldInvoice.objects.filter(document=document, contract__immediate_advance=True).first()
    if fi is not None and getattr(actor, "pk", None):
        from .tasks import send_urssaf_request

        transaction.on_commit(
            lambda: send_urssaf_request.enqueue(document_id=document.pk, user_id=actor.pk)
        )


class HomeservicesConfig(AppConfig):
    name = "compagnon.homeservices"
    verbose_name = _("Home services: invoicing, tax certificates, surveys")

    def ready(self):
        from compagnon.interventions.signals import sheet_validated
        from compagnon.sales import steps

        from . import immediate, rules  # noqa: F401 - registers the rules

        sheet_validated.connect(_sheet_validated, dispatch_uid="homeservices.sheet_validated")
        steps.register_issue_step("homeservices.immediate_advance", immediate.mention_step, order=20)
        steps.on_issued("homeservices.invoiced", _invoiced, order=50)
