"""Mollie's Payments API v2 on 127.0.0.1 for the tests, over real HTTP in a thread: creating a
payment, reading it, refunding it. It checks the bearer key and the amount's shape, and lets a
test play the client at the checkout (``settle``)."""

from __future__ import annotations

import itertools
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_ids = itertools.count(1)


class FakeMollie:
    def __init__(self, key="test_key"):
        self.key = key
        self.payments: dict[str, dict] = {}
        self.refunds: list[dict] = []
        mollie = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, code, body):
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/hal+json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorised(self):
                if self.headers.get("Authorization") != f"Bearer {mollie.key}":
                    self._send(401, {"status": 401, "title": "Unauthorized Request"})
                    return False
                return True

            def _json(self):
                return json.loads(
                    self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}"
                )

            def do_POST(self):  # noqa: N802
                if not self._authorised():
                    return
                body = self._json()
                if self.path == "/v2/payments":
                    amount = body.get("amount", {})
                    if (
                        not re.fullmatch(r"\d+\.\d{2}", amount.get("value", ""))
                        or amount.get("currency") != "EUR"
                    ):
                        return self._send(
                            422, {"status": 422, "title": "Unprocessable Entity", "field": "amount"}
                        )
                    pid = f"tr_test{next(_ids)}"
                    mollie.payments[pid] = {
                        "id": pid,
                        "status": "open",
                        "amount": amount,
                        **body,
                        "_links": {"checkout": {"href": f"https://checkout.example/{pid}"}},
                    }
                    return self._send(201, mollie.payments[pid])
                match = re.fullmatch(r"/v2/payments/(\w+)/refunds", self.path)
                if match and match.group(1) in mollie.payments:
                    refund = {
                        "id": f"re_test{next(_ids)}",
                        "paymentId": match.group(1),
                        "amount": body["amount"],
                    }
                    mollie.refunds.append(refund)
                    return self._send(201, refund)
                self._send(404, {"status": 404})

            def do_GET(self):  # noqa: N802
                if not self._authorised():
                    return
                match = re.fullmatch(r"/v2/payments/(\w+)", self.path)
                if match and match.group(1) in mollie.payments:
                    return self._send(200, mollie.payments[match.group(1)])
                self._send(404, {"status": 404})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v2"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def settle(self, pid: str, status: str) -> None:
        self.payments[pid]["status"] = status

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
