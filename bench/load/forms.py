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
