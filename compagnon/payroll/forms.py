from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import KINDS_OF

MONEY = {"inputmode": "decimal", "autocomplete": "off"}


class SimulationForm(forms.Form):
    ASKED = [("employer_cost", _("an amount taken from my budget")), ("net", _("a net paid to me")),
             ("gross", _("a gross salary"))]
    asked = forms.ChoiceField(label=_("I start from"), choices=ASKED, initial="employer_cost",
                              widget=forms.RadioSelect)
    amount = forms.DecimalField(label=_("Amount (EUR)"), min_value=0, max_value=100000, decimal_places=2,
                                widget=forms.TextInput(attrs=MONEY), localize=True)
    hours = forms.DecimalField(label=_("Hours paid in the month"), required=False, min_value=0, max_value=400,
                               decimal_places=2, localize=True, widget=forms.TextInput(attrs=MONEY),
                               help_text=_("Empty: full time (151.67 h in France)."))
    withholding_rate = forms.DecimalField(label=_("My withholding rate (%)"), required=False, min_value=0,
                                          max_value=60, decimal_places=2, localize=True,
                                          widget=forms.TextInput(attrs=MONEY),
                                          help_text=_("France: the personal rate shown on impots.gouv.fr."))
    children = forms.IntegerField(label=_("Dependent children"), required=False, min_value=0, max_value=20,
                                  help_text=_("Belgium: they lower the withholding tax."))
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2020, max_value=2100)


class RequestForm(forms.Form):
    month = forms.ChoiceField(label=_("Month"))
    activity = forms.ChoiceField(label=_("From the budget of"))
    asked = forms.ChoiceField(label=_("I ask for"), choices=SimulationForm.ASKED[:2], initial="employer_cost",
                              widget=forms.RadioSelect)
    amount = forms.DecimalField(label=_("Amount (EUR)"), min_value=0, max_value=1000000, decimal_places=2,
                                widget=forms.TextInput(attrs=MONEY), localize=True)
    hours = forms.DecimalField(label=_("Hours worked (if you know them)"), required=False, min_value=0,
                               max_value=400, decimal_places=2, localize=True, widget=forms.TextInput(attrs=MONEY))
    expenses = forms.DecimalField(label=_("Allowances to add to the payslip (EUR)"), required=False, min_value=0,
                                  max_value=1000000, decimal_places=2, localize=True,
                                  widget=forms.TextInput(attrs=MONEY))
    note = forms.CharField(label=_("Note for your advisor"), max_length=300, required=False)

    def __init__(self, *args, months=(), activities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [(m.strftime("%Y-%m"), m.strftime("%m/%Y")) for m in months]
        self.fields["activity"].choices = [(str(a.pk), a.name) for a in activities]


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Why (the member reads it)"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000)


class EmployeeForm(forms.Form):
    withholding_rate = forms.DecimalField(label=_("My withholding rate (%)"), required=False, min_value=0,
                                          max_value=60, decimal_places=2, localize=True,
                                          widget=forms.TextInput(attrs=MONEY))
    children = forms.IntegerField(label=_("Dependent children"), required=False, min_value=0, max_value=20)


class ContractForm(forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("form", "Contract"))
    start = forms.DateField(label=_("Start"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=_("End"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reference = forms.CharField(label=_("Reference"), max_length=60, required=False)
    hours_per_month = forms.DecimalField(label=_("Hours per month"), required=False, min_value=0, max_value=400,
                                         decimal_places=2, localize=True, widget=forms.TextInput(attrs=MONEY))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, country="FR", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.value, k.label) for k in KINDS_OF.get(country, ())]


class MonthForm(forms.Form):
    month = forms.CharField(label=_("Month"), widget=forms.TextInput(attrs={"type": "month"}))


class UploadForm(MonthForm):
    file = forms.FileField(label=_("File"))
