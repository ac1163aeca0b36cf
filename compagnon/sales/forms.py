"""Forms of the quote and invoice pages. They parse what the member typed; services decide."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import get_format
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from compagnon import jurisdictions
from compagnon.clients.models import DOCUMENT_LANGUAGES
from compagnon.core.formatting import percent
from compagnon.jurisdictions.base import ZERO_RATE_CATEGORIES

from .fields import PythonWidgets
from .models import (
    CHARGE_REASON_REQUIRED,
    UNIT_CHOICES,
    VAT_CATEGORY_CHOICES,
    CatalogueItem,
    Document,
    Kind,
    LineKind,
)

UNITS = {code for code, _label in UNIT_CHOICES}
SPACES = (" ", "\u00a0", "\u202f", "'")


# --- decimals as people type them: "1 234,50", "1234.5", "12,5 %" ---------------------------


def parse_decimal(value) -> Decimal:
    """A decimal typed with a comma or a dot, with or without thousand separators; ValueError
    when it is not a number."""
    if isinstance(value, Decimal):
        return value
    text = str(value or "").strip().rstrip("%€").strip()
    for space in SPACES:
        text = text.replace(space, "")
    if "," in text and "." in text:  # the last one is the decimal separator
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    else:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(value) from None
    if not number.is_finite():
        raise ValueError(value)
    return number


def show_decimal(value, places: int = 0) -> str:
    """A decimal for an input, with the language's decimal separator, no grouping and no useless
    zeros beyond ``places`` (40.0000 → "40,00" in French with places=2; 3.500 → "3,5")."""
    if value in (None, ""):
        return ""
    d = Decimal(str(value))
    exponent = d.normalize().as_tuple().exponent
    decimals = max(places, -exponent if exponent < 0 else 0)
    return f"{d:.{decimals}f}".replace(".", get_format("DECIMAL_SEPARATOR"))


class DecimalInput(forms.TextInput):
    """A text input with a decimal keyboard on phones: type=number refuses "12,5" in many browsers."""

    def __init__(self, places: int = 0, attrs=None):
        self.places = places
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if value in (None, ""):
            return None
        try:
            return show_decimal(parse_decimal(value), self.places)
        except ValueError:
            return str(value)


class TypedDecimalField(forms.DecimalField):
    """A DecimalField that accepts a comma or a dot whatever the interface language."""

    def __init__(self, *, places: int = 0, **kwargs):
        kwargs.setdefault("widget", DecimalInput(places=places))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_decimal(value)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


def _label(model, name: str) -> str:
    return capfirst(model._meta.get_field(name).verbose_name)


# --- VAT: one select per line, "category:rate" ------------------------------------------------


def vat_value(category: str, rate) -> str:
    return f"{category}:{Decimal(str(rate)).quantize(Decimal('0.01'))}"


def parse_vat(value: str) -> tuple[str, Decimal]:
    category, _sep, rate = (value or "").partition(":")
    if category not in dict(VAT_CATEGORY_CHOICES):
        raise ValueError(value)
    return category, parse_decimal(rate)


def standard_vat(entity) -> str:
    rules = jurisdictions.get(entity.jurisdiction)
    try:
        rate = rules.vat_rate("standard").rate
    except LookupError:
        rate = max(r.rate for r in rules.vat_rates)
    return vat_value("S", rate)


def vat_choices(entity, extra: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """The jurisdiction's rates (standard first), then the zero-rated categories. ``extra`` keeps a
    value a line already has (an old rate) in the list so nothing is changed behind the member's back."""
    rules = jurisdictions.get(entity.jurisdiction)
    out = []
    for rate in sorted((r for r in rules.vat_rates if r.rate > 0), key=lambda r: -r.rate):
        out.append((vat_value("S", rate.rate), percent(rate.rate)))
    labels = dict(VAT_CATEGORY_CHOICES)
    for category in ("Z", "E", "AE", "K", "G", "O"):
        out.append((vat_value(category, 0), f"{percent(0)} — {labels[category]}"))
    known = {v for v, _label in out}
    for value in extra:
        if value and value not in known:
            try:
                category, rate = parse_vat(value)
            except ValueError:
                continue
            out.append((value, f"{percent(rate)} ({labels[category]})"))
            known.add(value)
    return out


def exemption_choices(entity) -> list:
    rules = jurisdictions.get(entity.jurisdiction)
    labels = dict(VAT_CATEGORY_CHOICES)
    groups: dict[str, list] = {}
    for e in rules.exemptions:
        groups.setdefault(str(capfirst(labels.get(e.category, e.category))), []).append((e.code, str(e.mention)))
    return [("", _("Default mention for the category"))] + list(groups.items())


# --- the document header ----------------------------------------------------------------------


