from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from compagnon.members.models import Member, Trade
from compagnon.organisation.models import Entity, Office

from .models import EventKind, Level

DATETIME = "%Y-%m-%dT%H:%M"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"


def place_key(place) -> str:
    return f"o{place.pk}" if isinstance(place, Office) else f"e{place.pk}"


def place_label(place, many_entities: bool) -> str:
    if isinstance(place, Office):
        return str(_("Office: %(name)s") % {"name": place.name})
    if many_entities:
        return str(_("Whole cooperative: %(name)s") % {"name": place.name})
    return str(_("Whole cooperative"))


class EventForm(forms.Form):
    where = forms.ChoiceField(label=_("For whom"))
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    title = forms.CharField(label=pgettext_lazy("event", "Title"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=4000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DateTimeInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False,
                            help_text=_("An address, or the room at the office."))
    online_url = forms.URLField(label=_("Online link"), max_length=500, required=False, assume_scheme="https",
                                help_text=_("For an event online, or to follow it from home."))
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=10000, required=False,
                                  help_text=_("Leave empty when there is no limit. Beyond it, a waiting list."))
    topic = forms.CharField(label=_("Training topic"), max_length=120, required=False,
                            widget=forms.TextInput(attrs={"list": "training-topics"}),
                            help_text=_("For a training only."))
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[("", "—"), *Level.choices])
    trainer = forms.EmailField(label=_("Trainer's email"), required=False,
                               help_text=_("A staff member or a member of the cooperative."))
    hours = forms.DecimalField(label=_("Duration (hours)"), max_digits=6, decimal_places=2, min_value=0.25,
                               max_value=1000, required=False,
                               widget=forms.NumberInput(attrs={"step": "0.25", "inputmode": "decimal"}))

    def __init__(self, *args, places, **kwargs):
        super().__init__(*args, **kwargs)
        many = len({p.pk for p in places if isinstance(p, Entity)} | {p.entity_id for p in places if isinstance(p, Office)}) > 1
        self.places = {place_key(p): p for p in places}
        self.fields["where"].choices = [(place_key(p), place_label(p, many)) for p in places]

    def clean_where(self):
        return self.places[self.cleaned_data["where"]]


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Why it is declined"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Message to the people registered"), max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class TrainingRequestForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=120,
                            widget=forms.TextInput(attrs={"list": "training-topics"}),
                            help_text=_("For example: bookkeeping basics, pricing my work, social media."))
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Anything to add"), max_length=300, required=False)


class OfferForm(forms.Form):
    trade = forms.ModelChoiceField(label=_("Trade"), queryset=Trade.objects.all())
    note = forms.CharField(label=_("What I can pass on"), max_length=300, required=False)
    capacity = forms.IntegerField(label=_("How many people at a time"), min_value=1, max_value=10, initial=1)


class AskForm(forms.Form):
    trade = forms.ModelChoiceField(label=_("Trade"), queryset=Trade.objects.all())
    note = forms.CharField(label=_("What I am looking for"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class MentorChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class AcceptForm(forms.Form):
    mentor = MentorChoice(label=_("Mentor"), queryset=Member.objects.none(), required=False)
    goals = forms.CharField(label=_("Goals"), max_length=1000, required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, mentors=None, **kwargs):
        super().__init__(*args, **kwargs)
        if mentors is None:
            del self.fields["mentor"]
        else:
            self.fields["mentor"].queryset = Member.objects.filter(pk__in=[m.pk for m in mentors]).select_related("user")
            self.fields["mentor"].required = True


class MeetingForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput)
    note = forms.CharField(label=_("What we talked about"), max_length=1000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
