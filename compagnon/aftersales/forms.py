"""Forms of the after-sales pages: they parse and check types; the business rules are the
services' (their ``ValidationError`` goes next to the fields)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Starts


class ReportForm(forms.Form):
    visit = forms.TypedChoiceField(label=_("Which visit?"), coerce=int, required=False)
    name = forms.CharField(label=_("Your name"), max_length=120)
    email = forms.EmailField(label=_("Email"), required=False,
                             help_text=_("We write to you there when your report moves on."))
    description = forms.CharField(
        label=pgettext_lazy("after-sales case", "The problem"), max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What is wrong, since when, where: anything that helps to understand."))
    # spam protection: a field people never see, and the signed time the form was shown
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, visits=None, **kwargs):
        super().__init__(*args, **kwargs)
        if visits is None:
            del self.fields["visit"]
        else:
            self.fields["visit"].required = True
            self.fields["visit"].choices = visits


class ClientMessageForm(forms.Form):
    body = forms.CharField(label=_("Your message"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class AnswerForm(forms.Form):
    body = forms.CharField(label=_("Answer to the client"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Why can you not take it?"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("The after-sales desk reads it and gives the case to a colleague."))


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("What was done"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
                                 help_text=_("The client reads it."))


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Why the report is rejected"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}), help_text=_("The client reads it."))


class AssignForm(forms.Form):
    member = forms.TypedChoiceField(label=_("Colleague"), coerce=int)

    def __init__(self, *args, colleagues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [
            (c.member.pk, f"{c.label} · {c.km} km" if c.km is not None else c.label) for c in colleagues]
        self.colleagues = {c.member.pk: c.member for c in colleagues}


class WarrantyRuleForm(forms.Form):
    entity = forms.TypedChoiceField(label=_("Entity"), coerce=int)
    trade = forms.TypedChoiceField(label=_("Trade"), coerce=int, required=False, empty_value=None)
    service = forms.TypedChoiceField(label=_("Service"), coerce=int, required=False, empty_value=None,
                                     help_text=_("A service of the catalogue: more precise than its trade."))
    days = forms.IntegerField(label=pgettext_lazy("warranty", "Days of warranty"), min_value=1, max_value=3660)
    starts_from = forms.ChoiceField(label=pgettext_lazy("warranty", "Counted from"), choices=Starts.choices)

    def __init__(self, *args, entities=(), trades=(), services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entity"].choices = [(e.pk, e.name) for e in entities]
        if len(self.fields["entity"].choices) == 1:
            self.fields["entity"].widget = forms.HiddenInput()
            self.initial.setdefault("entity", self.fields["entity"].choices[0][0])
        self.fields["trade"].choices = [("", "—")] + [(t.pk, t.name) for t in trades]
        self.fields["service"].choices = [("", "—")] + [(s.pk, f"{s.name} ({s.trade.name})") for s in services]
