from django import forms
from django.utils.translation import gettext_lazy as _

ACCEPT = ".xml,.pdf,application/xml,text/xml,application/pdf"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("E-invoice file"),
        help_text=_(
            "The invoice or credit note as received: UBL or CII XML (Peppol), or a Factur-X "
            "PDF. At most 20 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        error_messages={
            "required": _("Choose a file: a UBL or CII XML invoice, or a Factur-X PDF."),
            "empty": _("The file is empty."),
        },
    )


PAPER_ACCEPT = "application/pdf,image/jpeg,image/png,image/webp,.pdf,.jpg,.jpeg,.png,.webp"
VAT_ROWS = 3


class PaperUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Photo or PDF of the invoice"),
        help_text=_("On a phone, take the photo straight away. An e-invoice (Factur-X PDF) is read completely."),
        widget=forms.ClearableFileInput(attrs={"accept": PAPER_ACCEPT, "capture": "environment"}),
        error_messages={"required": _("Take a photo of the invoice or choose its PDF."),
                        "empty": _("The file is empty.")},
    )


class DetailsForm(forms.Form):
    """What the member confirms beside the file; amounts per VAT rate only for a paper invoice."""

    supplier = forms.TypedChoiceField(label=_("Supplier"), coerce=int, empty_value=None, required=False)
    category = forms.ChoiceField(label=_("What is it for?"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    number = forms.CharField(label=_("Invoice number"), max_length=200, required=False)
    issue_date = forms.DateField(label=_("Invoice date"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    due_date = forms.DateField(label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                               help_text=_("Empty: the supplier's usual terms."))
    payment_reference = forms.CharField(label=_("Payment reference"), max_length=200, required=False,
                                        help_text=_("The structured communication or reference to quote when "
                                                    "paying, if the invoice gives one."))
    notes = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, supplier_choices=(), category_choices=(), kind_choices=(), paper=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.paper = paper
        self.fields["supplier"].choices = [("", _("— choose —")), *supplier_choices]
        self.fields["category"].choices = [("", _("— choose —")), *category_choices]
        self.fields["kind"].choices = list(kind_choices)
        if paper:
            # text fields: "12,50", "12.50" and "1 234,50" are all read by the service, which names the rule
            number = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
            for i in range(VAT_ROWS):
                self.fields[f"vat_rate_{i}"] = forms.CharField(label=_("VAT rate (%)"), required=False, max_length=8,
                                                               widget=number)
                self.fields[f"net_{i}"] = forms.CharField(label=_("Amount excl. VAT"), required=False, max_length=20,
                                                          widget=number)
                self.fields[f"vat_{i}"] = forms.CharField(label=_("VAT"), required=False, max_length=20,
                                                          widget=number)
        else:
            for name in ("kind", "number", "issue_date", "payment_reference", "notes"):
                del self.fields[name]

    @property
    def vat_rows(self):
        return [(self[f"vat_rate_{i}"], self[f"net_{i}"], self[f"vat_{i}"]) for i in range(VAT_ROWS)] \
            if self.paper else []

    def service_kwargs(self, suppliers_by_id: dict) -> dict:
        data = self.cleaned_data
        out = {"supplier": suppliers_by_id.get(data.get("supplier")), "category": data.get("category") or "",
               "due_date": data.get("due_date")}
        if self.paper:
            out.update(kind=data.get("kind") or "", number=data.get("number") or "",
                       issue_date=data.get("issue_date"), payment_reference=data.get("payment_reference") or "",
                       notes=data.get("notes") or "",
                       vat_rows=[(data.get(f"vat_rate_{i}"), data.get(f"net_{i}"), data.get(f"vat_{i}"))
                                 for i in range(VAT_ROWS)])
        return out


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                             required=False)


class VatTreatmentForm(forms.Form):
    treatment = forms.ChoiceField(label=_("How is the VAT booked?"), required=False)
    rate = forms.ChoiceField(label=_("VAT rate to self-assess"), required=False)

    def __init__(self, *args, rates=(), **kwargs):
        from .models import VatTreatment

        super().__init__(*args, **kwargs)
        self.fields["treatment"].choices = VatTreatment.choices
        self.fields["rate"].choices = list(rates)


class SupplierForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    country = forms.CharField(label=_("Country (two letters)"), max_length=2, required=False)
    company_number = forms.CharField(label=_("Company number (SIREN/SIRET, KBO/BCE)"), max_length=20, required=False)
    vat_number = forms.CharField(label=_("VAT number"), max_length=20, required=False)
    iban = forms.CharField(label=_("IBAN"), max_length=42, required=False)
    bic = forms.CharField(label=_("BIC"), max_length=11, required=False)
    street = forms.CharField(label=_("Street and number"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=16, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    category = forms.ChoiceField(label=_("Usual category"), required=False)
    payment_days = forms.IntegerField(label=_("Payment terms (days)"), required=False, min_value=0, max_value=365)

    def __init__(self, *args, category_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("— none —")), *category_choices]


class PayForm(forms.Form):
    batch = forms.ChoiceField(label=_("Transfer batch (draft)"))
    invoices = forms.MultipleChoiceField(label=_("Invoices to pay"), widget=forms.CheckboxSelectMultiple,
                                         error_messages={"required": _("Tick at least one invoice.")})
