"""Payment references and the EPC QR code of an invoice.

Belgian entities give each invoice a *structured communication* (OGM/VCS, ``+++123/4567/89012+++``:
ten digits and a mod-97 check); other entities an ISO 11649 *RF creditor reference*. Both are
derived from the entity's prefix and the invoice's year and sequence, so they are unique across
entities (a database constraint backs it), stable, and can be matched back to the invoice when the
payment arrives (bank reconciliation).

The EPC QR code (EPC069-12, "SEPA credit transfer QR") lets the client pay by scanning the PDF
with a banking app: it carries the entity's IBAN/BIC, name, amount and reference.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal

from stdnum import iso11649
from stdnum.be import ogm_vcs
from stdnum.iso7064 import mod_97_10

STRUCTURED = "ogm"  # Belgian structured communication
CREDITOR = "rf"  # ISO 11649 creditor reference


# Entity prefixes: references are unique across entities, not only per entity. Each entity has a
# prefix, its rank among the entities of its jurisdiction (1 for the first one created, 2 for the
# next…, see sales.services.payment_reference_prefix). Prefix 1 gives exactly the references issued
# before prefixes existed, so references already printed stay what they were.
#
# Belgian structured communication, 10 digits + 2 check digits (mod 97):
#     YY  P  SSSSSSS  CC      YY year, P the prefix digit (1–9, then 0 for the tenth entity),
#                              SSSSSSS the invoice sequence of the year (up to 9,999,999)
# so up to ten Belgian entities; an eleventh is refused a prefix (never a duplicate reference).
# ISO 11649 RF reference (up to 21 characters after RF and the 2 check digits):
#     RFcc [P] YYYY SSSSSSS   the prefix written out before the year, omitted for prefix 1
# (11 digits for the first entity, 12 for prefixes 2–9, 13 for 10–99…: different lengths or
# different leading digits, so no two entities share a reference).
MAX_STRUCTURED_PREFIX = 10


def structured_communication(year: int, sequence: int, prefix: int = 1) -> str:
    """Ten digits (2-digit year, entity prefix digit, 7-digit sequence) and their mod-97 check."""
    if sequence >= 10_000_000:
        raise ValueError("sequence too large for a structured communication")
    if not 1 <= prefix <= MAX_STRUCTURED_PREFIX:
        raise ValueError("entity prefix outside 1–10 for a structured communication")
    base = f"{year % 100:02d}{prefix % 10}{sequence:07d}"
    return base + ogm_vcs.calc_check_digits(base)


def creditor_reference(year: int, sequence: int, prefix: int = 1) -> str:
    """``RF`` + two check digits + [entity prefix] + the year and the zero-padded sequence."""
    if prefix < 1:
        raise ValueError("entity prefixes start at 1")
    body = ("" if prefix == 1 else str(prefix)) + f"{year}{sequence:07d}"
    check = mod_97_10.calc_check_digits(body + "RF")
    return f"RF{check}{body}"


def reference_for(jurisdiction: str, year: int, sequence: int, prefix: int = 1) -> tuple[str, str]:
    """(kind, compact reference) for the entity with this prefix in this jurisdiction."""
    if jurisdiction == "BE":
        return STRUCTURED, structured_communication(year, sequence, prefix)
    return CREDITOR, creditor_reference(year, sequence, prefix)


def display(kind: str, reference: str) -> str:
    """How the reference is printed: ``+++123/4567/89012+++`` or ``RF18 2026 0000 123``."""
    if not reference:
        return ""
    if kind == STRUCTURED:
        return "+++" + ogm_vcs.format(reference).strip("+") + "+++"
    return iso11649.format(reference)


def parse(text: str) -> tuple[str, str] | None:
    """Find a valid structured communication or RF reference in free text (remittance info)."""
    for match in re.finditer(r"(?:\+\+\+|\*\*\*)?\s*(\d{3})\s*/?\s*(\d{4})\s*/?\s*(\d{5})\s*(?:\+\+\+|\*\*\*)?", text or ""):
        digits = "".join(match.groups())
        if ogm_vcs.is_valid(digits):
            return STRUCTURED, digits
    tokens = re.findall(r"[0-9A-Z]+", (text or "").upper())
    for i, token in enumerate(tokens):
        if not re.fullmatch(r"RF\d{2}[0-9A-Z]*", token):
            continue
        # printed form: groups of at most four characters after "RFnn"; stop at the first word
        candidates, current = [], token
        for following in tokens[i + 1:]:
            if len(following) > 4 or len(current) >= 25:
                break
            current += following
            candidates.append(current)
        candidates = [token, *candidates]
        valid = [c for c in candidates if 5 <= len(c) <= 25 and iso11649.is_valid(c)]
        # a trailing short word can make a longer string valid by chance (1 in 97): prefer
        # digit-only bodies, which is what Compagnon issues, then the shortest valid form
        digits = [c for c in valid if c[4:].isdigit()]
        if digits:
            return CREDITOR, max(digits, key=len)
        if valid:
            return CREDITOR, min(valid, key=len)
    return None


def epc_qr_payload(*, name: str, iban: str, bic: str, amount: Decimal, kind: str, reference: str, text: str = "") -> str:
    """The EPC069-12 version 002 payload, or "" when nothing can be paid by transfer.

    An RF reference goes in the structured remittance field; a Belgian structured communication
    goes in the unstructured one with its +++ signs, which is how Belgian banking apps read it.
    """
    amount = Decimal(amount)
    if not iban or amount < Decimal("0.01") or amount > Decimal("999999999.99"):
        return ""
    structured = reference if kind == CREDITOR else ""
    remittance = display(kind, reference) if kind == STRUCTURED else ("" if structured else text)
    lines = [
        "BCD", "002", "1", "SCT",
        (bic or "").replace(" ", ""),
        name[:70],
        iban.replace(" ", "").upper(),
        f"EUR{amount:.2f}",
        "",  # purpose
        structured,
        remittance[:140],
    ]
    return "\n".join(lines).rstrip("\n")


def qr_matrix(payload: str) -> list[list[bool]]:
    """The QR code of ``payload`` as rows of dark (True) modules, no quiet zone: medium error
    correction, as EPC069-12 requires; the mask the standard's penalty rules choose."""
    import qrcode

    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    qr.add_data(payload.encode("utf-8"))
    qr.make(fit=True)
    return qr.get_matrix()


@functools.lru_cache(maxsize=256)
def qr_png(payload: str, *, scale: int = 8) -> bytes:
    """The payload's QR code as a black-and-white PNG, ``scale`` pixels a module ("" gives b"").
    An image, not a vector drawing: the PDF renderer draws each path command of an SVG in Python,
    which cost a third of an invoice's PDF; an image is copied in as it is. Kept per process for
    the previews of a draft, rendered again at each change with the same payment details."""
    if not payload:
        return b""
    from io import BytesIO

    from PIL import Image

    matrix = qr_matrix(payload)
    size = len(matrix)
    image = Image.new("1", (size, size), 1)
    image.putdata([0 if dark else 1 for row in matrix for dark in row])
    image = image.resize((size * scale, size * scale), Image.Resampling.NEAREST)
    out = BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
