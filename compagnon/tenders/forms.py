from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compagnon.members.models import Activity, Member, Trade
from compagnon.organisation.models import Entity

from .models import AdminKind, AnswerState, Kind, Role, Source


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


def _entity_field(form, entities):
    form.fields["entity"].queryset = entities
    if entities.count() == 1:
        form.fields["entity"].initial = entities.first()
        form.fields["entity"].widget = forms.HiddenInput()


class ImportForm(forms.Form):
    entity = forms.ModelChoiceField(label=_("Cooperative"), queryset=Entity.objects.none())
    source = forms.ChoiceField(label=_("Format"), widget=forms.RadioSelect, choices=[
        (Source.BOAMP, _("BOAMP open data (JSON: one record or the export's list)")),
        (Source.TED, _("TED eForms (XML: one notice or several)"))])
    file = forms.FileField(label=_("File"))
    dry_run = forms.BooleanField(label=_("Only show what would be created or updated"), required=False,
                                 initial=True)

    def __init__(self, *args, entities, **kwargs):
        super().__init__(*args, **kwargs)
        _entity_field(self, entities)


class NoticeForm(forms.Form):
    entity = forms.ModelChoiceField(label=_("Cooperative"), queryset=Entity.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, widget=forms.RadioSelect, initial=Kind.GRANT)
    title = forms.CharField(label=_("Title"), max_length=300)
    buyer = forms.CharField(label=_("Buyer or funder"), max_length=300, required=False)
    description = forms.CharField(label=_("Description"), required=False, max_length=20000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    cpv_codes = forms.CharField(label=_("CPV codes"), required=False, max_length=500,
                                help_text=_("Separated by commas, e.g. 77310000, 45112710."))
    department = forms.CharField(label=_("Department"), max_length=3, required=False,
                                 help_text=_("French notices: e.g. 44."))
    nuts = forms.CharField(label=_("NUTS code"), max_length=5, required=False,
                           help_text=_("e.g. FRG01, BE100."))
    postcode = forms.CharField(label=_("Postcode"), max_length=16, required=False)
    published_on = forms.DateField(label=_("Published on"), required=False, widget=DateInput)
    deadline = forms.DateTimeField(label=_("Deadline"), required=False, widget=DateTimeInput)
    link = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    estimated_value = forms.DecimalField(label=_("Estimated value excl. VAT (€)"), required=False, max_digits=14,
                                         decimal_places=2, min_value=0,
                                         widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))

    def __init__(self, *args, entities, **kwargs):
        super().__init__(*args, **kwargs)
        _entity_field(self, entities)

    def clean_cpv_codes(self):
        return [c.strip() for c in self.cleaned_data["cpv_codes"].replace(";", ",").split(",") if c.strip()]


class MappingForm(forms.Form):
    entity = forms.ModelChoiceField(label=_("Cooperative"), queryset=Entity.objects.none())
    trade = forms.ModelChoiceField(label=_("Trade"), queryset=Trade.objects.order_by("code"))
    cpv_prefix = forms.CharField(label=_("CPV codes starting with"), max_length=8, required=False,
                                 help_text=_("2 to 8 digits, e.g. 7731 for green areas."))
    keywords = forms.CharField(label=_("Keywords"), max_length=300, required=False,
                               help_text=_("Separated by commas, e.g. espaces verts, élagage."))

    def __init__(self, *args, entities, **kwargs):
        super().__init__(*args, **kwargs)
        _entity_field(self, entities)


class InviteForm(forms.Form):
    member = MemberChoice(label=_("Colleague"), queryset=Member.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=[(Role.PARTNER, Role.PARTNER.label),
                                                      (Role.SUBCONTRACTOR, Role.SUBCONTRACTOR.label)])
    share = forms.DecimalField(label=_("Share (%)"), min_value=0, max_value=100, max_digits=5, decimal_places=2,
                               initial=0, widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = colleagues


class SharesForm(forms.Form):
    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[f"share_{row.pk}"] = forms.DecimalField(
                label=str(row.member), min_value=0, max_value=100, max_digits=5, decimal_places=2, initial=row.share,
                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))

    def shares(self) -> dict:
        return {row.pk: self.cleaned_data[f"share_{row.pk}"] for row in self.rows}


class ItemForm(forms.Form):
    label = forms.CharField(label=_("To do"), max_length=200)
    who = MemberChoice(label=_("Who"), queryset=Member.objects.none(), required=False, empty_label=_("Nobody yet"))
    due_on = forms.DateField(label=_("By"), required=False, widget=DateInput)

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["who"].queryset = group


class FileForm(forms.Form):
    file = forms.FileField(label=_("Add a file to the folder"),
                           help_text=_("PDF, photo, office document, text: 10 MB at most."))


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("What happened"), widget=forms.RadioSelect, choices=[
        (AnswerState.WON, _("Won")), (AnswerState.LOST, _("Lost")), (AnswerState.ABANDONED, _("Abandoned"))])
    reason = forms.CharField(label=_("Why it was lost"), max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    won_amount = forms.DecimalField(label=_("Amount won excl. VAT (€)"), required=False, max_digits=14,
                                    decimal_places=2, min_value=0,
                                    widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
    starts_on = forms.DateField(label=_("Work from"), required=False, widget=DateInput)
    ends_on = forms.DateField(label=_("Work until"), required=False, widget=DateInput)
    activity = forms.ModelChoiceField(label=_("Your share goes to the activity"), queryset=Activity.objects.none(),
                                      required=False)

    def __init__(self, *args, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities
        if activities.count() == 1:
            self.fields["activity"].initial = activities.first()


class DeclareShareForm(forms.Form):
    activity = forms.ModelChoiceField(label=_("Activity"), queryset=Activity.objects.none())

    def __init__(self, *args, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities
        if activities.count() == 1:
            self.fields["activity"].initial = activities.first()


class AdminDocumentForm(forms.Form):
    entity = forms.ModelChoiceField(label=_("Cooperative"), queryset=Entity.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=AdminKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("File"))
    issued_on = forms.DateField(label=_("Issued on"), widget=DateInput)
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=DateInput)

    def __init__(self, *args, entities, **kwargs):
        super().__init__(*args, **kwargs)
        _entity_field(self, entities)
        if not self.is_bound:
            self.fields["issued_on"].initial = timezone.localdate()
            self.fields["expires_on"].initial = timezone.localdate() + datetime.timedelta(days=180)
