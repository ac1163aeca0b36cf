"""The QR code left at a client's home, as SVG (to print) or PNG (to download), drawn with
``qrcode`` (already a dependency through allauth's TOTP). The code holds the scan URL only."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg


def _code(url: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=4)
    code.add_data(url)
    code.make(fit=True)
    return code


def svg(url: str) -> bytes:
    image = _code(url).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode").encode()


def png(url: str) -> bytes:
    out = io.BytesIO()
    _code(url).make_image(fill_color="black", back_color="white").save(out, format="PNG")
    return out.getvalue()
