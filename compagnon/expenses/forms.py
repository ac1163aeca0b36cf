from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import categories, scales, vat
from .models import ClaimKind, Vehicle

VAT_ROWS = 3


class ClaimForm(forms.Form):
    """The claim as typed on the phone. Rules that need the activity (categories, VAT rates, the
    scales) are the service's: its errors come back next to these fields."""

    kind = forms.ChoiceField(label=_("What do you claim?"), choices=ClaimKind.choices, initial=ClaimKind.RECEIPT,
                             widget=forms.RadioSelect)
    receipt = forms.FileField(
        label=_("Photo or PDF of the receipt"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf", "capture": "environment"}))
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    supplier = forms.CharField(label=_("Supplier"), max_length=120, required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    amount = forms.CharField(label=_("Amount incl. VAT (EUR)"), required=False,
                             widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    vat_recoverable = forms.BooleanField(required=False)
    description = forms.CharField(label=_("What for"), max_length=200, required=False)
    client = forms.ChoiceField(label=_("For the client"), required=False)
    project = forms.CharField(label=_("Project"), max_length=120, required=False)
    origin = forms.CharField(label=_("From"), max_length=120, required=False)
    destination = forms.CharField(label=_("To"), max_length=120, required=False)
    distance_km = forms.CharField(label=_("Distance (km)"), required=False,
                                  widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    vehicle = forms.ChoiceField(label=_("Vehicle"), choices=Vehicle.choices, required=False, initial=Vehicle.CAR)
    fiscal_power = forms.IntegerField(label=_("Fiscal power (CV)"), required=False, min_value=1, max_value=50)
    electric = forms.BooleanField(label=_("Electric vehicle"), required=False)
    meals = forms.IntegerField(label=_("Number of meals"), required=False, min_value=1, max_value=60)
    meal_rate = forms.ChoiceField(label=_("Meal allowance"), required=False)
    client_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, activity, clients=(), **kwargs):
        super().__init__(*args, **kwargs)
        country = activity.entity.jurisdiction
        self.fields["date"].initial = timezone.localdate()
        self.fields["category"].choices = [("", "—")] + [
            (c.key, c.label) for c in categories.for_country(country, receipts_only=True)]
        self.fields["vat_recoverable"].label = vat.checkbox_label(country)
        self.fields["client"].choices = [("", "—")] + [(str(c.pk), c.name) for c in clients]
        rates = scales.per_diem_rates(country, timezone.localdate())
        self.fields["meal_rate"].choices = [("", "—")] + [(r["key"], f"{_(r['label'])} ({r['amount']} €)") for r in rates]
        if not scales.years(country, "per_diem"):
            self.fields["kind"].choices = [c for c in ClaimKind.choices if c[0] != ClaimKind.PER_DIEM]
        for i in range(VAT_ROWS):
            self.fields[f"vat_rate_{i}"] = forms.CharField(
                label=_("VAT rate (%)"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
            self.fields[f"vat_amount_{i}"] = forms.CharField(
                label=_("VAT amount (EUR)"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"}))

    def vat_rows(self):
        return [(self[f"vat_rate_{i}"], self[f"vat_amount_{i}"]) for i in range(VAT_ROWS)]

    def service_kwargs(self, clients_by_id) -> dict:
        d = self.cleaned_data
        return {
            "kind": d["kind"], "date": d["date"], "category": d.get("category") or "", "amount": d.get("amount"),
            "supplier": d.get("supplier", ""), "description": d.get("description", ""),
            "client": clients_by_id.get(d.get("client") or ""), "project": d.get("project", ""),
            "vat_recoverable": d.get("vat_recoverable", False),
            "vat_lines": [(d.get(f"vat_rate_{i}"), d.get(f"vat_amount_{i}")) for i in range(VAT_ROWS)],
            "receipt": d.get("receipt") or None, "origin": d.get("origin", ""), "destination": d.get("destination", ""),
            "distance_km": d.get("distance_km"), "vehicle": d.get("vehicle") or "car",
            "fiscal_power": d.get("fiscal_power"), "electric": d.get("electric", False), "meals": d.get("meals"),
            "meal_rate": d.get("meal_rate", ""),
        }


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Why (the member reads it)"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000)


class BankAccountForm(forms.Form):
    holder = forms.CharField(label=_("Account holder"), max_length=70)
    iban = forms.CharField(label=_("IBAN"), max_length=42)
    bic = forms.CharField(label=_("BIC"), max_length=11, required=False)


class ReimburseForm(forms.Form):
    batch = forms.ChoiceField(label=_("Transfer batch (draft)"))
    claims = forms.MultipleChoiceField(label=_("Claims to pay back"), widget=forms.CheckboxSelectMultiple)
