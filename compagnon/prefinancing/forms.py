from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Policy


class AskForm(forms.Form):
    amount = forms.DecimalField(label=_("Advance (EUR)"), max_digits=12, decimal_places=2, min_value=0,
                                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Why (the member reads it)"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class PayForm(forms.Form):
    batch = forms.ChoiceField(label=_("Transfer batch (draft)"))
    advances = forms.MultipleChoiceField(label=_("Advances to pay"), widget=forms.CheckboxSelectMultiple)


class PolicyForm(forms.ModelForm):
    class Meta:
        model = Policy
        fields = ["enabled", "share_percent", "fee_percent", "auto_up_to", "min_maturity", "max_days_overdue",
                  "client_history", "client_late_days", "client_max_late", "member_ceiling", "total_ceiling",
                  "loss_after_days", "loss_cover"]
        widgets = {f: forms.TextInput(attrs={"inputmode": "decimal"}) for f in (
            "share_percent", "fee_percent", "auto_up_to", "member_ceiling", "total_ceiling")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from compagnon.members.models import Maturity

        self.fields["min_maturity"].choices = Maturity.choices
