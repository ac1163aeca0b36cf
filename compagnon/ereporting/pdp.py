"""The certified platform (PDP/PA) through the standard Flow Service API (AFNOR XP Z12-013).

Endpoints used, relative to ``PDP_URL`` (the platform's Flow Service base address):

    POST /v1/flows          multipart: ``flowInfo`` (JSON: trackingId, name, processingRule,
                            flowSyntax, flowProfile, sha256) and ``file``; answers the flow
                            (flowId, …)
    POST /v1/flows/search   JSON {"limit", "where": {"updatedAfter", "flowType", "flowDirection",
                            "trackingId", "ackStatus"}}; answers {"results": [flow, …]}
    GET  /v1/flows/{id}     ?docType=Metadata (JSON) | Original (the file)
    GET  /v1/healthcheck

Authentication: ``Authorization: Bearer <PDP_TOKEN>``. A flow's ``acknowledgement.status`` is
``Pending``, ``Ok`` or ``Error`` (with ``details``).

``PdpAccessPoint`` plugs the platform into the e-invoice channels (``EINVOICE_ACCESS_POINT =
"compagnon.ereporting.pdp.PdpAccessPoint"``): issued invoices then go through the platform
instead of a Peppol access point, and their status is read from it.
"""

from __future__ import annotations

import hashlib
import json
import uuid

import requests
from django.conf import settings

from compagnon.einvoice.channels import AccessPoint, Receipt


class PlatformError(Exception):
    """The platform could not be reached or refused the request (``message`` says which)."""


def configured() -> bool:
    return bool(getattr(settings, "PDP_URL", ""))


class FlowClient:
    def __init__(self, base_url: str | None = None, token: str | None = None, *, timeout: float | None = None,
                 session: requests.Session | None = None):
        self.base = (base_url if base_url is not None else getattr(settings, "PDP_URL", "")).rstrip("/")
        self.token = token if token is not None else getattr(settings, "PDP_TOKEN", "")
        self.timeout = timeout if timeout is not None else float(getattr(settings, "PDP_TIMEOUT", 30))
        self.session = session or requests.Session()
        if not self.base:
            raise PlatformError("No platform is configured (PDP_URL).")

    def _headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def _call(self, method: str, path: str, **kwargs) -> requests.Response:
        try:
            answer = self.session.request(method, f"{self.base}{path}", headers=self._headers(),
                                          timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            raise PlatformError(f"The platform did not answer: {exc.__class__.__name__}") from exc
        if answer.status_code >= 400:
            detail = answer.text[:300]
            raise PlatformError(f"The platform answered {answer.status_code}: {detail}")
        return answer

    def submit(self, *, data: bytes, name: str, syntax: str, processing_rule: str, tracking_id: str | None = None,
               profile: str | None = None) -> dict:
        info = {"trackingId": tracking_id or uuid.uuid4().hex, "name": name, "processingRule": processing_rule,
                "flowSyntax": syntax, "sha256": hashlib.sha256(data).hexdigest()}
        if profile:
            info["flowProfile"] = profile
        files = {"flowInfo": (None, json.dumps(info), "application/json"),
                 "file": (name, data, "application/xml" if data.lstrip().startswith(b"<") else "application/pdf")}
        return self._call("POST", "/v1/flows", files=files).json()

    def search(self, *, updated_after=None, flow_types=None, direction=None, tracking_id=None,
               limit: int = 100) -> list[dict]:
        where: dict = {}
        if updated_after:
            where["updatedAfter"] = updated_after.isoformat() if hasattr(updated_after, "isoformat") else updated_after
        if flow_types:
            where["flowType"] = list(flow_types)
        if direction:
            where["flowDirection"] = [direction]
        if tracking_id:
            where["trackingId"] = tracking_id
        return self._call("POST", "/v1/flows/search", json={"limit": limit, "where": where}).json().get("results", [])

    def metadata(self, flow_id: str) -> dict:
        return self._call("GET", f"/v1/flows/{flow_id}", params={"docType": "Metadata"}).json()

    def download(self, flow_id: str) -> bytes:
        return self._call("GET", f"/v1/flows/{flow_id}", params={"docType": "Original"}).content

    def healthy(self) -> bool:
        try:
            self._call("GET", "/v1/healthcheck")
        except PlatformError:
            return False
        return True


def ack(flow: dict) -> tuple[str, str]:
    """(Pending|Ok|Error, details in one line) of a flow's metadata."""
    acknowledgement = flow.get("acknowledgement") or {}
    details = "; ".join(str(d.get("reasonMessage") or d.get("reasonCode") or d)
                        for d in acknowledgement.get("details") or [])
    return acknowledgement.get("status") or "Pending", details[:500]


def syntax_of(xml: bytes) -> str:
    head = xml[:2000]
    if xml.startswith(b"%PDF"):
        return "Factur-X"
    return "CII" if b"CrossIndustryInvoice" in head else "UBL"


class PdpAccessPoint(AccessPoint):
    """E-invoices of issued documents through the certified platform (domestic B2B: processing
    rule ``B2B``; a buyer abroad: ``B2BInt``)."""

    def __init__(self, client: FlowClient | None = None):
        self.client = client or FlowClient()

    def submit(self, *, sender: str, recipient: str, document_type: str, xml: bytes) -> str:
        abroad = bool(recipient) and not recipient.startswith(("0009:", "0002:", "9957:"))
        flow = self.client.submit(data=xml, name=f"{uuid.uuid4().hex}.xml", syntax=syntax_of(xml),
                                  processing_rule="B2BInt" if abroad else "B2B")
        return str(flow.get("flowId") or flow.get("id") or "")

    def status(self, message_id: str) -> Receipt:
        from .lifecycle import delivery_state

        known = delivery_state(message_id)
        if known is not None:
            return known
        state, details = ack(self.client.metadata(message_id))
        if state == "Error":
            return Receipt("failed", details)
        return Receipt("sent", details)
