from django import forms
from django.utils.translation import gettext_lazy as _


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class JournalFilterForm(forms.Form):
    journal = forms.ChoiceField(label=_("Journal"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=_date_widget())
    date_to = forms.DateField(label=_("To"), required=False, widget=_date_widget())
    account = forms.ChoiceField(label=_("Account"), required=False)

    def __init__(self, *args, journals=(), accounts=(), **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("all"))]
        self.fields["journal"].choices = everything + [(j.code, str(j)) for j in journals]
        self.fields["account"].choices = everything + [(a.code, str(a)) for a in accounts]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date comes after the start date."))
        return data


class PeriodLockForm(forms.Form):
    until = forms.DateField(
        label=_("Close the books up to and including"),
        widget=_date_widget(),
        help_text=_(
            "No entry dated on or before this day can be recorded afterwards. Corrections then go "
            "into the next open period. A closing cannot be undone."
        ),
    )
