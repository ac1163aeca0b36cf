import datetime
import uuid
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .duration import MAX_MINUTES, format_minutes, parse_duration
from .models import GroupBy


class DurationField(forms.CharField):
    """Accepts "1h30", "90" (minutes), "2h", "45min", "1:15", "1,5h"; cleans to minutes."""

    def prepare_value(self, value):
        return format_minutes(value) if isinstance(value, int) else value

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update(
            {
                "inputmode": "text",
                "autocomplete": "off",
                "placeholder": "1h30",
                "maxlength": "20",
                "enterkeyhint": "next",
            }
        )
        return attrs

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        minutes = parse_duration(value)
        if minutes is None:
            raise ValidationError(
                _("Write the time as 1h30, 2h or a number of minutes such as 45."), code="invalid"
            )
        if minutes < 1:
            raise ValidationError(_("Enter at least one minute."), code="min")
        if minutes > MAX_MINUTES:
            raise ValidationError(_("A day has 24 hours: enter at most 24h."), code="max")
        return minutes


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeEntryForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    duration = DurationField(label=_("Time spent"), help_text=_("e.g. 1h30, 2h or 45 (minutes)."))
    client = forms.ModelChoiceField(
        label=_("Client"), queryset=None, required=False, empty_label=_("— no client —")
    )
    description = forms.CharField(
        label=_("What was done"),
        max_length=300,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "enterkeyhint": "done", "list": "recent-descriptions"}
        ),
    )
    billable = forms.BooleanField(label=_("Billable to the client"), required=False, initial=True)
    hourly_rate = forms.DecimalField(
        label=_("Hourly rate excl. VAT"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        help_text=_("Leave empty to use the client's or the activity's rate."),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    quote = forms.ModelChoiceField(
        label=_("Quote"),
        queryset=None,
        required=False,
        empty_label=_("— none —"),
        help_text=_("Time spent on a quoted job is billed by the quote, not by a statement."),
    )
    # One per form shown (the phone renews it after queuing an entry offline): sent twice, the
    # same entry is logged once (services.add_time_entry).
    client_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, clients, quotes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients
        self.fields["quote"].queryset = quotes
        self.fields["quote"].label_from_instance = lambda d: f"{d} · {d.client.name}"
        if not self.is_bound and "date" not in self.initial:
            self.initial["date"] = timezone.localdate()
        if not self.is_bound:
            self.initial["client_key"] = uuid.uuid4()


class ExpenseForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    client = forms.ModelChoiceField(
        label=_("Client"), queryset=None, empty_label=_("— choose a client —")
    )
    description = forms.CharField(label=_("What was bought"), max_length=300)
    amount = forms.DecimalField(
        label=_("Amount"),
        help_text=_("Excluding VAT."),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    vat_rate = forms.TypedChoiceField(label=_("VAT rate"), coerce=Decimal, choices=())

    def __init__(self, *args, clients, vat_rates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients
        self.fields["vat_rate"].choices = [(str(r.rate), r.label) for r in vat_rates]
        if not self.is_bound:
            self.initial.setdefault("date", timezone.localdate())
            self.initial.setdefault("vat_rate", str(vat_rates[0].rate))


class StatementForm(forms.Form):
    client = forms.ModelChoiceField(
        label=_("Client"), queryset=None, empty_label=_("— choose a client —")
    )
    period_start = forms.DateField(label=_("From"), widget=DateInput())
    period_end = forms.DateField(label=_("To"), widget=DateInput())
    group_by = forms.ChoiceField(label=_("Sections"), choices=GroupBy.choices, initial=GroupBy.WEEK)

    def __init__(self, *args, clients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients
        if not self.is_bound:
            today = timezone.localdate()
            first_of_month = today.replace(day=1)
            last_month_end = first_of_month - datetime.timedelta(days=1)
            # Early in the month one usually bills last month; later, the month so far.
            start, end = (
                (last_month_end.replace(day=1), last_month_end)
                if today.day <= 7
                else (first_of_month, today)
            )
            self.initial.setdefault("period_start", start)
            self.initial.setdefault("period_end", end)

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends before it starts."))
        return data


class RateForm(forms.Form):
    client = forms.ModelChoiceField(
        label=_("For"), queryset=None, required=False, empty_label=_("every client (default)")
    )
    hourly_rate = forms.DecimalField(
        label=_("Hourly rate excl. VAT"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        help_text=_("Leave empty to remove a client's own rate."),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )

    def __init__(self, *args, clients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients
