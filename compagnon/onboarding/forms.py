from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from compagnon.members.models import Maturity
from compagnon.organisation.models import LANGUAGE_CHOICES, Office

from .models import StepKind


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class PathForm(forms.Form):
    maturity = forms.ChoiceField(label=_("For members who are"), choices=Maturity.choices)
    title_fr = forms.CharField(label=_("Title (French)"), max_length=150, required=False)
    title_nl = forms.CharField(label=_("Title (Dutch)"), max_length=150, required=False)
    title_en = forms.CharField(label=_("Title (English)"), max_length=150, required=False)
    intro_fr = forms.CharField(label=_("Welcome text (French)"), required=False, max_length=4000,
                               widget=forms.Textarea(attrs={"rows": 3}))
    intro_nl = forms.CharField(label=_("Welcome text (Dutch)"), required=False, max_length=4000,
                               widget=forms.Textarea(attrs={"rows": 3}))
    intro_en = forms.CharField(label=_("Welcome text (English)"), required=False, max_length=4000,
                               widget=forms.Textarea(attrs={"rows": 3}))


class ArticleChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return getattr(obj, "label", "") or str(obj)


class StepForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of step"), choices=StepKind.choices)
    title_fr = forms.CharField(label=_("Title (French)"), max_length=150, required=False)
    title_nl = forms.CharField(label=_("Title (Dutch)"), max_length=150, required=False)
    title_en = forms.CharField(label=_("Title (English)"), max_length=150, required=False)
    text_fr = forms.CharField(label=_("Text (French)"), required=False, max_length=20_000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    text_nl = forms.CharField(label=_("Text (Dutch)"), required=False, max_length=20_000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    text_en = forms.CharField(label=_("Text (English)"), required=False, max_length=20_000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    article = ArticleChoice(label=_("Help-centre article"), required=False, queryset=None,
                            empty_label=pgettext_lazy("help article", "None"),
                            help_text=_("An explanation may point to an article; a document to sign may be one."))
    file = forms.FileField(label=_("Document to sign (file)"), required=False,
                           help_text=_("PDF or any file, 10 MB at most. A new file makes a new version."))
    meeting_at = forms.DateTimeField(label=_("Meeting date and time"), required=False, widget=DateTimeInput())
    meeting_place = forms.CharField(label=_("Meeting place"), max_length=200, required=False)

    def __init__(self, *args, articles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["article"].queryset = articles


class SignForm(forms.Form):
    typed_name = forms.CharField(label=_("Type your full name"), max_length=200,
                                 widget=forms.TextInput(attrs={"autocomplete": "name"}))
    agree = forms.BooleanField(label=_("I have read this document and I sign it."))


class KitFileForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    description = forms.CharField(label=_("What it is for"), max_length=300, required=False)
    language = forms.ChoiceField(label=_("Language"), required=False,
                                 choices=[("", pgettext_lazy("language", "Any"))] + LANGUAGE_CHOICES)
    file = forms.FileField(label=_("File"), help_text=_("10 MB at most."))
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=32767, initial=0)


class OfficeChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    role = forms.CharField(label=_("What to ask them"), max_length=200,
                           help_text=_("For example: insurance questions, the first invoice, the meeting room."))
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))
    office = OfficeChoice(label=_("Office"), queryset=Office.objects.none(), required=False,
                          empty_label=pgettext_lazy("office", "Every office"))
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=32767, initial=0)

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices
