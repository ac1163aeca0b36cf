from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .forms import DateInput
from .models import DistributionRules


class ResolutionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} — {obj.assembly.title} ({date_format(obj.assembly.record_date, 'SHORT_DATE_FORMAT')})"


class RulesForm(forms.ModelForm):
    resolution = ResolutionChoice(
        label=_("Adopted by the resolution"),
        queryset=None,
        required=False,
        help_text=_("The resolution of a general assembly that voted these rules, if any."),
    )

    class Meta:
        model = DistributionRules
        fields = [
            "name", "legal_reserve", "legal_reserve_until_capital", "statutory_reserve", "worker_share",
            "min_worker_share", "share_interest", "share_interest_cap", "interest_within_shares",
            "worker_split", "resolution",
        ]

    def __init__(self, *args, resolutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resolution"].queryset = resolutions


class SimulateForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=())
    rules = forms.ModelChoiceField(label=_("Rules"), queryset=None, required=False, empty_label=_("The current rules"))

    def __init__(self, *args, rules, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(y, str(y)) for y in range(this_year - 1, this_year - 6, -1)]
        self.fields["rules"].queryset = rules


class PostForm(forms.Form):
    date = forms.DateField(label=_("Date of the entry"), widget=DateInput)
