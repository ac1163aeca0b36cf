"""The immediate advance of the tax credit (France): URSSAF's "API Tiers de prestation".

One interface, :class:`UrssafApi`: register an individual (→ URSSAF's client id), send a payment
request for an invoice (→ the request's id), read the statuses of requests. :class:`HttpUrssafApi`
speaks the documented API over HTTPS: an OAuth2 *client credentials* token from
``{URSSAF_API_URL}/api/oauth/v1/token`` (scope ``homeplus.tiersprestations``), then

* ``POST /atp/v1/tiersPrestations/particulier`` → ``{"idClient"}``
* ``POST /atp/v1/tiersPrestations/demandePaiement`` → ``{"idDemandePaiement"}``
* ``POST /atp/v1/tiersPrestations/demandePaiement/rechercher`` → ``{"infoDemandePaiements": [{"idDemandePaiement",
  "statut": {"code", "libelle"}}]}``

Settings: ``URSSAF_API_URL`` (the production or sandbox base URL URSSAF gives the provider),
``URSSAF_CLIENT_ID``, ``URSSAF_CLIENT_SECRET``. Tests run the same adapter against the local fake
(:mod:`.urssaf_fake`), a real HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import abc
import datetime
import time
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from .models import UrssafStatus

BASE = "/atp/v1/tiersPrestations"
SCOPE = "homeplus.tiersprestations"
TIMEOUT = 20

# URSSAF's status codes of a payment request, as its documentation lists them
STATUS_CODES = {
    "10": UrssafStatus.SENT,  # intégrée
    "20": UrssafStatus.WAITING,  # en attente de validation par le particulier
    "30": UrssafStatus.VALIDATED,  # validée
    "40": UrssafStatus.REFUSED,  # refusée par le particulier
    "50": UrssafStatus.COLLECTED,  # prélevée
    "60": UrssafStatus.REJECTED,  # refus de prélèvement
    "70": UrssafStatus.PAID,  # payée au prestataire
    "110": UrssafStatus.CANCELLED,  # annulée
    "111": UrssafStatus.CANCELLED,  # annulée après prélèvement
}
FINAL = {UrssafStatus.REFUSED, UrssafStatus.PAID, UrssafStatus.CANCELLED, UrssafStatus.REJECTED}


class UrssafError(Exception):
    """URSSAF refused or could not be reached; ``message`` is what the member reads."""


@dataclass
class Person:
    """What URSSAF needs to recognise an individual (it must have filed an income tax return)."""

    civility: str  # "1" Mr, "2" Mrs, as URSSAF codes it
    birth_name: str
    first_names: str
    birth_date: datetime.date
    birth_country: str  # INSEE country code, "99100" for France
    birth_commune: str  # INSEE commune code when born in France
    email: str
    mobile: str
    street: str
    postcode: str
    city: str
    iban: str
    bic: str
    holder: str
    usage_name: str = ""


@dataclass
class PaymentRequest:
    client_id: str
    invoice_number: str
    invoice_date: datetime.date
    period_start: datetime.date
    period_end: datetime.date
    total_incl: Decimal
    total_excl: Decimal
    hours: Decimal
    unit_price_incl: Decimal
    nature_code: str
    activity_code: str = "10"


class UrssafApi(abc.ABC):
    @abc.abstractmethod
    def register(self, person: Person) -> str:
        """URSSAF's id of the individual."""

    @abc.abstractmethod
    def request_payment(self, request: PaymentRequest) -> str:
        """URSSAF's id of the payment request."""

    @abc.abstractmethod
    def statuses(self, ids: list[str]) -> dict[str, tuple[str, str]]:
        """``{request id: (code, label)}``."""


def _amount(value: Decimal) -> float:
    return float(Decimal(value).quantize(Decimal("0.01")))


def person_payload(p: Person) -> dict:
    born_in_france = p.birth_country == "99100"
    return {
        "civilite": p.civility,
        "nomNaissance": p.birth_name,
        "nomUsage": p.usage_name or None,
        "prenoms": p.first_names,
        "dateNaissance": f"{p.birth_date:%Y-%m-%d}T00:00:00.000Z",
        "lieuNaissance": {
            "codePaysNaissance": p.birth_country,
            "communeNaissance": {"codeCommune": p.birth_commune} if born_in_france else None,
        },
        "numeroTelephonePortable": p.mobile,
        "adresseMail": p.email,
        "adressePostale": {
            "libelleVoie": p.street,
            "codePostal": p.postcode,
            "libelleCommune": p.city,
            "codePays": "99100",
        },
        "coordonneeBancaire": {
            "bic": p.bic,
            "iban": p.iban.replace(" ", ""),
            "titulaire": p.holder,
        },
    }


