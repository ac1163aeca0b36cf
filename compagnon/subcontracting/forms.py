from django import forms
from django.utils.translation import gettext_lazy as _

from compagnon.members.models import Activity
from compagnon.sales.models import Document


class ActivityChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class DocumentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        number = obj.number or _("draft")
        return f"{obj.get_kind_display()} {number} — {obj.client.name}"


class SubcontractForm(forms.Form):
    ordering = ActivityChoice(label=_("Your activity (asking)"), queryset=Activity.objects.none())
    provider = ActivityChoice(label=_("Activity asked to do the work"), queryset=Activity.objects.none())
    description = forms.CharField(
        label=_("Work asked"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example: the photos of the catalogue, 2 days on site."),
    )
    amount = forms.DecimalField(
        label=_("Agreed amount excl. VAT"), max_digits=12, decimal_places=2, min_value=0.01,
        help_text=_("No VAT between activities of the cooperative."),
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    client_document = DocumentChoice(
        label=_("Client quote or invoice draft"), queryset=Document.objects.none(), required=False,
        empty_label=_("None: I will ask for the internal invoice by hand"),
        help_text=_("The internal invoice is issued when this job's client invoice is issued."),
    )

    def __init__(self, *args, held, providers, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ordering"].queryset = held
        self.fields["provider"].queryset = providers
        self.fields["client_document"].queryset = documents


class DeclineForm(forms.Form):
    answer = forms.CharField(label=_("Why (optional)"), max_length=300, required=False)


class PolicyForm(forms.Form):
    internal_rate = forms.DecimalField(
        label=_("Contribution rate on internal invoices (%)"), max_digits=5, decimal_places=2, min_value=0,
        max_value=100, help_text=_("Charged to the providing activity when an internal invoice is settled; 0 for none."),
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
