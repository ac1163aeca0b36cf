"""Forms of the field-service pages: they parse and check types; the business rules are the
services' (their ``ValidationError`` goes next to the fields)."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Contract, InvoicingPeriod, Pricing, Service

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
MONTHS = [
    (1, _("January")),
    (2, _("February")),
    (3, _("March")),
    (4, _("April")),
    (5, _("May")),
    (6, _("June")),
    (7, _("July")),
    (8, _("August")),
    (9, _("September")),
    (10, _("October")),
    (11, _("November")),
    (12, _("December")),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class PublicRequestForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Email"))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    street = forms.CharField(label=_("Street and number"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=16)
    city = forms.CharField(label=_("Commune"), max_length=100)
    services = forms.ModelMultipleChoiceField(
        label=_("What do you need?"),
        queryset=Service.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label=_("The work"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What is to be done, the size of the garden or the device, anything useful."),
    )
    wished_from = forms.DateField(label=_("Wished from"), required=False, widget=DateInput())
    wished_until = forms.DateField(label=_("Wished until"), required=False, widget=DateInput())
    # spam protection: a field people never see, and the signed time the form was shown
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = services
        self.fields["services"].label_from_instance = lambda s: f"{s.name} ({s.trade.name})"


class RequestPhotoForm(forms.Form):
    photo = forms.ImageField(label=_("Photo"))


class TakeForm(forms.Form):
    activity = forms.TypedChoiceField(label=_("For the activity"), coerce=int)

    def __init__(self, *args, activities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = [(a.pk, a.name) for a in activities]
        self.activities = {a.pk: a for a in activities}


class ProposeForm(forms.Form):
    member = forms.TypedChoiceField(label=_("Member"), coerce=int)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(m.pk, str(m)) for m in members]


class ServiceForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = [
            "trade",
            "name_fr",
            "name_nl",
            "name_en",
            "unit",
            "unit_price",
            "vat_rate",
            "minutes",
            "home_services",
            "active",
        ]


class ContractForm(forms.ModelForm):
    class Meta:
        model = Contract
        fields = [
            "name",
            "client",
            "member",
            "sector",
            "starts_on",
            "ends_on",
            "renews_yearly",
            "pricing",
            "price",
            "vat_rate",
            "yearly_hours",
            "invoicing",
            "client_validates_sheets",
            "home_services",
            "immediate_advance",
            "street",
            "postcode",
            "city",
            "country",
            "access_notes",
        ]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "access_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, clients=None, members=None, sectors=None, **kwargs):
        super().__init__(*args, **kwargs)
        if clients is not None:
            self.fields["client"].queryset = clients
        self.fields["member"].queryset = members
        self.fields["sector"].queryset = sectors
        self.fields["pricing"].choices = Pricing.choices
        self.fields["invoicing"].choices = InvoicingPeriod.choices
        for name in ("street", "postcode", "city"):
            self.fields[name].required = False
            self.fields[name].help_text = _("Empty: the client's address.")


class RecurrenceForm(forms.Form):
    months = forms.TypedMultipleChoiceField(
        label=_("Months"), choices=MONTHS, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    every_weeks = forms.IntegerField(label=_("Every … weeks"), min_value=1, max_value=52, initial=2)
    weekday = forms.TypedChoiceField(label=_("Day of the week"), choices=WEEKDAYS, coerce=int)
    start_time = forms.TimeField(
        label=_("Start time"), required=False, widget=TimeInput(), initial=datetime.time(9, 0)
    )
    minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=15, max_value=720, initial=120
    )


RecurrenceFormSet = forms.formset_factory(RecurrenceForm, extra=1, max_num=6, can_delete=True)


class TaskForm(forms.Form):
    name = forms.CharField(label=_("Task"), max_length=200)
    every_visit = forms.BooleanField(
        label=_("At every visit"),
        required=False,
        initial=True,
        help_text=_("Untick for a task the client may choose for a visit."),
    )


TaskFormSet = forms.formset_factory(TaskForm, extra=2, max_num=30, can_delete=True)


class GenerateForm(forms.Form):
    until = forms.DateField(label=_("Generate the visits until"), widget=DateInput())


class PlanForm(forms.Form):
    """The non-JavaScript fallback of drag and drop (and what the script posts)."""

    member = forms.TypedChoiceField(label=_("Member"), coerce=int)
    day = forms.DateField(label=_("Day"), widget=DateInput())
    time = forms.TimeField(label=_("Start time"), required=False, widget=TimeInput())

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(m.pk, str(m)) for m in members]


class UnavailabilityForm(forms.Form):
    starts_at = forms.DateTimeField(label=pgettext_lazy("period", "From"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=pgettext_lazy("period", "Until"), widget=DateTimeInput())
    reason = forms.CharField(label=_("Reason (optional)"), max_length=200, required=False)


class SlotForm(forms.Form):
    sector = forms.TypedChoiceField(label=_("Sector"), coerce=int)
    activity = forms.TypedChoiceField(label=_("Activity"), coerce=int)
    starts_at = forms.DateTimeField(label=pgettext_lazy("period", "From"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=pgettext_lazy("period", "Until"), widget=DateTimeInput())
    deposit = forms.DecimalField(
        label=_("Deposit paid online (€, incl. VAT)"),
        min_value=0,
        max_digits=10,
        decimal_places=2,
        required=False,
    )

    def __init__(self, *args, sectors=(), activities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [(s.pk, s.name) for s in sectors]
        self.fields["activity"].choices = [(a.pk, a.name) for a in activities]


class BookingForm(forms.Form):
    slot = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Email"))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    street = forms.CharField(label=_("Street and number"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=16)
    city = forms.CharField(label=_("Commune"), max_length=100)
    description = forms.CharField(
        label=_("The work"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    started = forms.CharField(widget=forms.HiddenInput)
