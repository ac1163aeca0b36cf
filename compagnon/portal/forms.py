from django import forms
from django.utils.translation import gettext_lazy as _

from compagnon.sales.models import DocumentEmail


class SendForm(forms.Form):
    """The send page: how (email, Peppol), to whom, what the email says. ``to`` is checked by the
    service (not needed for Peppol or without emailing); ``key`` is the idempotency key of the page
    shown (``delivery.new_key``), so that a double tap sends once."""

    channel = forms.ChoiceField(label=_("How"), required=False, widget=forms.RadioSelect,
                                choices=[("email", _("By email, with the PDF and the client's link")),
                                         ("peppol", _("Through the Peppol network (e-invoice)"))])
    to = forms.CharField(label=_("To"), max_length=DocumentEmail._meta.get_field("to").max_length, required=False,
                         help_text=_("One or more addresses, separated by commas."),
                         widget=forms.TextInput(attrs={"autocomplete": "email", "inputmode": "email"}))
    subject = forms.CharField(label=_("Subject"), max_length=300, required=False)
    message = forms.CharField(label=_("Message"), max_length=10000, required=False,
                              widget=forms.Textarea(attrs={"rows": 9}),
                              help_text=_("The link to the document and its PDF are added below your message."))
    key = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("It helps the sender propose something that suits you better."))


class AcceptForm(forms.Form):
    signer_name = forms.CharField(label=_("Your full name"), max_length=200,
                                  widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("Your email address"), max_length=254,
                             help_text=_("The address this document was sent to. We send you a 6-digit code there."),
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    accepted = forms.BooleanField(label="", required=True)

    def __init__(self, *args, statement: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accepted"].label = statement
        self.fields["accepted"].error_messages["required"] = _("Tick the box to accept the document and its terms.")


class CodeForm(forms.Form):
    code = forms.CharField(label=_("6-digit code"), max_length=12,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                         "pattern": "[0-9 ]*", "autofocus": True}))