def request_payload(r: PaymentRequest) -> dict:
    tax = r.total_incl - r.total_excl
    return {
        "idClient": r.client_id,
        "idTiersFacturation": "",
        "numFactureTiers": r.invoice_number,
        "dateFacture": f"{r.invoice_date:%Y-%m-%d}T00:00:00.000Z",
        "dateDebutEmploi": f"{r.period_start:%Y-%m-%d}T00:00:00.000Z",
        "dateFinEmploi": f"{r.period_end:%Y-%m-%d}T23:59:59.000Z",
        "mntAcompte": 0,
        "mntFactureTTC": _amount(r.total_incl),
        "mntFactureHT": _amount(r.total_excl),
        "inputPrestations": [
            {
                "codeActivite": r.activity_code,
                "codeNature": r.nature_code,
                "quantite": float(r.hours),
                "unite": "HEURE",
                "mntUnitaireTTC": _amount(r.unit_price_incl),
                "mntPrestationTTC": _amount(r.total_incl),
                "mntPrestationHT": _amount(r.total_excl),
                "mntPrestationTVA": _amount(tax),
            }
        ],
    }


class HttpUrssafApi(UrssafApi):
    def __init__(self, base_url: str, client_id: str, client_secret: str):
        import requests

        self.base_url = base_url.rstrip("/")
        self.client_id, self.client_secret = client_id, client_secret
        self.session = requests.Session()
        self._token, self._expires = "", 0.0

    def _bearer(self) -> str:
        if self._token and time.monotonic() < self._expires - 30:
            return self._token
        response = self.session.post(
            f"{self.base_url}/api/oauth/v1/token",
            timeout=TIMEOUT,
            data={
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "scope": SCOPE,
            },
        )
        if response.status_code != 200:
            raise UrssafError(
                _("URSSAF refused the platform's credentials (HTTP %(status)s).")
                % {"status": response.status_code}
            )
        data = response.json()
        self._token = data["access_token"]
        self._expires = time.monotonic() + float(data.get("expires_in", 3600))
        return self._token

    def _post(self, path: str, payload) -> dict | list:
        import requests

        try:
            response = self.session.post(
                f"{self.base_url}{BASE}{path}",
                json=payload,
                timeout=TIMEOUT,
                headers={"Authorization": f"Bearer {self._bearer()}"},
            )
        except requests.RequestException as exc:
            raise UrssafError(
                _("URSSAF could not be reached: %(error)s") % {"error": exc.__class__.__name__}
            ) from exc
        if response.status_code >= 400:
            raise UrssafError(_explain(response))
        return response.json()

    def register(self, person: Person) -> str:
        return str(self._post("/particulier", person_payload(person))["idClient"])

    def request_payment(self, request: PaymentRequest) -> str:
        data = self._post("/demandePaiement", request_payload(request))
        data = data[0] if isinstance(data, list) else data
        return str(data["idDemandePaiement"])

    def statuses(self, ids: list[str]) -> dict[str, tuple[str, str]]:
        out = {}
        for start in range(0, len(ids), 10):  # URSSAF reads at most 10 ids per search
            data = self._post(
                "/demandePaiement/rechercher", {"idDemandePaiements": ids[start : start + 10]}
            )
            for row in data.get("infoDemandePaiements", []):
                statut = row.get("statut") or {}
                out[str(row["idDemandePaiement"])] = (
                    str(statut.get("code", "")),
                    statut.get("libelle", ""),
                )
        return out


def _explain(response) -> str:
    try:
        data = response.json()
    except ValueError:
        data = {}
    rows = data if isinstance(data, list) else [data]
    texts = [
        r.get("message") or r.get("description") or r.get("code")
        for r in rows
        if isinstance(r, dict)
    ]
    texts = [str(t) for t in texts if t]
    detail = "; ".join(texts) or f"HTTP {response.status_code}"
    return _("URSSAF refused it: %(detail)s") % {"detail": detail}


_API: list[UrssafApi] = []


def api() -> UrssafApi:
    """The adapter the settings name; ``UrssafError`` when the platform has none configured."""
    if _API:
        return _API[0]
    url = getattr(settings, "URSSAF_API_URL", "")
    if not url:
        raise UrssafError(
            _("The immediate advance is not set up on this platform (URSSAF_API_URL is empty).")
        )
    return HttpUrssafApi(
        url,
        getattr(settings, "URSSAF_CLIENT_ID", ""),
        getattr(settings, "URSSAF_CLIENT_SECRET", ""),
    )


def use(adapter: UrssafApi | None) -> None:
    """Replace the adapter (tests, a command's ``--fake``); ``None`` goes back to the settings."""
    _API[:] = [adapter] if adapter else []
