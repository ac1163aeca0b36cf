from django import forms
from django.utils.translation import gettext_lazy as _


class LetterForm(forms.Form):
    lines = forms.TypedMultipleChoiceField(
        label=_("Lines"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, line_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lines"].choices = [(pk, str(pk)) for pk in line_ids]


class UnletterForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=300)
