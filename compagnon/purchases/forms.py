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
