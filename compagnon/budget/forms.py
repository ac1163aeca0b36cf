from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import BudgetPolicy, ContributionRate

PERIODS = [
    ("ytd", pgettext_lazy("period", "This year so far")),
    ("last_year", pgettext_lazy("period", "Last year")),
    ("all", pgettext_lazy("period", "Since the start")),
    ("custom", pgettext_lazy("period", "Choose the dates")),
]


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=PERIODS, required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=_date_widget())
    date_to = forms.DateField(label=_("To"), required=False, widget=_date_widget())

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date comes after the start date."))
        return data


class MovementForm(forms.Form):
    target = forms.ModelChoiceField(label=_("To the activity"), queryset=None, empty_label=None)
    amount = forms.DecimalField(
        label=_("Amount (€)"),
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        localize=True,
    )
    reason = forms.CharField(
        label=_("Why"), max_length=300, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )

    def __init__(self, *args, targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = targets


class RefusalForm(forms.Form):
    refusal_reason = forms.CharField(
        label=_("Why (the member reads it)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RateForm(forms.ModelForm):
    class Meta:
        model = ContributionRate
        fields = ["activity", "revenue_kind", "rate", "valid_from", "valid_until"]
        widgets = {"valid_from": _date_widget(), "valid_until": _date_widget()}

    def __init__(self, *args, activities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities


class PolicyForm(forms.ModelForm):
    class Meta:
        model = BudgetPolicy
        fields = ["reserve_rule", "reserve_amount", "reserve_months", "auto_approve_below"]
