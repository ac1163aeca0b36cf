from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from compagnon.jurisdictions.parties import country_choices
from compagnon.members.models import Activity

from .models import Client, Contact, EntryKind, RelationshipEntry
from .services import CLIENT_FIELDS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ActivityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ClientForm(forms.ModelForm):
    """The client form of the pages; the CSV import parses every line with it too (``csv=True``)."""

    # Groups of fields, in page order; the template renders one fieldset per group.
    GROUPS = [
        ("who", _("Who"), ["name", "email", "phone"]),
        ("address", _("Billing address"), ["street", "postcode", "city", "country"]),
        ("identifiers", _("Company identifiers"), ["company_number", "vat_number"]),
        ("peppol", _("E-invoicing address (Peppol)"), ["peppol_scheme", "peppol_id"]),
        (
            "site",
            _("Where the work happens, if elsewhere"),
            ["site_street", "site_postcode", "site_city"],
        ),
        ("terms", _("Documents"), ["language", "payment_terms_days", "notes"]),
    ]
    # Groups shown folded: the work site while empty, Peppol (filled in for you) unless wrong.
    FOLDABLE = {"site", "peppol"}
    COMPANY_ONLY = {"identifiers", "peppol"}

    class Meta:
        model = Client
        fields = CLIENT_FIELDS
        widgets = {
            "kind": forms.RadioSelect,
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "postcode": forms.TextInput(attrs={"autocomplete": "off", "size": 8}),
            "company_number": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            "vat_number": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            "peppol_scheme": forms.TextInput(attrs={"inputmode": "numeric", "size": 4}),
            "payment_terms_days": forms.NumberInput(attrs={"min": 0, "max": 120}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "vat_number": _("With its country prefix, e.g. FR40303265045 or BE0403019261."),
            "peppol_id": _("Filled in from the identifiers when left empty."),
            "notes": _("For you only: never printed on documents."),
        }
        error_messages = {
            "kind": {"invalid_choice": _("Write “company” or “individual”.")},
            "language": {
                "invalid_choice": _("Write one of the document languages: fr, nl, en, de.")
            },
        }

    def __init__(self, *args, activities=None, csv: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not csv:
            # A list of countries named in the reader's language. The CSV import keeps the plain
            # text field: the identifier rules check the code with a message naming the rule.
            self.fields["country"] = forms.ChoiceField(
                label=capfirst(Client._meta.get_field("country").verbose_name),
                choices=country_choices(get_language() or "en"),
                initial="FR",
            )
        if activities is not None:
            self.fields["activity"] = ActivityChoiceField(
                label=_("Activity"),
                queryset=Activity.objects.filter(pk__in=[a.pk for a in activities]),
                empty_label=None,
                initial=activities[0] if activities else None,
            )
            self.order_fields(["activity", *CLIENT_FIELDS])

    def groups(self) -> list[dict]:
        """The fieldsets of the page, in order."""
        out = []
        for key, title, names in self.GROUPS:
            fields = [self[name] for name in names]
            has_errors = any(f.errors for f in fields)
            if key == "site":
                folded = not has_errors and not any(f.value() for f in fields)
            else:
                folded = key in self.FOLDABLE and not has_errors
            out.append(
                {
                    "key": key,
                    "title": title,
                    "fields": fields,
                    "foldable": key in self.FOLDABLE,
                    "folded": folded,
                    "company_only": key in self.COMPANY_ONLY,
                }
            )
        return out

    def clean_notes(self):
        return (self.cleaned_data.get("notes") or "").replace("\r\n", "\n")


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "role", "email", "phone", "is_primary"]
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }


class RelationshipEntryForm(forms.ModelForm):
    class Meta:
        model = RelationshipEntry
        fields = ["kind", "date", "title", "body", "due_on"]
        widgets = {
            "date": DATE_WIDGET,
            "due_on": DATE_WIDGET,
            "body": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"kind": _("What is it?")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = EntryKind.choices
        self.fields["kind"].initial = EntryKind.MEETING
        self.fields["date"].initial = timezone.localdate


class ImportForm(forms.Form):
    activity = ActivityChoiceField(label=_("Activity"), queryset=Activity.objects.none())
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, columns separated by commas or semicolons, at most 2 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,text/plain"}),
    )

    def __init__(self, *args, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = Activity.objects.filter(
            pk__in=[a.pk for a in activities]
        ).order_by("name")
        if activities:
            self.fields["activity"].initial = activities[0]
            self.fields["activity"].empty_label = None
