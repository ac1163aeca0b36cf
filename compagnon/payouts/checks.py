"""The rules a transfer's values obey, whichever door they come through (page, API, generation).

Each function returns the normalised value or raises ``django.core.exceptions.ValidationError``
with a message that names the rule; callers attach it to their field.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum import iso11649
from stdnum.be import ogm_vcs

from compagnon.sales import payment

from .models import RemittanceKind

NAME_MAX = 70  # Cdtr/Nm, EPC rulebook
TEXT_MAX = 140  # RmtInf/Ustrd
ID_MAX = 35  # EndToEndId, MsgId
AMOUNT_MAX = Decimal("999999999.99")  # SEPA credit transfer ceiling
EXAMPLE_OGM = "+++090/9337/55493+++"

# The EPC "basic Latin" set every SEPA bank accepts (EPC217-08); anything else is transliterated
# (é → e) or, when it has no Latin form, replaced as the conversion table says.
_SEPA_CHARS = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")
_REPLACEMENTS = {"&": "+", "_": "-", "\n": " ", "\t": " ", "\"": "'", "`": "'"}
_ID_RE = re.compile(r"[A-Za-z0-9/\-?:().,'+ ]{1,35}")
# Latin letters that do not decompose into a base letter and an accent
_LATIN = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
                        "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "þ": "th", "Þ": "TH", "ð": "d",
                        "€": "EUR", "’": "'", "‘": "'", "“": "'", "”": "'", "–": "-", "—": "-"})


def _latin(value: str) -> str:
    """é → e, ç → c, ß → ss… (the stdlib's decomposition plus the letters it leaves alone)."""
    decomposed = unicodedata.normalize("NFKD", value.translate(_LATIN))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def sepa_text(value: str, limit: int) -> str:
    """``value`` in the SEPA character set, whitespace collapsed, at most ``limit`` characters."""
    text = _latin(value or "")
    text = "".join(_REPLACEMENTS.get(c, c) for c in text)
    text = _SEPA_CHARS.sub(" ", text)
    return " ".join(text.split())[:limit].strip()


def iban(value: str) -> str:
    """A valid IBAN of the SEPA zone, compact and upper case."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if not compact:
        raise ValidationError(_("Type the beneficiary's IBAN."), code="required")
    try:
        parsed = IBAN(compact)
    except SchwiftyException:
        raise ValidationError(
            _("This IBAN is not valid: check the country code, the length and the two check digits."),
            code="iban",
        ) from None
    if not parsed.in_sepa_zone:
        raise ValidationError(
            _("This IBAN is outside the SEPA zone (%(country)s): a SEPA transfer cannot reach it.")
            % {"country": parsed.country_code},
            code="iban_not_sepa",
        )
    return str(parsed.compact)


def bic(value: str) -> str:
    """A valid BIC (8 or 11 characters), or "" (SEPA transfers need only the IBAN)."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if not compact:
        return ""
    try:
        BIC(compact)
    except SchwiftyException:
        raise ValidationError(
            _("This BIC is not valid: 8 or 11 letters and digits, e.g. GKCCBEBB; leave it empty if unsure."),
            code="bic",
        ) from None
    return compact


def creditor_name(value: str) -> str:
    name = " ".join((value or "").split())
    if not name:
        raise ValidationError(_("Type the beneficiary's name."), code="required")
    if not sepa_text(name, NAME_MAX):
        raise ValidationError(_("The beneficiary's name needs Latin letters or digits: SEPA transfers carry no "
                                "other characters."), code="name_not_latin")
    if len(name) > NAME_MAX:
        raise ValidationError(
            _("The beneficiary's name has %(length)s characters; a SEPA transfer carries at most %(max)s.")
            % {"length": len(name), "max": NAME_MAX},
            code="name_too_long",
        )
    return name


def amount(value) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError(_("Type an amount in euros, e.g. 125.50."), code="invalid") from None
    if not number.is_finite():
        raise ValidationError(_("Type an amount in euros, e.g. 125.50."), code="invalid")
    if number <= 0:
        raise ValidationError(_("The amount must be more than 0."), code="amount_not_positive")
    if number != number.quantize(Decimal("0.01")):
        raise ValidationError(_("The amount has at most two decimals (cents)."), code="amount_decimals")
    if number > AMOUNT_MAX:
        raise ValidationError(
            _("A SEPA transfer is at most %(max)s euros.") % {"max": AMOUNT_MAX}, code="amount_too_large"
        )
    return number.quantize(Decimal("0.01"))


def end_to_end_id(value: str) -> str:
    """A typed end-to-end id: 1 to 35 characters of the SEPA set, no leading, trailing or double
    slash (EPC rule for references)."""
    ident = (value or "").strip()
    if not _ID_RE.fullmatch(ident) or ident.startswith("/") or ident.endswith("/") or "//" in ident:
        raise ValidationError(
            _("The end-to-end id has 1 to 35 letters, digits or / - ? : ( ) . , ' + characters, "
              "and does not start or end with a slash nor contain two slashes in a row."),
            code="end_to_end_id",
        )
    return ident


def _compact_ogm(value: str) -> str:
    return re.sub(r"[\s+*/]", "", value or "")


def remittance(kind: str, value: str) -> tuple[str, str]:
    """(kind, value) normalised: a structured reference in its compact form, or the message.

    A message that is nothing but a Belgian structured communication or an RF reference is sent
    as that structured reference: it is what the beneficiary's bank matches on.
    """
    value = (value or "").strip()
    if kind == RemittanceKind.OGM:
        digits = _compact_ogm(value)
        if not (digits.isdigit() and len(digits) == 12 and ogm_vcs.is_valid(digits)):
            raise ValidationError(
                _("This is not a valid Belgian structured communication: 12 digits whose last two are "
                  "the mod-97 check of the first ten, e.g. %(example)s.") % {"example": EXAMPLE_OGM},
                code="ogm",
            )
        return RemittanceKind.OGM, digits
    if kind == RemittanceKind.RF:
        compact = re.sub(r"\s+", "", value).upper()
        if not iso11649.is_valid(compact):
            raise ValidationError(
                _("This is not a valid RF creditor reference (ISO 11649): RF, two check digits and up "
                  "to 21 letters or digits, e.g. RF18 5390 0754 7034."),
                code="rf",
            )
        return RemittanceKind.RF, compact
    if kind not in ("", RemittanceKind.TEXT):
        raise ValidationError(_("Choose a reference kind: message, Belgian structured communication or "
                                "RF creditor reference."), code="invalid_choice")
    text = " ".join(value.split())
    if not text:
        raise ValidationError(
            _("Give the beneficiary a message or a reference, so they know what the money is for."),
            code="required",
        )
    found = payment.parse(text)
    if found is not None:
        found_kind, reference = found
        leftover = re.sub(r"[\s+*/]", "", text).upper()
        if leftover == reference:
            return (RemittanceKind.OGM if found_kind == payment.STRUCTURED else RemittanceKind.RF), reference
    if not sepa_text(text, TEXT_MAX):
        raise ValidationError(_("The message needs Latin letters or digits: SEPA transfers carry no other "
                                "characters."), code="text_not_latin")
    if len(text) > TEXT_MAX:
        raise ValidationError(
            _("The message has %(length)s characters; a SEPA transfer carries at most %(max)s.")
            % {"length": len(text), "max": TEXT_MAX},
            code="text_too_long",
        )
    return RemittanceKind.TEXT, text


def display_remittance(kind: str, value: str) -> str:
    """How a line's reference reads on the pages: ``+++090/9337/55493+++``, ``RF18 …`` or the text."""
    if kind == RemittanceKind.OGM:
        return payment.display(payment.STRUCTURED, value)
    if kind == RemittanceKind.RF:
        return payment.display(payment.CREDITOR, value)
    return value
