from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import selectors
from .models import CsvMapping

ACCEPT = ".xml,.csv,.txt,application/xml,text/xml,text/csv"

DELIMITERS = [
    (";", _("; (semicolon)")),
    (",", _(", (comma)")),
    ("\t", _("Tab")),
    ("|", _("| (vertical bar)")),
]
ENCODINGS = [
    ("utf-8", "UTF-8"),
    ("windows-1252", _("Windows (windows-1252)")),
    ("iso-8859-1", "ISO-8859-1 (Latin-1)"),
    ("iso-8859-15", "ISO-8859-15 (Latin-9)"),
    ("utf-16", "UTF-16"),
]
DATE_FORMATS = [
    ("%d/%m/%Y", "31/03/2026"),
    ("%d-%m-%Y", "31-03-2026"),
    ("%d.%m.%Y", "31.03.2026"),
    ("%Y-%m-%d", "2026-03-31"),
    ("%d/%m/%y", "31/03/26"),
    ("%Y%m%d", "20260331"),
    ("%m/%d/%Y", pgettext_lazy("date format", "03/31/2026 (month first)")),
]


class BankAccountForm(forms.Form):
    entity = forms.ModelChoiceField(
        label=_("Entity"),
        queryset=None,
        empty_label=None,
        help_text=_("The legal entity holding the account."),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        help_text=_("How you call it, e.g. “Belfius current account”."),
    )
    iban = forms.CharField(
        label=_("IBAN"),
        max_length=42,
        help_text=_("As on the bank's documents; spaces are fine."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    bic = forms.CharField(
        label=_("BIC"),
        max_length=14,
        required=False,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="EUR")
    active = forms.BooleanField(
        label=_("Active: statements are imported into it"), required=False, initial=True
    )

    def __init__(self, *args, user, account=None, **kwargs):
        if account is not None:
            kwargs.setdefault(
                "initial",
                {f: getattr(account, f) for f in ("name", "iban", "bic", "currency", "active")},
            )
        super().__init__(*args, **kwargs)
        if account is not None:
            del self.fields["entity"]
        else:
            del self.fields["active"]
            entities = selectors.managed_entities(user)
            self.fields["entity"].queryset = entities
            if len(entities) == 1:
                self.fields["entity"].initial = entities[0].pk
                self.fields["entity"].widget = forms.HiddenInput()


class UploadForm(forms.Form):
    account = forms.ModelChoiceField(
        label=_("Bank account"),
        queryset=None,
        error_messages={"invalid_choice": _("Choose one of your bank accounts.")},
    )
    file = forms.FileField(
        label=_("Statement file"),
        help_text=_(
            "camt.053 (XML, versions 02 to 08) or your bank's CSV export. Transactions already "
            "imported are recognised and not added twice. At most 50 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        error_messages={
            "required": _("Choose a statement file: camt.053 (XML) or CSV."),
            "empty": _("The file is empty."),
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        accounts = selectors.upload_accounts(user)
        self.fields["account"].queryset = accounts
        self.fields["account"].label_from_instance = lambda a: (
            f"{a.name} · {a.iban} ({a.entity.name})"
        )


class CsvMappingForm(forms.ModelForm):
    sample = forms.FileField(
        label=_("Sample export"),
        required=False,
        help_text=_(
            "A CSV export from the bank: the first five transactions are shown as they "
            "will be read. It is not imported."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv"}),
    )

    class Meta:
        model = CsvMapping
        fields = [
            "delimiter",
            "encoding",
            "skip_rows",
            "date_format",
            "decimal_comma",
            "booking_date",
            "value_date",
            "amount",
            "credit",
            "debit",
            "counterparty_name",
            "counterparty_iban",
            "remittance",
            "bank_reference",
        ]
        help_texts = {
            "booking_date": _("Column names exactly as in the header row of the export."),
            "skip_rows": _("Lines of bank information above the row of column names."),
            "decimal_comma": _("Amounts are written 1.234,56 (unticked: 1,234.56)."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        self.fields["delimiter"] = forms.ChoiceField(
            label=_("Delimiter"), choices=DELIMITERS, initial=";"
        )
        encodings = list(ENCODINGS)
        if instance.encoding and instance.encoding not in dict(encodings):
            encodings.append((instance.encoding, instance.encoding))
        self.fields["encoding"] = forms.ChoiceField(
            label=_("Encoding"), choices=encodings, initial="utf-8"
        )
        formats = list(DATE_FORMATS)
        if instance.date_format and instance.date_format not in dict(formats):
            formats.append((instance.date_format, instance.date_format))
        self.fields["date_format"] = forms.ChoiceField(
            label=_("Date format"), choices=formats, initial="%d/%m/%Y"
        )
        # Order: the file, then its columns, the sample last.
        self.order_fields([*self.Meta.fields, "sample"])

    @property
    def groups(self):
        """(title, bound fields): how the page lays the form out."""
        return [
            (
                _("The file"),
                [
                    self[n]
                    for n in ("delimiter", "encoding", "skip_rows", "date_format", "decimal_comma")
                ],
            ),
            (_("Which column holds what"), [self[n] for n in self.Meta.fields[5:]]),
            (_("Try it on an export"), [self["sample"]]),
        ]
