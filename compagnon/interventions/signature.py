"""The client's signature drawn on the screen: the phone sends the points of each stroke; the
server writes the SVG itself from them, so nothing from the browser is ever served as SVG."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_STROKES = 200
MAX_POINTS = 5000


def strokes_svg(strokes_json: str, *, width: int, height: int) -> bytes:
    """The signature drawn on the screen, written as SVG by the server from the points only
    (never an SVG from the browser: nothing but paths can be in it)."""
    try:
        strokes = json.loads(strokes_json or "[]")
    except (TypeError, ValueError):
        strokes = None
    if not isinstance(strokes, list) or not strokes or len(strokes) > MAX_STROKES:
        raise ValidationError({"signature": _("Draw the signature in the box before saving it.")})
    width, height = max(1, min(int(width or 600), 4000)), max(1, min(int(height or 200), 4000))
    paths, count = [], 0
    for stroke in strokes:
        if not isinstance(stroke, list) or not stroke:
            continue
        points = []
        for point in stroke:
            if not (
                isinstance(point, list)
                and len(point) == 2
                and all(isinstance(v, int | float) for v in point)
            ):
                raise ValidationError(
                    {"signature": _("The drawing could not be read: clear it and sign again.")}
                )
            x, y = max(0.0, min(float(point[0]), width)), max(0.0, min(float(point[1]), height))
            points.append(f"{x:.1f} {y:.1f}")
            count += 1
        if count > MAX_POINTS:
            raise ValidationError(
                {"signature": _("The drawing is too long: clear it and sign again.")}
            )
        if len(points) == 1:
            points.append(points[0])
        paths.append('<path d="M' + " L".join(points) + '"/>')
    if count < 2:
        raise ValidationError({"signature": _("Draw the signature in the box before saving it.")})
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
        '<g fill="none" stroke="#111" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round">'
        + "".join(paths)
        + "</g></svg>"
    )
    return svg.encode()
