from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from compagnon.organisation.models import LANGUAGE_CHOICES

from .models import Kind, Topic

BODY_HELP = _("Markdown: **bold**, *italic*, lists with “- ”, titles with “## ”, links as [words](https://…). "
              "Link a word of the glossary with [credit note](glossary:credit_note), another article with "
              "[words](article:12). HTML is shown as typed, never run.")


class TopicChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class EntityChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class DraftForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), max_length=300, required=False,
                              help_text=_("One sentence shown in lists and search results."))
    body = forms.CharField(label=_("Text"), max_length=60_000, widget=forms.Textarea(attrs={"rows": 16}),
                           help_text=BODY_HELP)
    change_note = forms.CharField(label=_("What changed"), max_length=300, required=False,
                                  help_text=_("A few words for the history, for example “new screenshots”."))


class ArticleForm(DraftForm):
    entity = EntityChoice(label=_("Entity"), queryset=None, empty_label=None)
    topic = TopicChoice(label=_("Topic"), queryset=Topic.objects.none(), required=False,
                        empty_label=pgettext_lazy("help topic", "No topic"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, initial=Kind.ARTICLE,
                             help_text=_("A tutorial walks through a task step by step."))
    language = forms.ChoiceField(label=_("Language of the text"), choices=LANGUAGE_CHOICES)

    field_order = ["entity", "topic", "kind", "language", "title", "summary", "body", "change_note"]

    def __init__(self, *args, entities, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entity"].queryset = entities
        if entities.count() == 1:
            self.fields["entity"].widget = forms.HiddenInput()
            self.fields["entity"].initial = entities.first()
        self.fields["topic"].queryset = topics
        del self.fields["change_note"]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        ("approve", _("Approve and publish")), ("changes", _("Ask for changes")), ("reject", _("Reject"))])
    comment = forms.CharField(label=_("Comment to the author"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Needed to ask for changes or to reject."))


class FeedbackForm(forms.Form):
    useful = forms.TypedChoiceField(label=_("Was this useful?"), widget=forms.RadioSelect, coerce=lambda v: v == "yes",
                                    choices=[("yes", _("Yes")), ("no", _("No"))])
    comment = forms.CharField(label=_("Anything to add? (optional)"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("What was missing or unclear. The author and the editors read it."))


class SettingsForm(forms.Form):
    topic = TopicChoice(label=_("Topic"), queryset=Topic.objects.none(), required=False,
                        empty_label=pgettext_lazy("help topic", "No topic"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    shared = forms.BooleanField(label=_("Shared with every entity of the installation"), required=False)
    page_keys = forms.CharField(label=_("Pages it explains"), required=False, max_length=1000,
                                help_text=_("Page keys separated by commas, for example sales-document, "
                                            "expenses-new. Those pages then show a link to this article."))

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = topics


class TopicForm(forms.Form):
    name_fr = forms.CharField(label=_("Name (French)"), max_length=100, required=False)
    name_nl = forms.CharField(label=_("Name (Dutch)"), max_length=100, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=100, required=False)
    description_fr = forms.CharField(label=_("Description (French)"), max_length=300, required=False)
    description_nl = forms.CharField(label=_("Description (Dutch)"), max_length=300, required=False)
    description_en = forms.CharField(label=_("Description (English)"), max_length=300, required=False)
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=32767, initial=0,
                                  help_text=_("Topics are listed from the smallest number."))
    shared = forms.BooleanField(label=_("Shared with every entity of the installation"), required=False)


class FaqForm(forms.Form):
    topic = TopicChoice(label=_("Group"), queryset=Topic.objects.none(), required=False,
                        empty_label=pgettext_lazy("FAQ group", "General"))
    question_fr = forms.CharField(label=_("Question (French)"), max_length=300, required=False)
    answer_fr = forms.CharField(label=_("Answer (French)"), required=False, max_length=10_000,
                                widget=forms.Textarea(attrs={"rows": 4}))
    question_nl = forms.CharField(label=_("Question (Dutch)"), max_length=300, required=False)
    answer_nl = forms.CharField(label=_("Answer (Dutch)"), required=False, max_length=10_000,
                                widget=forms.Textarea(attrs={"rows": 4}))
    question_en = forms.CharField(label=_("Question (English)"), max_length=300, required=False)
    answer_en = forms.CharField(label=_("Answer (English)"), required=False, max_length=10_000,
                                widget=forms.Textarea(attrs={"rows": 4}))
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=32767, initial=0)
    shared = forms.BooleanField(label=_("Shared with every entity of the installation"), required=False)

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = topics


class VolunteerForm(forms.Form):
    note = forms.CharField(label=_("How you can help"), max_length=300, required=False,
                           help_text=_("For example: “I send all my quotes from my phone, ask me.”"))
