from django import forms
from django.utils.translation import gettext_lazy as _

from compagnon.fieldwork.forms import DateTimeInput
from compagnon.members.models import Trade

from .models import MOVABLE_STEPS, RefusalReason


class ApplyForm(forms.Form):
    office = forms.TypedChoiceField(label=_("Office"), coerce=int, required=False, empty_value=None,
                                    help_text=_("Leave empty: we choose the office nearest to your postcode."))
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("Email"))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    trades = forms.ModelMultipleChoiceField(label=_("Your trade(s)"), queryset=Trade.objects.all(),
                                            widget=forms.CheckboxSelectMultiple)
    postcode = forms.CharField(label=_("Postcode"), max_length=16)
    city = forms.CharField(label=_("Commune"), max_length=100)
    zone_km = forms.IntegerField(label=_("Distance you can travel (km)"), min_value=1, max_value=200, initial=20)
    experience = forms.CharField(label=_("Your experience"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
                                 help_text=_("Your trade, for how long, your training, your clients so far."))
    availability = forms.CharField(label=_("Your availability"), max_length=500,
                                   help_text=_("From when, how many days a week, any constraint."))
    motivation = forms.CharField(label=_("Why the cooperative?"), max_length=4000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 4}))
    consent = forms.BooleanField(
        label=_("I agree that the cooperative keeps my data to study my application. If it is not accepted, "
                "my data and documents are deleted two years later."),
    )
    call = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    # spam protection: a field people never see, and the signed time the form was shown
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, offices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trades"].label_from_instance = lambda t: t.name
        offices = list(offices)
        self.fields["office"].choices = [("", _("The nearest to my postcode")), *[(o.pk, o.name) for o in offices]]
        self.offices = {o.pk: o for o in offices}
        if len(offices) <= 1:
            self.fields["office"].widget = forms.HiddenInput()


class MoveForm(forms.Form):
    step = forms.ChoiceField(label=_("Move to"), choices=MOVABLE_STEPS)
    note = forms.CharField(label=_("Note (optional)"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class RefuseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=RefusalReason.choices)
    note = forms.CharField(label=_("Message to the applicant"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Sent with the reason, in a polite email. Required for “other reason”."))


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class MeetingForm(forms.Form):
    office = forms.TypedChoiceField(label=_("Office"), coerce=int)
    starts_at = forms.DateTimeField(label=_("Date and time"), widget=DateTimeInput(),
                                    input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=15, max_value=480, initial=90)
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=500, initial=12)

    def __init__(self, *args, offices=(), **kwargs):
        super().__init__(*args, **kwargs)
        offices = list(offices)
        self.fields["office"].choices = [(o.pk, f"{o.name} ({o.entity.name})") for o in offices]
        self.offices = {o.pk: o for o in offices}


class SignUpForm(forms.Form):
    application = forms.TypedChoiceField(label=_("Applicant"), coerce=int)

    def __init__(self, *args, applications=(), **kwargs):
        super().__init__(*args, **kwargs)
        applications = list(applications)
        self.fields["application"].choices = [(a.pk, a.full_name) for a in applications]
        self.applications = {a.pk: a for a in applications}


class CallForm(forms.Form):
    trade = forms.ModelChoiceField(label=_("Trade"), queryset=Trade.objects.all())
    entity = forms.TypedChoiceField(label=_("Cooperative"), coerce=int)
    postcode = forms.CharField(label=_("Postcode"), max_length=16, required=False)
    city = forms.CharField(label=_("Commune"), max_length=100, required=False)
    text = forms.CharField(label=_("What we offer"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    requests_count = forms.IntegerField(required=False, min_value=0, max_value=100000, widget=forms.HiddenInput)

    def __init__(self, *args, entities=(), **kwargs):
        super().__init__(*args, **kwargs)
        entities = list(entities)
        self.fields["trade"].label_from_instance = lambda t: t.name
        self.fields["entity"].choices = [(e.pk, e.name) for e in entities]
        self.entities = {e.pk: e for e in entities}
        if len(entities) <= 1:
            self.fields["entity"].widget = forms.HiddenInput()
