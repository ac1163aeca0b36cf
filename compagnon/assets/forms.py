from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DisposalKind


class YearsForm(forms.Form):
    years = forms.IntegerField(label=_("Useful life (years)"), min_value=1, max_value=50)


class DisposalForm(forms.Form):
    kind = forms.ChoiceField(label=_("What happened to it?"), choices=DisposalKind.choices)
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    price = forms.DecimalField(
        label=_("Sale price excl. VAT"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
    )
