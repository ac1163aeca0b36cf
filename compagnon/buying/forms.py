from django import forms
from django.utils.translation import gettext_lazy as _

from compagnon.members.models import Activity
from compagnon.purchases.models import Supplier, SupplierInvoice


class DateInput(forms.DateInput):
    input_type = "date"


class TermsForm(forms.Form):
    discount_percent = forms.DecimalField(label=_("Discount (%)"), required=False, max_digits=5, decimal_places=2,
                                          min_value=0, max_value=100,
                                          widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
    conditions = forms.CharField(label=_("Conditions"), required=False, max_length=4000,
                                 widget=forms.Textarea(attrs={"rows": 4}),
                                 help_text=_("Minimum order, delivery, payment terms, how to mention the agreement."))
    contact_name = forms.CharField(label=_("Contact name"), required=False, max_length=120)
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), required=False, max_length=40,
                                    widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DateInput)
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DateInput)


class RatingForm(forms.Form):
    stars = forms.TypedChoiceField(label=_("Your rating"), coerce=int, widget=forms.RadioSelect,
                                   choices=[(n, str(n)) for n in range(1, 6)])
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("What went well or not: delivery, quality, service."))


class SupplierChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class GroupForm(forms.Form):
    supplier = SupplierChoice(label=_("Supplier"), queryset=Supplier.objects.none())
    title = forms.CharField(label=_("Title"), max_length=120, help_text=_("For example: spring seeds order."))
    description = forms.CharField(label=_("Item"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=_("What is bought: reference, size, colour…"))
    unit = forms.CharField(label=_("Unit"), max_length=30, help_text=_("For example: box of 10, kg, piece."))
    unit_price = forms.DecimalField(label=_("Unit price excl. VAT (€)"), max_digits=12, decimal_places=4,
                                    min_value=0, widget=forms.NumberInput(attrs={"step": "0.0001",
                                                                                "inputmode": "decimal"}))
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput,
                               help_text=_("Members join until the end of this day."))
    minimum_quantity = forms.DecimalField(label=_("Minimum total quantity"), max_digits=12, decimal_places=2,
                                          min_value=0, widget=forms.NumberInput(attrs={"step": "0.01",
                                                                                      "inputmode": "decimal"}))

    def __init__(self, *args, suppliers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = suppliers


class JoinForm(forms.Form):
    activity = forms.ModelChoiceField(label=_("For the activity"), queryset=Activity.objects.none())
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=12, decimal_places=2, min_value=0.01,
                                  widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))

    def __init__(self, *args, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities
        if activities.count() == 1 and not self.is_bound:
            self.fields["activity"].initial = activities.first()


class InvoiceChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.number or obj.original_name} — {obj.activity.name}"


class InvoiceForm(forms.Form):
    invoice = InvoiceChoice(label=_("Supplier invoice"), queryset=SupplierInvoice.objects.none())

    def __init__(self, *args, invoices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invoice"].queryset = invoices
