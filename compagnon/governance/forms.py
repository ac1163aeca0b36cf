from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Assembly, AssemblyKind, Attendance, Choice, Majority


class DateInput(forms.DateInput):
    input_type = "date"


class SettingsForm(forms.Form):
    share_nominal = forms.DecimalField(label=_("Nominal value of a share"), max_digits=12, decimal_places=2, min_value=0.01)
    max_proxies = forms.IntegerField(label=_("Proxies one associate may hold"), min_value=0, max_value=100)


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("New category of associates"), max_length=80)


class AdmitForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=None)
    category = forms.ModelChoiceField(label=_("Category"), queryset=None)
    shares = forms.IntegerField(label=_("Number of shares subscribed"), min_value=1, max_value=10**6)
    joined_on = forms.DateField(label=_("Associate since"), widget=DateInput)

    def __init__(self, *args, members, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["category"].queryset = categories


class MovementForm(forms.Form):
    KINDS = [
        ("subscription", _("Subscribe more shares")),
        ("payment", _("Record a payment")),
        ("transfer", _("Transfer shares to another associate")),
        ("withdrawal", _("Withdraw shares")),
        ("leave", _("Withdraw all shares: the associate leaves")),
        ("refund", _("Refund")),
    ]
    kind = forms.ChoiceField(label=_("Movement"), choices=KINDS)
    date = forms.DateField(label=_("Date"), widget=DateInput)
    shares = forms.IntegerField(label=_("Number of shares"), min_value=1, max_value=10**6, required=False)
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2, min_value=0.01, required=False)
    to = forms.CharField(label=_("Member number of the associate receiving the shares"), max_length=20, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class AssemblyForm(forms.ModelForm):
    held_at = forms.DateTimeField(
        label=_("Date and time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    class Meta:
        model = Assembly
        fields = ["title", "kind", "held_at", "place", "online_url"]

    kind = forms.ChoiceField(label=_("Kind"), choices=AssemblyKind.choices)
    online_url = forms.URLField(label=_("Online meeting link"), required=False, assume_scheme="https", max_length=200)


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150, required=False)
    file = forms.FileField(label=_("Document"))


class ResolutionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=10000)
    majority = forms.ChoiceField(label=_("Majority"), choices=Majority.choices)
    quorum = forms.DecimalField(label=_("Quorum (%)"), min_value=0, max_value=100, max_digits=5, decimal_places=2, initial=0)
    secret = forms.BooleanField(label=_("Secret ballot"), required=False, initial=True)


class AttendanceForm(forms.Form):
    attendance = forms.ChoiceField(label=_("I will take part"), choices=Attendance.choices)


class ProxyForm(forms.Form):
    holder_number = forms.CharField(label=_("Member number of the associate you give your proxy to"), max_length=20)


class VoteForm(forms.Form):
    choice = forms.ChoiceField(label=_("My vote"), choices=Choice.choices, widget=forms.RadioSelect)
    on_behalf_of = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReceiptForm(forms.Form):
    receipt = forms.CharField(label=_("Receipt code"), max_length=40)
