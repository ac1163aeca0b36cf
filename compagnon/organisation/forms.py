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
            "number_patterns",
            "send_by_peppol",
        ]


    def clean_number_patterns(self):
        return self.cleaned_data.get("number_patterns") or {}


class OfficeForm(forms.ModelForm):
    class Meta:
        model = Office
        fields = ["name", "street", "postcode", "city", "email", "phone"]
