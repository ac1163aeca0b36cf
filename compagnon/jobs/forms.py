import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from compagnon.clients.models import Client
from compagnon.core.formatting import money
from compagnon.members.models import Activity, Member, Trade

from .models import DocumentChoice, FeeKind, JobSettings


class DateInput(forms.DateInput):
    input_type = "date"


class MemberChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class DeclareForm(forms.Form):
    activity = forms.ModelChoiceField(label=_("Activity"), queryset=Activity.objects.none())
    client = forms.ModelChoiceField(
        label=_("Client"), queryset=Client.objects.none(), required=False, empty_label=_("A new client"),
    )
    client_name = forms.CharField(label=_("New client's name"), max_length=200, required=False)
    client_email = forms.EmailField(label=_("New client's email"), required=False)
    client_is_company = forms.BooleanField(label=_("The new client is a company"), required=False)
    description = forms.CharField(label=_("What"), max_length=300, help_text=_("For example: repaint the kitchen."))
    amount = forms.DecimalField(
        label=_("Estimated amount excl. VAT (€)"), max_digits=12, decimal_places=2, min_value=0,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    starts_on = forms.DateField(label=_("From"), widget=DateInput)
    ends_on = forms.DateField(label=_("Until"), widget=DateInput)
    street = forms.CharField(label=_("Street and number"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=16, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    colleagues = MemberChoices(
        label=_("Colleagues working on it"), queryset=Member.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    document_kind = forms.ChoiceField(
        label=_("Document"), choices=DocumentChoice.choices, initial=DocumentChoice.QUOTE, widget=forms.RadioSelect,
    )
    wants_prefinancing = forms.BooleanField(label=_("Ask for prefinancing"), required=False)
    # made once when the form is shown: sent twice, the form declares one job
    client_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, activities, clients, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["client_key"].initial = uuid.uuid4()
        self.fields["activity"].queryset = activities
        self.fields["client"].queryset = clients
        self.fields["colleagues"].queryset = colleagues
        if activities.count() == 1:
            self.fields["activity"].initial = activities.first()
            self.fields["activity"].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        activity, client = data.get("activity"), data.get("client")
        if client is not None and activity is not None and client.activity_id != activity.pk:
            self.add_error("client", _("This client belongs to another activity."))
        if client is None and not (data.get("client_name") or "").strip() and "client_name" not in self.errors:
            self.add_error("client_name", _("Choose a client or type the new client's name."))
        s, e = data.get("starts_on"), data.get("ends_on")
        if s and e and e < s:
            self.add_error("ends_on", _("The end date comes on or after the start date."))
        return data


class LinkForm(forms.Form):
    document = forms.ChoiceField(label=_("Document"))

    def __init__(self, *args, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.documents = {str(d.pk): d for d in documents}
        self.fields["document"].choices = [(str(d.pk), f"{d.get_kind_display()} {d.number or ''} – {money(d.tax_exclusive)}")
                                           for d in documents]


class OfferForm(forms.Form):
    trade = forms.ModelChoiceField(label=_("Trade"), queryset=Trade.objects.order_by("code"), required=False,
                                   empty_label=_("Any trade"))
    postcode_prefix = forms.CharField(
        label=_("Zone (start of the postcode)"), max_length=8, required=False,
        help_text=_("For example 44 for Loire-Atlantique, or 10 for Brussels. Empty: anywhere."),
    )
    sector = forms.ModelChoiceField(label=_("Field sector"), queryset=None, required=False, empty_label=_("Any sector"))
    colleague = forms.ModelChoiceField(label=_("To one colleague"), queryset=None, required=False,
                                       empty_label=_("Any colleague of the trade and zone"))
    note = forms.CharField(label=_("Note to colleagues"), max_length=2000, required=False, widget=forms.Textarea(
        attrs={"rows": 3}))
    fee_kind = forms.ChoiceField(label=_("Finder's fee"), choices=FeeKind.choices, initial=FeeKind.NONE,
                                 widget=forms.RadioSelect)
    fee_value = forms.DecimalField(label=_("Fee (percent or euros)"), max_digits=12, decimal_places=2, min_value=0,
                                   required=False)
    client_agreed = forms.BooleanField(
        label=_("The client agreed that a colleague takes over the job and receives their details"), required=True,
        error_messages={"required": _("Ask the client first: their details go to a colleague only with their "
                                      "agreement.")},
    )

    def __init__(self, *args, sectors, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = sectors
        self.fields["colleague"].queryset = colleagues
        self.fields["colleague"].label_from_instance = lambda m: m.user.get_full_name() or m.user.email


class TakeForm(forms.Form):
    activity = forms.ModelChoiceField(label=_("Into your activity"), queryset=Activity.objects.none())

    def __init__(self, *args, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities


class SettingsForm(forms.ModelForm):
    class Meta:
        model = JobSettings
        fields = ["registration_automatic_from", "short_engagement_days"]

    def clean_short_engagement_days(self):
        days = self.cleaned_data["short_engagement_days"]
        if days is not None and not 1 <= days <= 60:
            raise forms.ValidationError(_("A short engagement lasts from 1 to 60 days."))
        return days

