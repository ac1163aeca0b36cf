from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compagnon.members.models import Maturity, MemberStatus, Trade

from .models import LANGS, Kind, Mode
from .services import BODY_LABELS, MAX_BODY, MAX_SUBJECT, SUBJECT_LABELS

STATUS_CHOICES = [(s.value, s.label) for s in MemberStatus if s != MemberStatus.LEFT]


class PreferencesForm(forms.Form):
    """One choice per kind of communication, then the topics the member is interested in."""

    interests = forms.MultipleChoiceField(label=_("Topics that interest me"), required=False,
                                          widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, interests=(), **kwargs):
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[f"mode_{kind.value}"] = forms.ChoiceField(label=kind.label, choices=Mode.choices,
                                                                  widget=forms.RadioSelect)
        self.fields["interests"].choices = [(str(i.pk), i.name) for i in interests]
        self.order_fields([f"mode_{k}" for k in Kind.values] + ["interests"])

    def mode_fields(self):
        return [self[f"mode_{k}"] for k in Kind.values]

    @property
    def modes(self) -> dict:
        return {k: self.cleaned_data[f"mode_{k}"] for k in Kind.values}


class TrueDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ScheduleForm(forms.Form):
    at = forms.DateTimeField(label=_("Send on"), widget=TrueDateTimeInput,
                             input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                             help_text=_("Date and time, your local time."))

    def clean_at(self):
        value = self.cleaned_data["at"]
        return timezone.make_aware(value) if timezone.is_naive(value) else value


MAX_ID = 2**63 - 1


class IdsChoice(forms.ModelMultipleChoiceField):
    """Ids checked as whole numbers the database can hold before any query (a hostile
    "99999999999999999999" is an invalid choice, not a server error)."""

    def _check_values(self, value):
        for pk in value:
            try:
                ok = 1 <= int(str(pk)) <= MAX_ID
            except (TypeError, ValueError):
                ok = False
            if not ok:
                raise forms.ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                            params={"pk": pk})
        return super()._check_values(value)


class TradeChoice(IdsChoice):
    def label_from_instance(self, obj):
        return obj.name


class MailingForm(forms.Form):
    """A mailing: kind, channels, the texts in each language (the entity's first), the audience."""

    kind = forms.ChoiceField(label=_("Kind of communication"), choices=Kind.choices,
                             help_text=_("Members choose how they get each kind: by email, in the app, or not at all."))
    is_service = forms.BooleanField(
        label=_("Service message (reaches everyone in the audience whatever their preferences)"), required=False,
        help_text=_("Only for legal or service messages, such as a general assembly convocation."))
    send_email = forms.BooleanField(label=_("Send by email"), required=False, initial=True)
    publish_news = forms.BooleanField(label=_("Publish as news in the app"), required=False)
    offices = IdsChoice(label=_("Offices"), required=False, queryset=None,
                                             widget=forms.CheckboxSelectMultiple)
    postcode_prefixes = forms.CharField(
        label=_("Postcodes starting with"), required=False, max_length=300,
        help_text=_("Separated by commas, for example 44, 49 or 1000, 1050. Empty: everywhere."))
    trades = TradeChoice(label=_("Trades"), required=False, queryset=Trade.objects.order_by("code"),
                         widget=forms.CheckboxSelectMultiple)
    maturities = forms.MultipleChoiceField(label=_("Maturity"), required=False, choices=Maturity.choices,
                                           widget=forms.CheckboxSelectMultiple)
    statuses = forms.MultipleChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES,
                                         widget=forms.CheckboxSelectMultiple)
    interests = IdsChoice(label=_("Declared interests"), required=False, queryset=None,
                                               widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, entity, offices, interests, may_send_service: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.entity = entity
        self.fields["offices"].queryset = offices
        self.fields["interests"].queryset = interests
        if not may_send_service:
            del self.fields["is_service"]
        for code in self.languages:
            self.fields[f"subject_{code}"] = forms.CharField(label=SUBJECT_LABELS[code], required=False,
                                                             max_length=MAX_SUBJECT)
            self.fields[f"body_{code}"] = forms.CharField(
                label=BODY_LABELS[code], required=False, max_length=MAX_BODY,
                widget=forms.Textarea(attrs={"rows": 10}),
                help_text=_("Markdown: **bold**, *italics*, - lists, [link](https://…), ## heading."))

    @property
    def languages(self) -> list[str]:
        main = self.entity.default_language
        return [main] + [c for c in LANGS if c != main]

    def main_texts(self):
        return [(self[f"subject_{c}"], self[f"body_{c}"]) for c in self.languages[:1]]

    def other_texts(self):
        return [(self[f"subject_{c}"], self[f"body_{c}"]) for c in self.languages[1:]]

    def others_open(self) -> bool:
        """The other languages' fold starts open when one of them is written or wrong."""
        for code in self.languages[1:]:
            for name in (f"subject_{code}", f"body_{code}"):
                if self[name].errors or self[name].value():
                    return True
        return False

    def multiple_fields(self):
        return [self[n] for n in ("trades", "maturities", "statuses", "interests")]


class InterestForm(forms.Form):
    name_fr = forms.CharField(label=_("Name in French"), required=False, max_length=80)
    name_nl = forms.CharField(label=_("Name in Dutch"), required=False, max_length=80)
    name_en = forms.CharField(label=_("Name in English"), required=False, max_length=80)
    position = forms.IntegerField(label=_("Position in the list"), required=False, min_value=0, max_value=999,
                                  initial=0)
    archived = forms.BooleanField(label=_("Archived: members no longer see it"), required=False)
