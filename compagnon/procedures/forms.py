from django import forms
from django.utils.translation import gettext_lazy as _

from compagnon.members.models import Trade

from .models import Kind


class TradeChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class EntityChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class VersionForm(forms.Form):
    """What a version says besides its steps (the steps are rows of the editor page)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    tools = forms.CharField(label=_("Tools and materials"), required=False, max_length=4000,
                            widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("One per line, for example “pruning saw”."))
    safety = forms.CharField(label=_("Safety warnings"), required=False, max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 3}))
    change_note = forms.CharField(label=_("What changed"), required=False, max_length=300,
                                  help_text=_("A few words for the history, for example “new photo of step 2”."))


class ProcedureForm(VersionForm):
    entity = EntityChoice(label=_("Entity"), queryset=None, empty_label=None)
    trade = TradeChoice(label=_("Trade"), queryset=Trade.objects.all())
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    shared = forms.BooleanField(label=_("Shared with the cooperative's other entity"), required=False)
    source = forms.CharField(required=False, max_length=80, widget=forms.HiddenInput())

    field_order = ["entity", "trade", "kind", "title", "tools", "safety", "shared", "source", "change_note"]

    def __init__(self, *args, entities, first=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entity"].queryset = entities
        if entities.count() == 1:
            self.fields["entity"].widget = forms.HiddenInput()
            self.fields["entity"].initial = entities.first()
        if first:
            del self.fields["change_note"]


class DraftMetaForm(VersionForm):
    """Editing a draft of a procedure never in force: its trade and kind may still change."""

    trade = TradeChoice(label=_("Trade"), queryset=Trade.objects.all())
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    field_order = ["trade", "kind", "title", "tools", "safety", "change_note"]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        ("validate", _("Validate: it becomes the version in force")), ("send_back", _("Send back to the author"))])
    comment = forms.CharField(label=_("Comment to the author"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Needed to send it back."))
    shared = forms.BooleanField(label=_("Shared with the cooperative's other entity"), required=False)


class ReferentForm(forms.Form):
    trade = TradeChoice(label=_("Trade"), queryset=Trade.objects.all())
    member = forms.ModelChoiceField(label=_("Member"), queryset=None)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["member"].label_from_instance = lambda m: f"{m.user.get_full_name() or m.user.email} ({m.number})"


class AttachForm(forms.Form):
    procedure = forms.TypedChoiceField(label=_("Procedure"), coerce=int, choices=())
