from django import forms
from django.utils.translation import gettext_lazy as _

from . import access, hooks
from .models import ZONE_KM_MAX
from .search import DEFAULT_KM, MAX_KM


class SearchForm(forms.Form):
    """Shown with what was typed; the request is read by ``search.read_criteria``."""

    q = forms.CharField(
        label=_("Keywords"), required=False, max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("A name, a skill, a word…")}),
    )
    trade = forms.ChoiceField(label=_("Trade"), required=False)
    skill = forms.CharField(label=_("Skill"), required=False, max_length=100)
    language = forms.CharField(label=_("Language spoken"), required=False, max_length=60)
    postcode = forms.CharField(
        label=_("Near (postcode or commune)"), required=False, max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    km = forms.IntegerField(
        label=_("Within (km)"), required=False, min_value=1, max_value=MAX_KM, initial=DEFAULT_KM,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, trades=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trade"].choices = [("", _("All trades"))] + [(t.code, t.name) for t in trades]
        for name, (label, _condition) in hooks.filters().items():  # the upper apps' yes/no criteria
            self.fields[name] = forms.BooleanField(label=label, required=False)

    def flag_fields(self):
        return [self[name] for name in hooks.filters() if name in self.fields]


class ProfileForm(forms.Form):
    headline = forms.CharField(
        label=_("Text shown under your name"), max_length=120, required=False,
        help_text=_("One line under your name, e.g. “Ecological gardening around Nantes”."),
    )
    website = forms.URLField(label=_("Address of your website"), max_length=200, required=False, assume_scheme="https")
    zone_city = forms.CharField(label=_("Zone served: commune"), max_length=100, required=False)
    zone_postcode = forms.CharField(label=_("Zone served: postcode"), max_length=16, required=False)
    zone_km = forms.IntegerField(
        label=_("Zone served: radius (km)"), min_value=1, max_value=ZONE_KM_MAX, required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in access.FIELD_NAMES:
            self.fields[f"{name}_visibility"] = forms.TypedChoiceField(
                label=_("Who sees it"), choices=access.visibility_choices(name), coerce=int,
            )

    def visibility_field(self, name):
        return self[f"{name}_visibility"]


class ShowcaseForm(forms.Form):
    enabled = forms.BooleanField(label=_("Show this activity on a public page"), required=False)
    show_name = forms.BooleanField(label=_("Show my name on it"), required=False)


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your email"), help_text=_("So that they can answer you."))
    message = forms.CharField(label=_("Your message"), max_length=3000, widget=forms.Textarea(attrs={"rows": 6}))
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    started = forms.CharField(widget=forms.HiddenInput)
