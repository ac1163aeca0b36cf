"""A certified platform on 127.0.0.1 for the tests: the Flow Service endpoints Compagnon uses, over
real HTTP, in a thread. It keeps flows in memory, checks the bearer token, the multipart parts and
the SHA-256 the client declares, and lets a test play the other side: a supplier invoice or a
status message arriving (``receive``), the platform accepting or refusing a flow (``acknowledge``)."""

from __future__ import annotations

import datetime
import hashlib
import itertools
import json
import threading
import uuid
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

SYNTAXES = {"CII", "UBL", "Factur-X", "CDAR", "FRR"}
RULES = {"B2B", "B2BInt", "B2C", "OutOfScope", "ArchiveOnly", "NotApplicable"}
_clock = itertools.count(1)


def _now() -> str:
    # strictly increasing timestamps, so updatedAfter never misses a flow of the same second
    base = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
    return (base + datetime.timedelta(seconds=next(_clock))).isoformat()


class FakePlatform:
    def __init__(self, token="secret-token"):
        self.token = token
        self.flows: dict[str, dict] = {}
        self.files: dict[str, bytes] = {}
        self.requests: list[tuple[str, str]] = []
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _send(self, code, body=b"", content_type="application/json"):
                data = json.dumps(body).encode() if not isinstance(body, bytes) else body
                self.send_response(code)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorised(self) -> bool:
                if self.headers.get("Authorization") != f"Bearer {platform.token}":
                    self._send(401, {"errorCode": "401", "errorMessage": "unauthorised"})
                    return False
                return True

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def do_GET(self):  # noqa: N802 - the http.server API
                url = urlparse(self.path)
                platform.requests.append(("GET", url.path))
                if not self._authorised():
                    return
                if url.path == "/v1/healthcheck":
                    return self._send(200, {"status": "ok"})
                if url.path.startswith("/v1/flows/"):
                    flow_id = url.path.rsplit("/", 1)[-1]
                    if flow_id not in platform.flows:
                        return self._send(404, {"errorCode": "404", "errorMessage": "no such flow"})
                    doc_type = parse_qs(url.query).get("docType", ["Metadata"])[0]
                    if doc_type == "Original":
                        return self._send(200, platform.files[flow_id], "application/octet-stream")
                    return self._send(200, platform.flows[flow_id])
                return self._send(404, {"errorCode": "404"})

            def do_POST(self):  # noqa: N802
                url = urlparse(self.path)
                platform.requests.append(("POST", url.path))
                if not self._authorised():
                    return
                body = self._body()
                if url.path == "/v1/flows":
                    return self._submit(body)
                if url.path == "/v1/flows/search":
                    return self._search(json.loads(body or b"{}"))
                return self._send(404, {"errorCode": "404"})

            def _submit(self, body: bytes):
                head = f"Content-Type: {self.headers.get('Content-Type')}\r\n\r\n".encode()
                message = BytesParser(policy=HTTP).parsebytes(head + body)
                parts = {p.get_param("name", header="content-disposition"): p for p in message.iter_parts()}
                if "flowInfo" not in parts or "file" not in parts:
                    return self._send(400, {"errorCode": "400", "errorMessage": "flowInfo and file are required"})
                info = json.loads(parts["flowInfo"].get_content())
                data = parts["file"].get_payload(decode=True)
                if info.get("flowSyntax") not in SYNTAXES or info.get("processingRule", "B2B") not in RULES:
                    return self._send(400, {"errorCode": "400", "errorMessage": "unknown flowSyntax or processingRule"})
                if info.get("sha256") and info["sha256"] != hashlib.sha256(data).hexdigest():
                    return self._send(400, {"errorCode": "400", "errorMessage": "sha256 does not match the file"})
                flow = platform.add(direction="Out", syntax=info["flowSyntax"], data=data,
                                    flow_type=_type_of(info), tracking_id=info.get("trackingId", ""),
                                    name=info.get("name", ""), rule=info.get("processingRule"))
                return self._send(202, flow)

            def _search(self, params: dict):
                where = params.get("where") or {}
                results = []
                for flow in platform.flows.values():
                    if where.get("updatedAfter") and flow["updatedAt"] <= where["updatedAfter"]:
                        continue
                    if where.get("flowType") and flow["flowType"] not in where["flowType"]:
                        continue
                    if where.get("flowDirection") and flow["flowDirection"] not in where["flowDirection"]:
                        continue
                    if where.get("trackingId") and flow["trackingId"] != where["trackingId"]:
                        continue
                    results.append(flow)
                results.sort(key=lambda f: f["updatedAt"])
                return self._send(200, {"limit": params.get("limit", 100), "filters": where,
                                        "results": results[: params.get("limit", 100)]})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def add(self, *, direction, syntax, data, flow_type, tracking_id="", name="", rule=None) -> dict:
        flow_id = str(uuid.uuid4())
        now = _now()
        flow = {"flowId": flow_id, "trackingId": tracking_id, "name": name, "flowType": flow_type,
                "flowSyntax": syntax, "flowDirection": direction, "processingRule": rule,
                "submittedAt": now, "updatedAt": now, "acknowledgement": {"status": "Pending"}}
        self.flows[flow_id] = flow
        self.files[flow_id] = data
        return flow

    def receive(self, flow_type: str, syntax: str, data: bytes, name: str = "") -> dict:
        return self.add(direction="In", syntax=syntax, data=data, flow_type=flow_type, name=name)

    def acknowledge(self, flow_id: str, status: str, details: list | None = None) -> None:
        flow = self.flows[flow_id]
        flow["acknowledgement"] = {"status": status, "details": details or []}
        flow["updatedAt"] = _now()

    def sent(self, syntax: str | None = None) -> list[dict]:
        return [f for f in self.flows.values() if f["flowDirection"] == "Out" and (syntax is None or
                                                                                   f["flowSyntax"] == syntax)]


