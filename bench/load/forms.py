"""What the simulated members type: the lines of a document and the draft editor's form (no locust
import here: bench/load/profile.py uses it in a plain Django process)."""

from __future__ import annotations


def lines(account: dict, variant: int) -> list[dict]:
    """Two item lines; ``variant`` moves the quantities so that an autosave changes something."""
    return [
        {"description": "Entretien du jardin — taille et désherbage", "quantity": str(1 + variant % 4),
         "unit": "HUR", "unit_price": "45.00"},
        {"description": "Évacuation des déchets verts", "quantity": "1", "unit": "LS",
         "unit_price": str(30 + 5 * (variant % 3)) + ".00"},
    ]


def editor_form(account: dict, variant: int, *, quote: bool) -> dict:
    """What the draft editor's form posts (compagnon/sales/templates/sales/editor.html)."""
    rows = lines(account, variant)
    form = {
        "title": f"Travaux {variant % 12}", "buyer_reference": "", "order_reference": "",
        "language": account["language"], "intro": "", "closing": "", "terms": "",
        "discount_percent": "", "discount_amount": "", "charge_amount": "", "charge_reason": "",
        "exemption_code": "",
        "line_key": [f"r{i}" for i in range(len(rows))],
        "line_kind": ["item"] * len(rows),
        "line_description": [line["description"] for line in rows],
        "line_quantity": [line["quantity"] for line in rows],
        "line_unit": [line["unit"] for line in rows],
        "line_unit_price": [line["unit_price"] for line in rows],
        "line_discount": [""] * len(rows),
        "line_vat": [account["vat"]] * len(rows),
    }
    if quote:
        form["valid_until"] = ""
    return form


def form_fields(html: str, action: str) -> dict:
    """The fields a browser would post from the form of ``html`` whose action ends with ``action``:
    inputs (text, email, hidden; checked radios), textareas, selects' selected option. Buttons are
    left out: the caller adds the one it presses."""
    from html.parser import HTMLParser

    class Form(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.inside = False
            self.fields: dict[str, str] = {}
            self.textarea: str | None = None
            self.select: str | None = None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "form":
                self.inside = (a.get("action") or "").endswith(action)
            elif not self.inside:
                return
            elif tag == "input" and a.get("name"):
                kind = (a.get("type") or "text").lower()
                if kind in ("radio", "checkbox"):
                    if "checked" in a:
                        self.fields[a["name"]] = a.get("value") or "on"
                elif kind not in ("submit", "button", "file"):
                    self.fields.setdefault(a["name"], a.get("value") or "")
            elif tag == "textarea" and a.get("name"):
                self.textarea = a["name"]
                self.fields[self.textarea] = ""
            elif tag == "select" and a.get("name"):
                self.select = a["name"]
            elif tag == "option" and self.select and "selected" in a:
                self.fields[self.select] = a.get("value") or ""

        def handle_data(self, data):
            if self.inside and self.textarea:
                self.fields[self.textarea] += data

        def handle_endtag(self, tag):
            if tag == "form":
                self.inside = False
            elif tag == "textarea":
                self.textarea = None
            elif tag == "select":
                self.select = None

    parser = Form()
    parser.feed(html)
    message = parser.fields.get("message")
    if message is not None and message.startswith("\n"):  # HTML drops a textarea's first newline
        parser.fields["message"] = message[1:]
    return parser.fields
