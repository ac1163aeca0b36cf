"""Online payment of booking deposits, behind one small interface.

A provider creates a payment and gives the page to send the client to (``create_payment``), tells
a payment's state when asked (``status``: ``open``, ``paid`` or ``failed``; never trusted from what
the browser or a webhook says, always asked back) and refunds (``refund``).

* ``MollieProvider`` — Mollie's Payments API v2 (``POST /v2/payments``, ``GET /v2/payments/{id}``,
  ``POST /v2/payments/{id}/refunds``, bearer API key). Mollie is widely used in Belgium, the
  Netherlands and France and takes SEPA, Bancontact, iDEAL and cards through one API; its webhook
  only posts the payment's id, which is then read back from the API.
* ``LocalProvider`` — a provider inside Compagnon for development and the demo: its checkout page
  (``/fieldwork/pay/local/<ref>/``) lets the person choose "paid" or "refused"; the states live in
  the shared cache. Never for real money.

``FIELD_PAYMENT_PROVIDER`` chooses: ``mollie`` (with ``MOLLIE_API_KEY``; ``MOLLIE_API_URL`` for a
test double), ``local``, or empty: no online payment, slots ask no deposit.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

import requests
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

TIMEOUT = 15


class ProviderError(Exception):
    """The provider could not be reached or refused the call (the message is for the logs)."""


@dataclass(frozen=True)
class Payment:
    ref: str
    checkout_url: str
    status: str  # open | paid | failed


class PaymentProvider(Protocol):
    name: str

    def create_payment(
        self,
        *,
        amount: Decimal,
        currency: str,
        description: str,
        reference: str,
        return_url: str,
        webhook_url: str,
    ) -> Payment: ...

    def status(self, ref: str) -> str: ...

    def refund(self, ref: str, *, amount: Decimal, currency: str) -> str: ...


def _value(amount: Decimal) -> str:
    return f"{amount.quantize(Decimal('0.01'))}"


class MollieProvider:
    name = "mollie"
    STATES = {"paid": "paid", "canceled": "failed", "expired": "failed", "failed": "failed"}

    def __init__(self, api_key: str, base_url: str = "https://api.mollie.com/v2"):
        if not api_key:
            raise ProviderError("MOLLIE_API_KEY is not set")
        self.api_key, self.base_url = api_key, base_url.rstrip("/")

    def _call(self, method: str, path: str, payload: dict | None = None) -> dict:
        try:
            response = requests.request(
                method,
                f"{self.base_url}{path}",
                json=payload,
                timeout=TIMEOUT,
                headers={"Authorization": f"Bearer {self.api_key}"},
            )
        except requests.RequestException as exc:
            raise ProviderError(f"Mollie unreachable: {exc}") from exc
        if response.status_code >= 400:
            raise ProviderError(f"Mollie answered {response.status_code}: {response.text[:300]}")
        return response.json()

    def create_payment(
        self, *, amount, currency, description, reference, return_url, webhook_url
    ) -> Payment:
        data = self._call(
            "POST",
            "/payments",
            {
                "amount": {"currency": currency, "value": _value(amount)},
                "description": description[:255],
                "redirectUrl": return_url,
                "webhookUrl": webhook_url,
                "metadata": {"reference": reference},
            },
        )
        return Payment(
            ref=data["id"],
            checkout_url=data["_links"]["checkout"]["href"],
            status=self.STATES.get(data.get("status"), "open"),
        )

    def status(self, ref: str) -> str:
        return self.STATES.get(self._call("GET", f"/payments/{ref}").get("status"), "open")

    def refund(self, ref: str, *, amount, currency) -> str:
        return self._call(
            "POST",
            f"/payments/{ref}/refunds",
            {"amount": {"currency": currency, "value": _value(amount)}},
        )["id"]


class LocalProvider:
    name = "local"
    KEY = "fieldwork:local-payment:{}"

    def create_payment(
        self, *, amount, currency, description, reference, return_url, webhook_url
    ) -> Payment:
        ref = "local_" + secrets.token_urlsafe(12)
        cache.set(
            self.KEY.format(ref),
            {
                "status": "open",
                "return_url": return_url,
                "amount": _value(amount),
                "description": description,
            },
            7 * 24 * 3600,
        )
        return Payment(
            ref=ref, checkout_url=reverse("fieldwork-local-pay", args=[ref]), status="open"
        )

    def payment(self, ref: str) -> dict | None:
        return cache.get(self.KEY.format(ref))

    def settle(self, ref: str, status: str) -> dict | None:
        data = self.payment(ref)
        if data is not None and data["status"] == "open":
            data["status"] = status
            cache.set(self.KEY.format(ref), data, 7 * 24 * 3600)
        return data

    def status(self, ref: str) -> str:
        data = self.payment(ref)
        return data["status"] if data else "failed"

    def refund(self, ref: str, *, amount, currency) -> str:
        return "local_refund_" + secrets.token_urlsafe(8)


def get_provider() -> PaymentProvider | None:
    """The configured provider, or None when online payment is off."""
    name = getattr(settings, "FIELD_PAYMENT_PROVIDER", "") or ""
    if name == "mollie":
        return MollieProvider(
            getattr(settings, "MOLLIE_API_KEY", ""),
            getattr(settings, "MOLLIE_API_URL", "") or "https://api.mollie.com/v2",
        )
    if name == "local":
        return LocalProvider()
    return None
