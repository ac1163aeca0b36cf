from django import forms

from .models import Entity, Office


class EntityForm(forms.ModelForm):
    class Meta:
        model = Entity
        fields = [
            "name",
            "legal_name",
            "company_number",
            "vat_number",
            "street",
            "postcode",
            "city",
            "iban",
            "bic",
            "email",
            "default_language",
            "contribution_rate",
        ]


class OfficeForm(forms.ModelForm):
    class Meta:
        model = Office
        fields = ["name", "street", "postcode", "city", "email", "phone"]
