from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Means


def parse_amount(value: str) -> Decimal | None:
    """"1 234,50", "1234.5" -> Decimal("1234.50"); "" -> None; raises ValueError when unreadable."""
    text = (value or "").strip().replace("\u00a0", "").replace(" ", "").replace("€", "")
    if not text:
        return None
    if "," in text and "." in text:
        text = text.replace(".", "") if text.rfind(",") > text.rfind(".") else text.replace(",", "")
    text = text.replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(value) from None
    return amount.quantize(Decimal("0.01"))


class AllocateForm(forms.Form):
    """Several invoices (ticked in the list), each with an amount typed next to it
    (``amount_<id>``, empty: what is still due), and what to do with the rest."""

    documents = forms.TypedMultipleChoiceField(label=_("Invoices"), coerce=int, required=False, choices=())
    rest_to_credit = forms.BooleanField(label=_("Keep the rest as the client's credit"), required=False)

    def __init__(self, data=None, *, document_ids=(), **kwargs):
        super().__init__(data, **kwargs)
        posted = data.getlist("documents") if data is not None else []
        ids = {str(i) for i in document_ids} | {p for p in posted if p.isdigit()}
        self.fields["documents"].choices = [(i, i) for i in sorted(ids)]

    def items(self, data) -> list[tuple[int, Decimal | None]]:
        """(document id, amount) pairs; errors on unreadable amounts name the field."""
        out = []
        for pk in self.cleaned_data["documents"]:
            try:
                out.append((pk, parse_amount(data.get(f"amount_{pk}", ""))))
            except ValueError:
                self.add_error(None, _("The amount “%(value)s” is not a number (e.g. 1250.50).")
                               % {"value": data.get(f"amount_{pk}")})
        return out


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=300, required=False,
                             help_text=_("Kept in the history, e.g. “wrong invoice”, “internal transfer”."))


class RefundForm(forms.Form):
    credit_note = forms.IntegerField(required=False, widget=forms.HiddenInput)
    credit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    amount = forms.CharField(label=_("Amount refunded (EUR)"), required=False,
                             help_text=_("Empty: as much as both allow."))

    def clean_amount(self):
        try:
            return parse_amount(self.cleaned_data["amount"])
        except ValueError:
            raise forms.ValidationError(_("Enter an amount such as 120.50.")) from None


class UseCreditForm(forms.Form):
    document = forms.IntegerField(label=_("Invoice"))
    amount = forms.CharField(label=_("Amount (EUR)"), required=False, help_text=_("Empty: as much as possible."))

    def clean_amount(self):
        try:
            return parse_amount(self.cleaned_data["amount"])
        except ValueError:
            raise forms.ValidationError(_("Enter an amount such as 120.50.")) from None


class DeclareForm(forms.Form):
    """A member declares a payment received directly (the service checks the rest)."""

    amount = forms.CharField(label=_("Amount received (EUR)"),
                             widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    received_on = forms.DateField(label=_("Received on"),
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    means = forms.ChoiceField(label=_("How did the client pay?"), choices=Means.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), max_length=200, required=False,
                           help_text=_("For example the cheque number and its bank."))
    photo = forms.FileField(label=_("Photo of the cheque"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf",
                                                                   "capture": "environment"}))

    def clean_amount(self):
        try:
            amount = parse_amount(self.cleaned_data["amount"])
        except ValueError:
            raise forms.ValidationError(_("Enter an amount such as 120.50.")) from None
        if amount is None:
            raise forms.ValidationError(_("Type the amount received, for example 150,00."))
        return amount


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Why is it rejected?"), max_length=300,
                             help_text=_("The member reads it, e.g. “no cheque received at the office”."))
