from django import forms
from django.utils.translation import gettext_lazy as _

from compagnon.members.models import Activity, Member

SHARE_ROWS = 4


class DateInput(forms.DateInput):
    input_type = "date"


class MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class ExchangeForm(forms.Form):
    receiver = MemberChoice(label=_("Colleague who received the help"), queryset=Member.objects.none())
    date = forms.DateField(label=_("Date"), widget=DateInput)
    hours = forms.DecimalField(
        label=_("Hours given"), max_digits=5, decimal_places=2, min_value=0.25, max_value=100,
        widget=forms.NumberInput(attrs={"step": "0.25", "inputmode": "decimal"}),
    )
    description = forms.CharField(
        label=_("What was done"), max_length=300, help_text=_("For example: help with a website."),
    )

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receiver"].queryset = colleagues


class PositionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120, help_text=_("For example: shared administrative assistant."))
    hours_per_week = forms.DecimalField(label=_("Hours per week"), max_digits=5, decimal_places=2, min_value=0.25, max_value=48)
    employer = forms.ModelChoiceField(
        label=_("Employing activity"), queryset=Activity.objects.none(), required=False,
        empty_label=_("The cooperative itself"),
    )
    monthly_cost = forms.DecimalField(label=_("Monthly cost (€)"), max_digits=12, decimal_places=2, min_value=0)
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput)

    def __init__(self, *args, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = activities
        for i in range(1, SHARE_ROWS + 1):
            self.fields[f"activity_{i}"] = forms.ModelChoiceField(
                label=_("Activity %(n)s") % {"n": i}, queryset=activities, required=False,
            )
            self.fields[f"percent_{i}"] = forms.DecimalField(
                label=_("Share of activity %(n)s (%%)") % {"n": i}, max_digits=5, decimal_places=2,
                min_value=0.01, max_value=100, required=False,
            )

    def clean(self):
        data = super().clean()
        shares = []
        for i in range(1, SHARE_ROWS + 1):
            activity, percent = data.get(f"activity_{i}"), data.get(f"percent_{i}")
            if activity is None and percent is None:
                continue
            if activity is None:
                self.add_error(f"activity_{i}", _("Choose the activity that takes this share."))
            elif percent is None:
                self.add_error(f"percent_{i}", _("Enter this activity's share in percent."))
            else:
                shares.append((activity, percent))
        data["shares"] = shares
        return data


class CostForm(forms.Form):
    monthly_cost = forms.DecimalField(label=_("Monthly cost (€)"), max_digits=12, decimal_places=2, min_value=0)
