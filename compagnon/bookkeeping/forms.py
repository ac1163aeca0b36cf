from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from compagnon.ledger.models import Account
from compagnon.members.models import Activity

from .models import Frequency
from .services import LineInput

EXTRA_LINES = 4


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _amount():
    return forms.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )


class LineForm(forms.Form):
    account = forms.ModelChoiceField(
        label=_("Account"), queryset=Account.objects.none(), required=False
    )
    debit = _amount()
    credit = _amount()
    activity = forms.ModelChoiceField(
        label=_("Activity"),
        queryset=Activity.objects.none(),
        required=False,
        empty_label=_("the cooperative"),
    )
    third_party = forms.CharField(label=_("Third party"), max_length=200, required=False)

    def __init__(self, *args, entity=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["debit"].label = _("Debit")
        self.fields["credit"].label = _("Credit")
        self.fields["account"].queryset = Account.objects.filter(entity=entity).order_by("code")
        self.fields["activity"].queryset = Activity.objects.filter(entity=entity).order_by("name")

    def clean(self):
        data = super().clean()
        typed = data.get("debit") or data.get("credit") or data.get("third_party")
        if typed and not data.get("account"):
            self.add_error("account", _("Choose the account of this line."))
        return data

    def line(self) -> LineInput | None:
        d = self.cleaned_data
        if not d.get("account"):
            return None
        return LineInput(
            account=d["account"],
            debit=d.get("debit") or Decimal("0"),
            credit=d.get("credit") or Decimal("0"),
            activity=d.get("activity"),
            third_party=d.get("third_party") or "",
        )


class BaseLineFormSet(forms.BaseFormSet):
    def __init__(self, *args, entity=None, **kwargs):
        self.entity = entity
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "entity": self.entity}

    @property
    def empty_form(self):
        return self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            entity=self.entity,
        )

    def lines(self) -> list[LineInput]:
        return [x for x in (f.line() for f in self.forms if f.cleaned_data) if x is not None]


LineFormSet = forms.formset_factory(LineForm, formset=BaseLineFormSet, extra=EXTRA_LINES)


def line_initial(lines) -> list[dict]:
    return [
        {
            "account": x.account_id,
            "debit": x.debit or None,
            "credit": x.credit or None,
            "activity": x.activity_id,
            "third_party": x.third_party,
        }
        for x in lines
    ]


class ManualEntryForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=_date_widget())
    label = forms.CharField(label=_("Label"), max_length=200)


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it refused?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class ReverseForm(forms.Form):
    date = forms.DateField(label=_("Reversal date"), widget=_date_widget())
    label = forms.CharField(label=_("Label"), max_length=200, required=False)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Supporting document"))


class TemplateForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=200)
    frequency = forms.ChoiceField(label=_("Frequency"), choices=Frequency.choices)
    day = forms.IntegerField(
        label=_("Day of the month"),
        min_value=1,
        max_value=28,
        initial=1,
        help_text=_("From 1 to 28, so that every month has it."),
    )
    start_date = forms.DateField(label=_("First period"), widget=_date_widget())
    end_date = forms.DateField(label=_("Last period"), widget=_date_widget(), required=False)
    auto_post = forms.BooleanField(
        label=_("Record without review"),
        required=False,
        help_text=_(
            "Unticked, each period makes a draft that an accountant validates. Above the entity's "
            "threshold an entry is always left to validate."
        ),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
