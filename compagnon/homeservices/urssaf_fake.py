"""A local stand-in for URSSAF's API Tiers de prestation, over real HTTP on 127.0.0.1.

It answers the same paths as the real API (token, particulier, demandePaiement, rechercher),
checks the bearer token and the required fields, gives ids, and keeps each request's status,
which a test (or the demo) moves on with :meth:`FakeUrssaf.set_status`. New requests start at
"10" (integrated) then read "20" (waiting for the client's validation) at the first search, as
URSSAF's do. Used by the tests and ``manage.py poll_urssaf --fake``; never in production.
"""

from __future__ import annotations

import itertools
import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .urssaf import BASE

LABELS = {
    "10": "Intégrée",
    "20": "En attente de validation",
    "30": "Validée",
    "40": "Refusée",
    "50": "Prélevée",
    "60": "Refus de prélèvement",
    "70": "Payée",
    "110": "Annulée",
}
PERSON_FIELDS = (
    "civilite",
    "nomNaissance",
    "prenoms",
    "dateNaissance",
    "lieuNaissance",
    "numeroTelephonePortable",
    "adresseMail",
    "adressePostale",
    "coordonneeBancaire",
)
REQUEST_FIELDS = (
    "idClient",
    "numFactureTiers",
    "dateFacture",
    "dateDebutEmploi",
    "dateFinEmploi",
    "mntFactureTTC",
    "mntFactureHT",
    "inputPrestations",
)


class FakeUrssaf:
    def __init__(self, client_id: str = "fake-id", client_secret: str = "fake-secret"):  # noqa: S107 - the fake's own test secret
        self.client_id, self.client_secret = client_id, client_secret
        self.tokens: set[str] = set()
        self.clients: dict[str, dict] = {}
        self.requests: dict[str, dict] = {}
        self.statuses: dict[str, str] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FakeUrssaf:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def set_status(self, request_id: str, code: str) -> None:
        with self._lock:
            self.statuses[request_id] = code

    def _next(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):08d}"

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet in tests
                pass

            def _send(self, status: int, data) -> None:
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def do_POST(self):
                if self.path == "/api/oauth/v1/token":
                    from urllib.parse import parse_qs

                    form = {k: v[0] for k, v in parse_qs(self._body().decode()).items()}
                    if (
                        form.get("grant_type") != "client_credentials"
                        or form.get("client_id") != fake.client_id
                        or form.get("client_secret") != fake.client_secret
                    ):
                        return self._send(401, {"error": "invalid_client"})
                    token = secrets.token_hex(16)
                    fake.tokens.add(token)
                    return self._send(
                        200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600}
                    )
                auth = self.headers.get("Authorization", "")
                if not auth.startswith("Bearer ") or auth[7:] not in fake.tokens:
                    return self._send(401, {"code": "ERR_AUTH", "message": "Jeton invalide"})
                try:
                    data = json.loads(self._body() or b"{}")
                except ValueError:
                    return self._send(400, [{"code": "ERR_JSON", "message": "JSON invalide"}])
                with fake._lock:
                    return self._route(data)

            def _route(self, data):
                if self.path == f"{BASE}/particulier":
                    missing = [f for f in PERSON_FIELDS if not data.get(f)]
                    if missing:
                        return self._send(
                            400,
                            [
                                {"code": "ERR_CHAMP", "message": f"Champ obligatoire : {f}"}
                                for f in missing
                            ],
                        )
                    client_id = fake._next("CLI")
                    fake.clients[client_id] = data
                    return self._send(200, {"idClient": client_id})
                if self.path == f"{BASE}/demandePaiement":
                    missing = [f for f in REQUEST_FIELDS if data.get(f) in (None, "", [])]
                    if missing or data.get("idClient") not in fake.clients:
                        message = (
                            f"Champ obligatoire : {missing[0]}"
                            if missing
                            else "Particulier inconnu"
                        )
                        return self._send(400, [{"code": "ERR_DEMANDE", "message": message}])
                    request_id = fake._next("DEM")
                    fake.requests[request_id] = data
                    fake.statuses[request_id] = "10"
                    return self._send(200, [{"idDemandePaiement": request_id, "statut": "10"}])
                if self.path == f"{BASE}/demandePaiement/rechercher":
                    rows = []
                    for request_id in data.get("idDemandePaiements", [])[:10]:
                        if request_id not in fake.statuses:
                            continue
                        if fake.statuses[request_id] == "10":
                            fake.statuses[request_id] = "20"
                        code = fake.statuses[request_id]
                        rows.append(
                            {
                                "idDemandePaiement": request_id,
                                "statut": {"code": code, "libelle": LABELS.get(code, code)},
                            }
                        )
                    return self._send(200, {"infoDemandePaiements": rows})
                return self._send(404, {"code": "ERR_404", "message": "Ressource inconnue"})

        return Handler
