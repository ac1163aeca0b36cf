"""What the simulated members do: a member's working day, compressed, against a running server.

Run by ``bench/load/stage.py`` (locust's library API, one gevent process); it can also be run by
hand against a server prepared by ``python -m bench load --keep``::

    BENCH_LOAD_USERS=var/bench/load/users.json .venv/bin/locust -f bench/load/locustfile.py \
        --headless -u 50 -r 5 -t 60s --host http://127.0.0.1:PORT

Each simulated member takes one account from ``BENCH_LOAD_USERS`` (written by
``bench/load/prepare.py``): their own activity, clients, an issued invoice with its archived PDF
and a quote draft. Four in five work in the browser (``Member``: session login, CSRF, htmx
autosave); one in five is an integration using the API with a personal token (``ApiMember``).

The client plays the TLS terminator in front of the app: it sends ``X-Forwarded-Proto: https``
(the server runs with production settings, which redirect plain http and mark cookies Secure),
``X-Forwarded-For`` with the member's own address (the login rate limit counts per address; the
server trusts one proxy, two behind HAProxy) and ``Origin`` (Django's CSRF check on https).

Every request states the answer it expects; anything else is a failure named after its status
("HTTP 500", "HTTP 403", "redirected to /accounts/login/"…), so the report separates unexpected
4xx from 5xx. Requests are named by endpoint, never by id.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import random
import re
import threading
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import urlencode

import gevent
from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

from bench.load.forms import editor_form, form_fields, lines

USERS_FILE = os.environ.get("BENCH_LOAD_USERS", "var/bench/load/users.json")
THINK = between(1, 5)  # seconds between two actions of one member

_lock = threading.Lock()
_pools: dict[str, list[dict]] = {}
_counters: dict[str, itertools.count] = {}


def _next_account(pool: str) -> dict:
    with _lock:
        if not _pools:
            with open(USERS_FILE, encoding="utf-8") as f:
                data = json.load(f)
            _pools["member"] = data["members"]
            _pools["api"] = data["api"]
            _counters.update(member=itertools.count(), api=itertools.count())
        accounts = _pools[pool]
        i = next(_counters[pool])
        if i >= len(accounts):
            raise RuntimeError(f"bench: more {pool} users than prepared accounts ({len(accounts)})")
        return accounts[i]


def session(action):
    """A browser member's action: logs in first if the login failed (a timeout under load) or the
    session ended, instead of collecting redirects to the login page."""

    @functools.wraps(action)
    def run(self):
        if not self.logged_in:
            self.login()
            return
        action(self)

    return run


class _Base(FastHttpUser):
    abstract = True
    wait_time = THINK
    # geventhttpclient: no retry on a broken connection (a killed web instance must show up)
    max_retries = 0
    connection_timeout = 10.0
    network_timeout = 30.0

    def _headers(self, extra: dict | None = None) -> dict:
        headers = {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.account["ip"],
            "Origin": self._origin,
            "Referer": self._origin + "/",
            "Accept-Language": "fr",
        }
        if extra:
            headers.update(extra)
        return headers

    def on_start(self):
        host = re.sub(r"^https?://", "", self.host.rstrip("/"))
        self._origin = f"https://{host}"
        # The server marks its cookies Secure (production); this client speaks plain http to it.
        self.client.cookiejar.set_policy(DefaultCookiePolicy(secure_protocols=("https", "wss", "http")))
        self.variant = random.randrange(12)

    def expect(self, method: str, path: str, name: str, status: int | tuple = 200, *,
               location: str | None = None, content_type: str | None = None, check=None, **kwargs):
        """One request; a failure unless the status (and the redirect target or the content type)
        is the one expected and ``check(response)``, if given, returns no complaint. Returns the
        response (None on a connection error)."""
        statuses = status if isinstance(status, tuple) else (status,)
        kwargs["headers"] = self._headers(kwargs.get("headers"))
        with self.client.request(method, path, name=name, catch_response=True, allow_redirects=False,
                                 **kwargs) as response:
            code = response.status_code
            if not code:
                response.failure(f"connection error: {response.error}")
                return None
            if code not in statuses:
                where = response.headers.get("Location", "") if 300 <= code < 400 else ""
                if "/accounts/login/" in where:
                    self.logged_in = False  # the session is gone: log in again at the next action
                response.failure(f"HTTP {code}" + (f" to {where.split('?')[0]}" if where else ""))
                return response
            if location is not None and not re.search(location, response.headers.get("Location", "")):
                response.failure(f"redirected to {response.headers.get('Location', '')}")
                return response
            if content_type and not (response.headers.get("Content-Type") or "").startswith(content_type):
                response.failure(f"content type {response.headers.get('Content-Type')}")
                return response
            complaint = check(response) if check is not None else None
            if complaint:
                response.failure(complaint)
                return response
            response.success()
            return response

    def think(self, low: float = 1.0, high: float = 3.0) -> None:
        """A pause inside one action (typing the lines, reading the confirm page)."""
        gevent.sleep(random.uniform(low, high))


class Member(_Base):
    """A member at work in the browser: about 17 actions a minute (think time 1–5 s), pages mostly,
    an autosave in five, a PDF in twenty; one action in 46 issues and sends an invoice (a flow of
    seven requests over 6–12 s), about one invoice every three minutes per member at work."""

    weight = 4

    logged_in = False

    def on_start(self):
        self.account = _next_account("member")
        super().on_start()
        self.login()


    def csrf(self) -> str:
        for cookie in self.client.cookiejar:
            if cookie.name == "csrftoken":
                return cookie.value
        return ""

    def login(self):
        self.expect("GET", "/accounts/login/", "login page")
        self.think(1, 2)
        response = self.post("/accounts/login/", "login",
                             {"login": self.account["email"], "password": self.account["password"]},
                             302, location=r"/home/|^/$")
        self.logged_in = bool(response is not None and response.status_code == 302
                              and "/accounts/login/" not in response.headers.get("Location", ""))

    def post(self, path, name, data, status=200, **kwargs):
        """A form post, as the browser sends it (urlencoded, repeated keys for lists, the CSRF
        token in the form and in the header htmx adds)."""
        token = self.csrf()
        body = urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True)
        headers = kwargs.pop("headers", {}) | {"X-CSRFToken": token,
                                               "Content-Type": "application/x-www-form-urlencoded"}
        return self.expect("POST", path, name, status, data=body, headers=headers, **kwargs)

    @task(8)
    @session
    def home(self):
        self.expect("GET", "/home/", "home")

    @task(6)
    @session
    def documents(self):
        self.expect("GET", random.choice(["/documents/", "/documents/?tab=invoices"]), "documents list")

    @task(4)
    @session
    def clients(self):
        self.expect("GET", "/clients/", "clients list")

    @task(6)
    @session
    def document_page(self):
        self.expect("GET", f"/documents/{self.account['issued']}/", "document page")

    @task(4)
    @session
    def money(self):
        self.expect("GET", f"/activities/{self.account['activity']}/money/", "money page")

    @task(3)
    @session
    def editor(self):
        self.expect("GET", f"/documents/{self.account['draft']}/", "editor (draft)")

    @task(10)
    @session
    def autosave(self):
        self.variant += 1
        self.post(f"/documents/{self.account['draft']}/autosave/", "autosave (htmx)",
                  editor_form(self.account, self.variant, quote=True),
                  headers={"HX-Request": "true", "HX-Target": "totals",
                           "HX-Current-URL": f"{self._origin}/documents/{self.account['draft']}/"})

    @task(2)
    @session
    def pdf_issued(self):
        self.expect("GET", f"/documents/{self.account['issued']}/pdf/", "PDF, issued",
                    content_type="application/pdf")

    @task(2)
    @session
    def pdf_draft(self):
        """"Download draft PDF": the PDF when it is ready, else the HTML preview that reloads itself
        every few seconds until the task worker has rendered it (docs/decisions/0016), as a browser
        follows it: at most 8 reloads."""
        url = f"/documents/{self.account['draft']}/pdf/"

        def pdf_or_reload(response):
            if (response.headers.get("Content-Type") or "").startswith("application/pdf"):
                return None
            if re.search(rb'http-equiv="refresh" content="\d+', response.content or b""):
                return None
            return f"neither a PDF nor a page that reloads: {response.headers.get('Content-Type')}"

        response = self.expect("GET", url, "PDF, draft preview", check=pdf_or_reload)
        for attempt in range(8):
            if response is None or response.status_code != 200:
                return
            refresh = re.search(rb'http-equiv="refresh" content="(\d+)', response.content or b"")
            if (response.headers.get("Content-Type") or "").startswith("application/pdf") or not refresh:
                return
            gevent.sleep(int(refresh.group(1)))
            last = attempt == 7
            response = self.expect("GET", url, "PDF, draft preview (reload)",
                                   check=(lambda r: None if (r.headers.get("Content-Type") or "").startswith(
                                       "application/pdf") else "no PDF after 8 reloads") if last else pdf_or_reload)

    @task(1)
    @session
    def issue_invoice(self):
        """The member's real flow for an invoice: "New invoice" for one of their clients (the browser
        follows to the editor), two lines typed (one autosave), "Issue and send…" (the editor's
        form posted to the issue URL, which saves it and goes on to the portal's send page), the
        send page, its form posted as the page has it: three in four by email to the address the
        page proposes, the others "handed over without email" (also when no address is known),
        then the document page."""
        client = random.choice(self.account["clients"])
        response = self.post("/documents/new/", "new invoice",
                             {"kind": "invoice", "activity": self.account["activity"], "client": client},
                             302, location=r"/documents/\d+/$")
        if response is None or response.status_code != 302:
            return
        match = re.search(r"/documents/(\d+)/", response.headers.get("Location", ""))
        if not match:
            return
        pk = match.group(1)
        self.expect("GET", f"/documents/{pk}/", "editor (new invoice)")
        self.think(2, 5)
        self.variant += 1
        form = editor_form(self.account, self.variant, quote=False)
        saved = self.post(f"/documents/{pk}/autosave/", "autosave (htmx)", form,
                          headers={"HX-Request": "true", "HX-Target": "totals",
                                   "HX-Current-URL": f"{self._origin}/documents/{pk}/"})
        if saved is None or saved.status_code != 200:
            return
        self.think(1, 3)
        send_url = f"/documents/{pk}/email/"
        going = self.post(f"/documents/{pk}/issue/", "issue and send… (editor)", form, 302,
                          location=re.escape(send_url) + "$")
        if going is None or going.status_code != 302:
            return
        page = self.expect("GET", send_url, "send page")
        if page is None or page.status_code != 200:
            return
        fields = form_fields(page.content.decode("utf-8", "replace"), send_url)
        fields.pop("csrfmiddlewaretoken", None)  # self.post adds the current one
        if random.random() < 0.25 or not fields.get("to"):
            fields["action"] = "none"  # "Issue and mark as sent without emailing"
        self.think(1, 2)
        issued = self.post(send_url, "issue and send", fields, 302, location=rf"/documents/{pk}/$")
        if issued is not None and issued.status_code == 302:
            self.think(0.5, 1.5)
            self.expect("GET", f"/documents/{pk}/", "document page")


class ApiMember(_Base):
    """An integration (a member's own tool) on the API with a personal token: lists and reads
    mostly; one action in 20 creates a draft and issues it."""

    weight = 1

    def on_start(self):
        self.account = _next_account("api")
        super().on_start()

    def _headers(self, extra=None):
        return super()._headers({"Authorization": f"Token {self.account['token']}",
                                 "Accept": "application/json", **(extra or {})})

    def _create(self) -> str | None:
        self.variant += 1
        body = {
            "kind": "invoice", "activity": self.account["activity"],
            "client": random.choice(self.account["clients"]), "title": "Intervention",
            "lines": [
                {"kind": "item", "description": line["description"], "quantity": line["quantity"],
                 "unit": line["unit"], "unit_price": line["unit_price"],
                 "vat_category": self.account["vat_category"], "vat_rate": self.account["vat_rate"]}
                for line in lines(self.account, self.variant)
            ],
        }
        response = self.expect("POST", "/api/v1/documents/", "API create draft", 201, json=body)
        if response is None or response.status_code != 201:
            return None
        try:
            return str(json.loads(response.content)["id"])
        except (ValueError, KeyError):
            return None

    @task(8)
    def list_documents(self):
        self.expect("GET", random.choice(["/api/v1/documents/?kind=invoice", "/api/v1/documents/"]),
                    "API documents list")

    @task(4)
    def one_document(self):
        self.expect("GET", f"/api/v1/documents/{self.account['issued']}/", "API document")

    @task(2)
    def clients(self):
        self.expect("GET", "/api/v1/clients/", "API clients list")

    @task(3)
    def create_draft(self):
        self._create()

    @task(1)
    def issue(self):
        pk = self._create()
        if pk is None:
            return
        self.think(0.2, 1)
        self.expect("POST", f"/api/v1/documents/{pk}/issue/", "API issue", 200)

    @task(2)
    def pdf(self):
        self.expect("GET", f"/api/v1/documents/{self.account['issued']}/pdf/", "API PDF, issued",
                    content_type="application/pdf")
