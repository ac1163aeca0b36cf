from django.apps import AppConfig


class OcrConfig(AppConfig):
    name = "compagnon.ocr"
    label = "ocr"
    verbose_name = "Reading receipts"
    default_auto_field = "django.db.models.BigAutoField"
