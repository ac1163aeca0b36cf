from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compagnon.accounts.models import User

from .models import AppointmentKind, QuestionKind, StepOwner

DURATIONS = [(30, _("30 minutes")), (45, _("45 minutes")), (60, _("1 hour")), (90, _("1 hour 30")),
             (120, _("2 hours")), (180, _("3 hours"))]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _datetime_field():
    return forms.DateTimeField(label=_("Date and time"), widget=DateTimeInput,
                               input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"])


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class WhenWhereForm(forms.Form):
    starts_at = _datetime_field()
    duration_minutes = forms.TypedChoiceField(label=_("Duration"), choices=DURATIONS, coerce=int, initial=60)
    place = forms.CharField(label=_("Place"), max_length=200, required=False,
                            help_text=_("An address, the office, or “by phone”."))
    video_url = forms.URLField(label=_("Video link"), max_length=500, required=False, assume_scheme="https",
                               help_text=_("Instead of a place: the link of the video call."))


class AppointmentForm(WhenWhereForm):
    topic = forms.CharField(label=_("Topic"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=AppointmentKind.choices, initial=AppointmentKind.FOLLOW_UP)
    field_order = ["topic", "kind", "starts_at", "duration_minutes", "place", "video_url"]


class NotesForm(forms.Form):
    notes = forms.CharField(label=_("Notes"), required=False, max_length=10000,
                            widget=forms.Textarea(attrs={"rows": 6}),
                            help_text=_("What was said, what you noticed. Private unless you share them."))
    notes_shared = forms.BooleanField(label=_("Share these notes with the member"), required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=300, required=False)


class StepForm(forms.Form):
    text = forms.CharField(label=_("Next step"), max_length=300,
                           help_text=_("For example: send the last three invoices."))
    owner = forms.ChoiceField(label=_("Who does it"), choices=StepOwner.choices, initial=StepOwner.MEMBER,
                              widget=forms.RadioSelect)
    due_on = forms.DateField(label=_("Due on"), widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["due_on"].initial = timezone.localdate() + datetime.timedelta(days=14)


class RequestForm(forms.Form):
    topic = forms.CharField(label=_("What would you like to talk about?"), max_length=200)
    message = forms.CharField(label=_("Message (optional)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    preferred = forms.CharField(label=_("When suits you"), required=False, max_length=300,
                                help_text=_("For example: Tuesday or Thursday mornings."))
    by_video = forms.BooleanField(label=_("By video rather than in person"), required=False)


class AcceptForm(WhenWhereForm):
    topic = forms.CharField(label=_("Topic"), max_length=200)
    field_order = ["starts_at", "duration_minutes", "place", "video_url", "topic"]


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Why (the member reads it)"), max_length=300)


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("For example: Yearly review."))
    intro = forms.CharField(label=_("Introduction"), required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("Printed at the top of each review: what it is for, how it goes."))
    active = forms.BooleanField(label=_("In use (offered for new reviews)"), required=False, initial=True)


class QuestionForm(forms.Form):
    section = forms.CharField(label=_("Section"), max_length=120, required=False,
                              help_text=_("For example: Activity figures, Goals, Training needs."))
    label = forms.CharField(label=_("Question"), max_length=300, required=False)
    help = forms.CharField(label=_("Hint"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Answer"), choices=QuestionKind.choices, initial=QuestionKind.LONG_TEXT)


QuestionFormSet = forms.formset_factory(QuestionForm, extra=3, max_num=60, validate_max=True)


class ReviewStartForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    template = forms.ModelChoiceField(label=_("Template"), queryset=None)

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        year = timezone.localdate().year
        self.fields["year"].choices = [(y, str(y)) for y in (year, year - 1, year + 1)]
        self.fields["template"].queryset = templates
        if templates.count() == 1 and not self.is_bound:
            self.fields["template"].initial = templates.first()


class ReviewForm(forms.Form):
    """One field per frozen question (``q_<id>``), then the conclusion."""

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        for q in review.questions:
            name, label, help_text = f"q_{q['id']}", q["label"], q.get("help", "")
            if q["kind"] == QuestionKind.NUMBER:
                field = forms.CharField(label=label, help_text=help_text, required=False, max_length=30,
                                        widget=forms.TextInput(attrs={"inputmode": "decimal"}))
            elif q["kind"] == QuestionKind.YES_NO:
                field = forms.ChoiceField(label=label, help_text=help_text, required=False,
                                          choices=[("", "—"), ("yes", _("yes")), ("no", _("no"))])
            elif q["kind"] == QuestionKind.TEXT:
                field = forms.CharField(label=label, help_text=help_text, required=False, max_length=300)
            else:
                field = forms.CharField(label=label, help_text=help_text, required=False, max_length=5000,
                                        widget=forms.Textarea(attrs={"rows": 3}))
            field.section = q.get("section", "")
            self.fields[name] = field
            self.initial.setdefault(name, review.answers.get(str(q["id"]), ""))
        self.fields["summary"] = forms.CharField(label=_("Conclusion"), required=False, max_length=5000,
                                                 widget=forms.Textarea(attrs={"rows": 4}))
        self.fields["summary"].section = _("Conclusion")
        self.initial.setdefault("summary", review.summary)

    def answers(self) -> dict:
        return {k[2:]: v for k, v in self.cleaned_data.items() if k.startswith("q_")}

    def grouped(self) -> list[tuple[str, list]]:
        out: list[tuple[str, list]] = []
        for bound in self:
            section = getattr(self.fields[bound.name], "section", "")
            if not out or out[-1][0] != section:
                out.append((section, []))
            out[-1][1].append(bound)
        return out


class AbsenceForm(forms.Form):
    entity = forms.ModelChoiceField(label=_("Entity"), queryset=None)
    advisor = PersonChoice(label=_("Advisor away"), queryset=User.objects.none())
    starts_on = forms.DateField(label=_("First day away"), widget=DateInput)
    ends_on = forms.DateField(label=_("Last day away"), widget=DateInput)
    relay = PersonChoice(label=_("Relay advisor"), queryset=User.objects.none(),
                         help_text=_("Sees your members, their appointments and notes during your absence."))
    message = forms.CharField(label=_("Message to your members (optional)"), max_length=300, required=False)

    def __init__(self, *args, entities, advisors, may_choose_advisor: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entity"].queryset = entities
        if len(entities) == 1:
            self.fields["entity"].initial = entities[0].pk
            self.fields["entity"].widget = forms.HiddenInput()
        self.fields["advisor"].queryset = advisors
        self.fields["relay"].queryset = advisors
        if not may_choose_advisor:
            del self.fields["advisor"]
