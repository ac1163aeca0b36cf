import uuid

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from compagnon.accounts.models import SupportService

from .attachments import MAX_BYTES, MAX_FILES
from .models import Priority

# what each service helps with, shown under its name on the "new request" page
SERVICE_HELP = {
    SupportService.ACCOUNTING: _("Bookkeeping, VAT, your activity's figures, expenses."),
    SupportService.LEGAL: _("Contracts, terms of sale, insurance, a dispute."),
    SupportService.COLLECTIONS: _("A client who does not pay."),
    SupportService.IT: _("Compagnon, your account, your computer tools."),
    SupportService.SOCIAL: _("Your employment contract, salary, payslips, leave, social security."),
    SupportService.CLIENT_RELATIONS: _("Finding clients, a quote, a difficult client."),
    SupportService.COMMUNICATION: _("Your brand, website, leaflets, social networks."),
}
ACCEPT = ".pdf,.jpg,.jpeg,.png,.webp,.gif,.txt,.csv,.docx,.xlsx,.pptx,.odt,.ods,image/*,application/pdf"


def _files_help() -> str:
    return gettext("Up to %(n)s files of %(mb)s MB: PDF, photos, text, office documents.") % {
        "n": MAX_FILES, "mb": MAX_BYTES // 1048576}


files_help = lazy(_files_help, str)  # the form classes are built at import: read in the page's language


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True, "accept": ACCEPT}))
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Files"))
        kwargs.setdefault("help_text", files_help())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class Keyed(forms.Form):
    # made when the form is shown: sent twice (a double tap, a resend), stored once
    client_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["client_key"].initial = uuid.uuid4()


# the order of the "new request" page: the services members ask most first
SERVICE_ORDER = ["accounting", "legal", "collections", "it", "social", "client_relations", "communication"]


class RequestForm(Keyed):
    service = forms.ChoiceField(label=_("Who can help you?"),
                                choices=sorted(SupportService.choices, key=lambda c: SERVICE_ORDER.index(c[0])
                                               if c[0] in SERVICE_ORDER else len(SERVICE_ORDER)),
                                widget=forms.RadioSelect)
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False,
                              help_text=_("A few words. Left empty, the start of your message is used."))
    body = forms.CharField(label=_("Your question"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 7}))
    activity = forms.ModelChoiceField(label=_("About one of your activities"), queryset=None, required=False,
                                      empty_label=_("None in particular"))
    document = forms.ChoiceField(label=_("About one of your documents"), required=False)
    attachments = MultipleFileField()

    def __init__(self, *args, activities, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities
        self.documents = {str(d.pk): d for d in documents}
        self.fields["document"].choices = [("", _("None in particular"))] + [
            (str(d.pk), f"{d.number or _('draft')} · {d.get_kind_display()} · {d.client.name}") for d in documents]

    def service_options(self):
        """(radio, what the service helps with) for the page."""
        return [(radio, SERVICE_HELP.get(radio.data["value"], "")) for radio in self["service"]]

    def clean_document(self):
        value = self.cleaned_data.get("document")
        return self.documents.get(value) if value else None


class ReplyForm(Keyed):
    body = forms.CharField(label=_("Your message"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 4}))
    attachments = MultipleFileField()


class AnswerForm(Keyed):
    MODES = [
        ("answer", pgettext_lazy("support answer mode", "Answer")),
        ("ask", pgettext_lazy("support answer mode", "Ask the member (the clock pauses)")),
        ("note", pgettext_lazy("support answer mode", "Internal note (the member never sees it)")),
    ]
    mode = forms.ChoiceField(label=_("What you write"), choices=MODES, initial="answer", widget=forms.RadioSelect)
    body = forms.CharField(label=_("Text"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 6}))
    attachments = MultipleFileField()


class AssignForm(forms.Form):
    assigned_to = forms.TypedChoiceField(label=_("Given to"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {u.pk: u for u in people}
        self.fields["assigned_to"].choices = [("", _("Nobody (the service)"))] + [
            (u.pk, u.get_full_name() or u.email) for u in people]


class PriorityForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)


class CannedForm(forms.Form):
    entity = forms.TypedChoiceField(label=_("Entity"), coerce=int)
    service = forms.ChoiceField(label=pgettext_lazy("support desk", "Service"))
    title = forms.CharField(label=pgettext_lazy("canned answer", "Title"), max_length=120)
    body = forms.CharField(label=_("Text"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("{first_name} becomes the member's first name, {agent} your name."))

    def __init__(self, *args, entities, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.entities = {e.pk: e for e in entities}
        self.fields["entity"].choices = [(e.pk, e.name) for e in entities]
        self.fields["service"].choices = services
        if len(entities) == 1:
            self.fields["entity"].initial = entities[0].pk
            self.fields["entity"].widget = forms.HiddenInput()


class TimeInput(forms.TimeInput):
    input_type = "time"


class SettingsForm(forms.Form):
    day_starts = forms.TimeField(label=_("Office hours start"), widget=TimeInput(format="%H:%M"))
    day_ends = forms.TimeField(label=_("Office hours end"), widget=TimeInput(format="%H:%M"))
    reopen_days = forms.IntegerField(label=_("A member may reopen a closed request within (days)"), min_value=0,
                                     max_value=365)

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.grid = []
        for service, label in services:
            row = []
            for priority, plabel in Priority.choices:
                name = f"target_{service}_{priority}"
                self.fields[name] = forms.IntegerField(label=plabel, min_value=1, max_value=2000,
                                                       widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
                row.append(self[name])
            self.grid.append((service, label, row))

    def targets(self) -> dict:
        return {(s, p): self.cleaned_data[f"target_{s}_{p}"] for s, _l, _r in self.grid for p in Priority.values
                if self.cleaned_data.get(f"target_{s}_{p}") is not None}
