"""The invoice's PDF as the client sees it: the header's two columns side by side, the buyer's
box beside the invoice's title, the payment QR code printed 28 mm wide (laid out by WeasyPrint, read
back from its boxes, not from the HTML)."""

from __future__ import annotations

import pytest

from compagnon.core.tests.factories import member_with_activity
from compagnon.sales.pdf import _fetcher, render_html
from compagnon.sales.tests.factories import ClientFactory, issued_invoice

pytestmark = pytest.mark.django_db

MM = 96 / 25.4  # CSS pixels per millimetre


def _boxes(snapshot):
    from weasyprint import HTML

    document = HTML(string=render_html(snapshot), url_fetcher=_fetcher(), base_url="static:").render()
    page = document.pages[0]._page_box

    def walk(box):
        yield box
        for child in getattr(box, "children", []):
            yield from walk(child)

    return [b for b in walk(page) if getattr(b, "element", None) is not None]


def _first(boxes, predicate):
    return next(b for b in boxes if predicate(b.element))


def _classes(element) -> set[str]:
    return set((element.get("class") or "").split())


def test_the_pdf_sets_the_header_and_the_parties_in_two_columns_with_the_qr_code(django_capture_on_commit_callbacks):
    member, activity = member_with_activity()
    activity.letterhead = "12 rue des Lilas\n44000 Nantes"
    activity.save()
    invoice = issued_invoice(member, activity, ClientFactory(activity=activity))
    assert invoice.frozen["payment"]["qr"]
    boxes = _boxes(invoice.frozen)

    for container, right in (("brand", "hosted"), ("parties", "buyer")):
        outer = _first(boxes, lambda e, c=container: c in _classes(e))
        column = next(child for child in outer.element if child.tag == "div")
        left = _first(boxes, lambda e, c=column: e is c)
        other = _first(boxes, lambda e, r=right: r in _classes(e))
        assert abs(left.position_y - other.position_y) < 1  # side by side, tops aligned
        assert other.position_x >= left.position_x + left.width  # the second to the right of the first
        assert outer.height >= max(left.height, other.height)  # the container holds both columns

    qr = _first(boxes, lambda e: "qr-code" in _classes(e))
    assert round(qr.width / MM) == 28 and round(qr.height / MM) == 28