def _type_of(info: dict) -> str:
    name = info.get("name", "")
    if info.get("flowSyntax") == "FRR":
        for number, kind in (("10.1", "UnitaryCustomerTransactionReport"), ("10.2", "UnitaryCustomerPaymentReport"),
                             ("10.3", "AggregatedCustomerTransactionReport"),
                             ("10.4", "AggregatedCustomerPaymentReport")):
            if f"-{number}-" in name:
                return kind
        return "MultiFlowReport"
    if info.get("flowSyntax") == "CDAR":
        return "CustomerInvoiceLC"
    return "CustomerInvoice"


def cdar(statuses: list[tuple[str, str, str]], *, when="20261203101500") -> bytes:
    """A status message for (invoice number, status code, reason) triples, shaped as the reform's
    CDAR messages are (UN/CEFACT Cross Domain Acknowledgement And Response)."""
    docs = "".join(
        f"<ram:AcknowledgementDocument><ram:IssueDateTime><udt:DateTimeString format=\"204\">{when}"
        f"</udt:DateTimeString></ram:IssueDateTime><ram:ReferenceReferencedDocument>"
        f"<ram:IssuerAssignedID>{number}</ram:IssuerAssignedID><ram:ProcessConditionCode>{code}"
        f"</ram:ProcessConditionCode>{f'<ram:StatusReasonCode>{reason}</ram:StatusReasonCode>' if reason else ''}"
        f"</ram:ReferenceReferencedDocument></ram:AcknowledgementDocument>"
        for number, code, reason in statuses)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<rsm:CrossDomainAcknowledgementAndResponse '
        'xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100" '
        'xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" '
        'xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">'
        f'<rsm:ExchangedDocument><ram:IssueDateTime><udt:DateTimeString format="204">{when}</udt:DateTimeString>'
        f'</ram:IssueDateTime></rsm:ExchangedDocument>{docs}'
        '</rsm:CrossDomainAcknowledgementAndResponse>').encode()
