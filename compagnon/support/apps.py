from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "compagnon.support"
    label = "support"
    verbose_name = _("Support requests")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from compagnon.dunning.models import CaseNote, CollectionCase

        from . import (
            cases,
            rules,  # noqa: F401 - registers the object rules
        )

        # collections cases become requests of kind "collections case" (cases.py)
        post_save.connect(cases.case_saved, sender=CollectionCase, dispatch_uid="support.case_saved")
        post_save.connect(cases.note_saved, sender=CaseNote, dispatch_uid="support.case_note_saved")
