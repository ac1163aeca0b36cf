from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from compagnon.members.models import Trade
from compagnon.support.forms import Keyed, MultipleFileField, MultipleFileInput

from .photos import ACCEPT, MAX_BYTES, MAX_PHOTOS


def _photos_help() -> str:
    return gettext("Up to %(n)s photos of %(mb)s MB (JPEG, PNG, WebP).") % {"n": MAX_PHOTOS, "mb": MAX_BYTES // 1048576}


photos_help = lazy(_photos_help, str)


def photos_field():
    return MultipleFileField(label=_("Photos"), help_text=photos_help(),
                             widget=MultipleFileInput(attrs={"multiple": True, "accept": ACCEPT}))


class AskForm(Keyed):
    title = forms.CharField(
        label=_("Your question"), max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("How do I prune a hedge of laurels in autumn?"),
                                      "autocomplete": "off"}))
    trade = forms.ModelChoiceField(label=_("Trade"), queryset=Trade.objects.order_by("code"), required=False,
                                   empty_label=_("Any trade"))
    skills = forms.CharField(label=_("Skills it needs"), max_length=300, required=False,
                             help_text=_("A few words, separated by commas: pruning, hedges."))
    body = forms.CharField(label=_("Details"), max_length=10_000, required=False,
                           widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("What you tried, the place, the material…"))
    photos = photos_field()


class AnswerForm(Keyed):
    body = forms.CharField(label=_("Your answer"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 5}))
    photos = photos_field()


class SearchForm(forms.Form):
    STATES = [("", _("All questions")), ("answered", _("Answered")), ("unanswered", _("Waiting for an answer"))]
    q = forms.CharField(label=_("Words"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "enterkeyhint": "search"}))
    trade = forms.ModelChoiceField(label=_("Trade"), queryset=Trade.objects.order_by("code"), required=False,
                                   empty_label=_("All trades"))
    state = forms.ChoiceField(label=_("Answers"), choices=STATES, required=False)
