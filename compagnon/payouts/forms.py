from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compagnon.banking.models import BankAccount

from .models import Purpose, RemittanceKind, Scheme

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SCHEME_HELP = _("pain.001.001.09 is what banks read today; choose pain.001.001.03 only if your bank asks "
                "for it. The format chosen becomes this account's usual one.")


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.entity.name} — {obj.name} ({obj.iban})"


class BatchForm(forms.Form):
    account = AccountChoiceField(label=_("Paid from"), queryset=BankAccount.objects.none(), empty_label=None)
    requested_execution_date = forms.DateField(label=_("Execution date"), widget=DATE_WIDGET,
                                               help_text=_("The day the bank should pay; today or later."))
    scheme = forms.ChoiceField(
        label=_("File format"), required=False, help_text=SCHEME_HELP,
        choices=[("", _("the account's usual format")), *Scheme.choices],
    )

    def __init__(self, *args, accounts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts if accounts is not None else BankAccount.objects.none()
        self.fields["requested_execution_date"].initial = timezone.localdate


class BatchEditForm(forms.Form):
    requested_execution_date = forms.DateField(label=_("Execution date"), widget=DATE_WIDGET)
    scheme = forms.ChoiceField(label=_("File format"), choices=Scheme.choices, help_text=SCHEME_HELP)


_TEXT = {"autocomplete": "off", "spellcheck": "false"}


class LineFields(forms.Form):
    """What a transfer carries; the refund form and the free line form share it."""

    creditor_name = forms.CharField(label=_("Beneficiary"), max_length=200,
                                    help_text=_("As on their bank account; at most 70 characters."))
    iban = forms.CharField(label=_("IBAN"), max_length=50, widget=forms.TextInput(attrs=_TEXT))
    bic = forms.CharField(label=_("BIC"), max_length=20, required=False, widget=forms.TextInput(attrs=_TEXT),
                          help_text=_("Optional for SEPA transfers."))
    amount = forms.DecimalField(label=_("Amount (EUR)"), max_digits=14, decimal_places=2, min_value=0,
                                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
    remittance_kind = forms.ChoiceField(label=_("Reference kind"), choices=RemittanceKind.choices,
                                        initial=RemittanceKind.TEXT, widget=forms.RadioSelect)
    remittance = forms.CharField(
        label=_("Message or reference"), max_length=200,
        help_text=_("A message of at most 140 characters, or the beneficiary's structured communication "
                    "(+++090/9337/55493+++) or RF reference: those are sent as structured references."),
    )
    end_to_end_id = forms.CharField(label=_("End-to-end id"), max_length=35, required=False,
                                    widget=forms.TextInput(attrs=_TEXT),
                                    help_text=_("Leave empty: Compagnon gives one (CMP-batch-line)."))


class RefundForm(LineFields):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].help_text = _("The credit note's amount by default; a partial refund is possible.")
        self.fields["amount"].required = False
        self.fields["iban"].help_text = _("The client's account. Prefilled when they already paid us by transfer.")
        self.fields["iban"].required = False


class LineForm(LineFields):
    purpose = forms.ChoiceField(label=_("What is it for?"), choices=Purpose.choices, initial=Purpose.SUPPLIER)

    field_order = ["purpose"]
