"""Searching procedures in force: words in any case and accents, filters by trade and kind."""

import pytest
from django.urls import reverse

from .helpers import coop, draft, in_force

pytestmark = pytest.mark.django_db


def test_search_ignores_accents_and_filters_by_trade_and_kind(client):
    c = coop()
    in_force(c, title="Élagage en sécurité", kind="safety",
             steps=[{"text": "Vérifier l'échelle avant de monter.", "to_tick": True}])
    in_force(c, title="Nettoyage du ventilateur", trade="it", kind="repair",
             steps=[{"text": "Souffler la poussière du ventilateur."}])
    draft(c, title="Élagage brouillon")
    client.force_login(c["ines"])
    page = client.get(reverse("procedures-index"), {"q": "elagage"}).content.decode()
    assert "Élagage en sécurité" in page and "brouillon" not in page and "ventilateur" not in page
    page = client.get(reverse("procedures-index"), {"q": "ECHELLE"}).content.decode()
    assert "Élagage en sécurité" in page
    page = client.get(reverse("procedures-index"), {"trade": c["it"].pk}).content.decode()
    assert "Nettoyage du ventilateur" in page and "Élagage en sécurité" not in page
    page = client.get(reverse("procedures-index"), {"kind": "safety", "q": "ventilateur"}).content.decode()
    assert "No procedure matches" in page
