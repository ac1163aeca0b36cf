import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from . import files
from .models import EmailFrequency
from .services import MAX_BODY, MAX_SUBJECT


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def _help_files():
    return _("Photos, PDF, text or office documents; up to %(n)s files of %(mb)s MB each.") % {
        "n": files.MAX_FILES, "mb": files.MAX_BYTES // 1048576}


class MessageFields(forms.Form):
    """The message part shared by a new conversation and a reply."""

    body = forms.CharField(
        label=_("Message"), required=False, max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 5, "autocomplete": "off"}),
    )
    attachments = MultipleFileField(label=_("Attach files"), required=False)
    client_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _help_files()
        if not self.is_bound:
            self.fields["client_key"].initial = uuid.uuid4()


class ReplyForm(MessageFields):
    pass


class ComposeForm(MessageFields):
    """``to`` is validated against the people the writer may reach; the page renders the chosen
    people and the search results itself (never a list of the whole cooperative)."""

    to = forms.ModelMultipleChoiceField(label=_("To"), queryset=None, required=False,
                                        widget=forms.MultipleHiddenInput)
    subject = forms.CharField(label=_("Subject (optional)"), required=False, max_length=MAX_SUBJECT)

    field_order = ["to", "subject", "body", "attachments", "client_key"]

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = people
        self.fields["to"].error_messages["invalid_choice"] = _(
            "You can write to the members and the staff of your cooperative only."
        )
        self.fields["to"].error_messages["invalid_pk_value"] = _("Choose people from the list.")


class ReportForm(forms.Form):
    reported = forms.ModelChoiceField(label=_("Whose messages are a problem?"), queryset=None, required=False,
                                      empty_label=_("Not one person in particular"))
    reason = forms.CharField(
        label=_("What is the problem?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The cooperative's administrators will read this conversation up to now, and your reason."),
    )

    def __init__(self, *args, others, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reported"].queryset = others
        if len(others) == 1:
            self.fields["reported"].initial = others[0].pk if hasattr(others, "__getitem__") else None


class DecisionForm(forms.Form):
    DECISIONS = [
        ("close", _("Close the report: nothing to do")),
        ("warn", _("Warn the person reported")),
        ("suspend", _("Suspend their writing of messages")),
    ]
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("What the person is told"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed to warn or suspend: the person reported reads it."),
    )
    until = forms.DateField(label=_("Suspended until (included)"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}),
                            help_text=_("Leave empty to suspend until an administrator lifts it."))


class PreferenceForm(forms.Form):
    email_frequency = forms.ChoiceField(label=_("Emails about new messages"), choices=EmailFrequency.choices,
                                        widget=forms.RadioSelect)
