from django import forms
from django.utils.translation import gettext_lazy as _

from .models import LANGUAGES, ActivityPreference, CaseStatus, CollectionPlan, PlanStep
from .texts import PLACEHOLDERS


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = ActivityPreference
        fields = ["ask_before_formal_notice", "ask_before_every_step", "paused"]
        help_texts = {
            "ask_before_formal_notice": _("A formal notice waits for your OK before it goes."),
            "ask_before_every_step": _("Every reminder waits for your OK too."),
            "paused": _("Nothing is sent for this activity until you resume; what was due meanwhile is announced "
                        "again first."),
        }


class PlanForm(forms.ModelForm):
    class Meta:
        model = CollectionPlan
        fields = ["name", "active", "rate_basis", "contract_rate", "consumer_clause"]


def _placeholder_help() -> str:
    return ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)


class StepForm(forms.ModelForm):
    """A step and its text in each language (empty: the built-in text, translated)."""

    class Meta:
        model = PlanStep
        fields = ["order", "kind", "label", "delay_days", "channel", "requires_approval", "announce_days_before"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        existing = {t.language: t for t in self.instance.templates.all()} if self.instance.pk else {}
        for code, name in LANGUAGES:
            t = existing.get(code)
            self.fields[f"subject_{code}"] = forms.CharField(
                label=_("Subject (%(language)s)") % {"language": name}, required=False, max_length=200,
                initial=t.subject if t else "")
            self.fields[f"body_{code}"] = forms.CharField(
                label=_("Message (%(language)s)") % {"language": name}, required=False,
                widget=forms.Textarea(attrs={"rows": 8}), initial=t.body if t else "",
                help_text=_("Empty: the built-in text. Placeholders: %(names)s.") % {"names": _placeholder_help()})
        if self.instance.pk and self.instance.actions.exists():
            self.fields["kind"].disabled = True

    def texts_by_language(self) -> dict:
        return {code: (self.cleaned_data.get(f"subject_{code}", ""), self.cleaned_data.get(f"body_{code}", ""))
                for code, _name in LANGUAGES}

    def step_fields(self) -> dict:
        return {k: self.cleaned_data[k] for k in self.Meta.fields if k in self.cleaned_data}


class CaseStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CaseStatus.choices)


class CaseAssignForm(forms.Form):
    assigned_to = forms.TypedChoiceField(label=_("Agent"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, agents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].choices = [("", _("nobody"))] + [(u.pk, str(u)) for u in agents]


class CaseNoteForm(forms.Form):
    body = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    for_member = forms.BooleanField(label=_("The member sees this note"), required=False)


class CaseFileForm(forms.Form):
    file = forms.FileField(label=_("File"))
    for_member = forms.BooleanField(label=_("The member sees this file"), required=False)