class DocumentForm(forms.Form):
    """The header fields of a draft (the lines are parsed by :func:`parse_lines`). Its widgets are
    written by Python (``fields.PythonWidgets``: the same HTML as Django's templates)."""

    default_renderer = PythonWidgets

    title = forms.CharField(label=_label(Document, "title"), max_length=200, required=False)
    buyer_reference = forms.CharField(label=_label(Document, "buyer_reference"), max_length=100, required=False)
    order_reference = forms.CharField(label=_label(Document, "order_reference"), max_length=100, required=False)
    language = forms.ChoiceField(label=_label(Document, "language"), choices=DOCUMENT_LANGUAGES,
                                 help_text=_("The language the client reads the document in."))
    valid_until = forms.DateField(label=_label(Document, "valid_until"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    intro = forms.CharField(label=_label(Document, "intro"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}),
                            help_text=_("Printed above the lines."))
    closing = forms.CharField(label=_label(Document, "closing"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("Printed below the totals."))
    terms = forms.CharField(label=_label(Document, "terms"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}),
                            help_text=Document._meta.get_field("terms").help_text)
    discount_percent = TypedDecimalField(label=_label(Document, "discount_percent"), required=False,
                                         min_value=Decimal("0"), max_value=Decimal("100"),
                                         max_digits=5, decimal_places=2)
    discount_amount = TypedDecimalField(label=_label(Document, "discount_amount"), required=False,
                                        min_value=Decimal("0"), max_digits=12, decimal_places=2, places=2,
                                        help_text=_("Excl. VAT, spread over the VAT rates."))
    charge_amount = TypedDecimalField(label=_label(Document, "charge_amount"), required=False,
                                      min_value=Decimal("0"), max_digits=12, decimal_places=2, places=2,
                                      help_text=_("Excl. VAT, spread over the VAT rates like the lines."))
    charge_reason = forms.CharField(label=_label(Document, "charge_reason"), required=False, max_length=100,
                                    help_text=Document._meta.get_field("charge_reason").help_text)
    exemption_code = forms.ChoiceField(label=_label(Document, "exemption_code"), required=False,
                                       help_text=_("Printed on the document when a line is exempt, "
                                                   "reverse-charged, exported or outside the scope of VAT."))

    FIELDS = ["title", "buyer_reference", "order_reference", "language", "valid_until", "intro",
              "closing", "terms", "discount_percent", "discount_amount", "charge_amount", "charge_reason",
              "exemption_code"]

    def __init__(self, *args, document: Document, **kwargs):
        if "initial" not in kwargs and not args:
            kwargs["initial"] = {f: getattr(document, f) for f in self.FIELDS}
        super().__init__(*args, **kwargs)
        self.document = document
        self.fields["exemption_code"].choices = exemption_choices(document.entity)
        if not document.is_quote:
            del self.fields["valid_until"]
        for name in ("intro", "closing", "terms"):
            self.fields[name].widget.attrs["class"] = "grow"

    def clean(self):
        data = super().clean()
        for name in ("intro", "closing", "terms"):
            if name in data:  # browsers send textarea line breaks as CRLF
                data[name] = (data[name] or "").replace("\r\n", "\n")
        for name in ("discount_percent", "discount_amount", "charge_amount"):
            if name in data and data[name] is None:
                data[name] = Decimal("0")
        if data.get("charge_amount") and not (data.get("charge_reason") or "").strip():
            self.add_error("charge_reason", CHARGE_REASON_REQUIRED)
        return data

    def service_fields(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.FIELDS if f in self.cleaned_data}


# --- the lines --------------------------------------------------------------------------------

LINE_INPUTS = ["key", "kind", "description", "quantity", "unit", "unit_price", "discount", "vat"]


def line_row(line=None, *, key: str, entity, **values) -> dict:
    """What one line editor row shows, from a saved line or from values (a new row)."""
    if line is not None:
        values = {
            "kind": line.kind, "description": line.description,
            "quantity": show_decimal(line.quantity), "unit": line.unit,
            "unit_price": show_decimal(line.unit_price, 2),
            "discount": show_decimal(line.discount_percent) if line.discount_percent else "",
            "vat": vat_value(line.vat_category, line.vat_rate), "net": line.net_amount,
        }
    row = {"key": key, "kind": LineKind.ITEM, "description": "", "quantity": "1", "unit": "C62",
           "unit_price": "", "discount": "", "vat": standard_vat(entity), "net": None}
    row.update({k: v for k, v in values.items() if v is not None})
    return row


def _is_blank(row: dict) -> bool:
    """A new row nobody has typed in yet: it is kept on the page but not saved (no error either)."""
    if row["description"].strip():
        return False
    if row["kind"] != LineKind.ITEM:
        return True
    try:
        return parse_decimal(row["unit_price"] or "0") == 0
    except ValueError:
        return False


def parse_lines(data) -> tuple[list[dict], list[dict], list[str]]:
    """Read the line rows posted by the editor (repeated ``line_*`` inputs, in page order).

    Returns ``(rows, lines, errors)``: ``rows`` to show again exactly as typed, ``lines`` for
    ``services.save_draft`` (blank new rows left out), ``errors`` naming the line for what could
    not even be read as a number. Line numbers count the rows that are saved, as the service does.
    """
    columns = {name: data.getlist(f"line_{name}") for name in LINE_INPUTS}
    count = min(len(v) for v in columns.values())
    rows, lines, errors = [], [], []
    for i in range(count):
        row = {name: columns[name][i] for name in LINE_INPUTS}
        row["kind"] = row["kind"] if row["kind"] in LineKind.values else LineKind.ITEM
        row["description"] = row["description"].replace("\r\n", "\n")
        row["blank"] = _is_blank(row)
        row["net"], row["number"] = None, ""
        rows.append(row)
        if row["blank"]:
            continue
        n = len(lines) + 1
        row["number"] = n
        line = {"kind": row["kind"], "description": row["description"].strip()}
        if row["kind"] == LineKind.ITEM:
            for name, field, label in (
                ("quantity", "quantity", _("quantity")),
                ("unit_price", "unit_price", _("unit price")),
                ("discount", "discount_percent", _("discount (%)")),
            ):
                try:
                    line[field] = parse_decimal(row[name] or ("1" if name == "quantity" else "0"))
                except ValueError:
                    errors.append(gettext("Line %(n)s: the %(field)s “%(value)s” is not a number.")
                                  % {"n": n, "field": label, "value": row[name]})
            line["unit"] = row["unit"] if row["unit"] in UNITS else "C62"
            try:
                line["vat_category"], line["vat_rate"] = parse_vat(row["vat"])
            except ValueError:
                errors.append(gettext("Line %(n)s: choose a VAT rate.") % {"n": n})
        lines.append(line)
    return rows, lines, errors


# --- new documents, quotes to invoices, credit notes --------------------------------------------


class NewDocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("What do you want to make?"), widget=forms.RadioSelect,
                             choices=[(Kind.QUOTE, _("A quote")), (Kind.INVOICE, _("An invoice"))],
                             initial=Kind.QUOTE)
    activity = forms.TypedChoiceField(label=_("Activity"), coerce=int)
    client = forms.IntegerField(label=_("Client"), error_messages={"required": _("Choose a client.")})

    def __init__(self, *args, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = [(a.pk, a.name) for a in activities]


class DepositForm(forms.Form):
    percent = TypedDecimalField(label=_("Percentage of the quote"), required=False,
                                min_value=Decimal("0.01"), max_value=Decimal("100"), max_digits=5,
                                decimal_places=2)
    amount = TypedDecimalField(label=_("or an amount excl. VAT"), required=False,
                               min_value=Decimal("0.01"), max_digits=12, decimal_places=2, places=2)

    def clean(self):
        data = super().clean()
        if not self.errors and (data.get("percent") is None) == (data.get("amount") is None):
            raise ValidationError(_("Give either a percentage or an amount."))
        return data


class PartialForm(forms.Form):
    percent = TypedDecimalField(label=_("Percentage of every line"), min_value=Decimal("0.01"),
                                max_value=Decimal("99.99"), max_digits=5, decimal_places=2)


# --- catalogue ----------------------------------------------------------------------------------


class CatalogueItemForm(forms.Form):
    name = forms.CharField(label=_label(CatalogueItem, "name"), max_length=200)
    description = forms.CharField(label=_label(CatalogueItem, "description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text=_("Copied into the line; you can still change it there."))
    unit = forms.ChoiceField(label=_label(CatalogueItem, "unit"), choices=UNIT_CHOICES, initial="C62")
    unit_price = TypedDecimalField(label=_label(CatalogueItem, "unit_price"), min_value=Decimal("0"),
                                   max_digits=14, decimal_places=4, places=2)
    vat = forms.ChoiceField(label=_("VAT"))
    is_goods = forms.BooleanField(label=_label(CatalogueItem, "is_goods"), required=False)

    FIELDS = ["name", "description", "unit", "unit_price", "vat_category", "vat_rate", "is_goods"]

    def __init__(self, *args, activity, item: CatalogueItem | None = None, **kwargs):
        if item is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": item.name, "description": item.description, "unit": item.unit,
                "unit_price": item.unit_price, "vat": vat_value(item.vat_category, item.vat_rate),
                "is_goods": item.is_goods,
            }
        super().__init__(*args, **kwargs)
        current = (vat_value(item.vat_category, item.vat_rate),) if item is not None else ()
        self.fields["vat"].choices = vat_choices(activity.entity, current)
        if item is None:
            self.fields["vat"].initial = standard_vat(activity.entity)

    def clean(self):
        data = super().clean()
        if "description" in data:
            data["description"] = data["description"].replace("\r\n", "\n")
        if data.get("vat"):
            data["vat_category"], data["vat_rate"] = parse_vat(data["vat"])
            if data["vat_category"] in ZERO_RATE_CATEGORIES and data["vat_rate"] != 0:
                self.add_error("vat", _("The VAT rate must be 0 for this category."))
        return data

    def service_fields(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.FIELDS}
