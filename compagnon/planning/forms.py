import datetime

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _


class ProposeForm(forms.Form):
    week = forms.ChoiceField(label=_("Week"))
    keep = forms.MultipleChoiceField(
        label=_("Keep these members' planned visits as they are"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, weeks, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["week"].choices = [
            (w.isoformat(), _("Week of %(day)s") % {"day": formats.date_format(w, "j F Y")})
            for w in weeks
        ]
        self.fields["keep"].choices = [(str(m.pk), str(m)) for m in members]

    def clean_keep(self):
        return [int(v) for v in self.cleaned_data["keep"]]


class MoveForm(forms.Form):
    member = forms.ChoiceField(label=_("Member"), required=False)
    day = forms.ChoiceField(label=_("Day"), required=False)

    def __init__(self, *args, members, days, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {str(m.pk): m for m in members}
        self.fields["member"].choices = [("", _("Leave out of the plan"))] + [
            (k, str(m)) for k, m in self.members.items()
        ]
        self.fields["day"].choices = [("", "—")] + [
            (d.isoformat(), formats.date_format(d, "l j F")) for d in days
        ]

    def clean(self):
        data = super().clean()
        member = data.get("member")
        data["member"] = self.members.get(member) if member else None
        if data["member"] is not None and not data.get("day"):
            self.add_error("day", _("Choose the day of the visit."))
        data["day"] = datetime.date.fromisoformat(data["day"]) if data.get("day") else None
        return data
