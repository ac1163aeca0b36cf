"""The inbox of a member holding 10,000 messages, in a cooperative of 100,000 members and 1,000,000
messages; opening one long conversation. Not a test.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/compagnon_bench_messaging \\
        .venv/bin/python -m bench.messaging [--members 100000] [--messages 1000000] [--requests 60]
    .venv/bin/python -m bench.messaging --quick     # 5,000 members, 60,000 messages (SQLite is fine)
    … --reuse                                       # measure again on the data of the last run

Works in a scratch database (``bench.run``'s ``reset_database``; a PostgreSQL name must contain
"bench"); ``BENCH_SETTINGS`` names the settings module (default ``compagnon.settings``). Writes in
bulk, through ``compagnon.core.bulk.Writer`` (COPY on PostgreSQL), one entity with ``--members``
members and ``--messages`` messages: the measured member takes part in 1 long conversation
(4,000 messages) and 300 shorter ones (6,000 messages), some with unread messages; everybody else
in two-person conversations of 10 messages. Each member also has notifications (2,000 for the
measured one). Then, for the measured member, through the Django test Client (a real request,
middleware and templates included, no network), ``--requests`` times each after a warm-up, the
pages taken in turn (one request each, round after round: a busier machine slows them alike):

* the inbox (``messaging-inbox``), its 5th page, and ``GET /api/v1/messages/conversations/``;
* the long conversation (its latest page), and a page in its middle (``?before=``);
* baseline, in the same run: the notifications list of the same member (``notification-list``).

Budget: the inbox's p95 < 60 ms. Prints p50/p95, queries per request and the ratios to the
baseline; exit 1 when the budget is missed.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time

BUDGET_MS = 60.0
LONG = 4_000
SHORT_CONVERSATIONS = 300
SHORT = 20
OTHERS = 10
TEXTS = [
    "Bonjour, tu serais disponible jeudi pour regarder le devis ensemble ?",
    "Merci pour ton aide hier, le client est ravi du résultat.",
    "Je t'envoie le plan du jardin ce soir, dis-moi ce que tu en penses.",
    "Peux-tu me prêter la camionnette vendredi matin pour une livraison ?",
    "Rendez-vous confirmé à 10 h au bureau, apporte les prix du fournisseur.",
    "J'ai relu la facture : il manque la mention de l'autoliquidation.",
    "Super, je note. On en reparle à la réunion du collectif.",
    "Le client demande un deuxième passage en juin, ça te dit de le faire avec moi ?",
]


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.messaging", description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=int(os.environ.get("BENCH_MESSAGING_MEMBERS", "100000")))
    parser.add_argument("--messages", type=int, default=int(os.environ.get("BENCH_MESSAGING_MESSAGES", "1000000")))
    parser.add_argument("--requests", type=int, default=int(os.environ.get("BENCH_REQUESTS", "60")))
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="5,000 members and 60,000 messages")
    parser.add_argument("--reuse", action="store_true",
                        help="measure again on the data an earlier run left in the database (no rewrite)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    args = parser.parse_args(argv)
    if args.quick:
        args.members, args.messages = 5_000, 60_000
    return args


def setup(url: str, reuse: bool = False) -> None:
    """``bench.run.scratch_database`` with the settings module of ``BENCH_SETTINGS`` (``reuse``:
    the database is kept as an earlier run left it)."""
    from bench import run

    url = url or f"sqlite:///{run.OUT / 'messaging.sqlite3'}"
    if not reuse:
        run.reset_database(url)
    run.prepare_environment(url)
    os.environ["DJANGO_SETTINGS_MODULE"] = os.environ.get("BENCH_SETTINGS", "compagnon.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


class Plan:
    """Rows of conversations, participants and messages, built in chunks."""

    def __init__(self, writer, entity_id, member_users, start):
        from compagnon.core.bulk import Table
        from compagnon.messaging.models import Conversation, Message, Participant

        self.w, self.entity_id, self.users, self.start = writer, entity_id, member_users, start
        self.conv = Table(Conversation, ["id", "entity", "subject", "created_by", "created_at", "last_message",
                                         "last_message_at", "message_count", "people"])
        self.part = Table(Participant, ["conversation", "user", "joined_at", "last_message_at", "last_read_id",
                                        "unread", "archived", "digested_up_to"])
        self.msg = Table(Message, ["id", "conversation", "author", "body", "created_at"])
        self.models = (Conversation, Message)
        self.messages = 0
        self.tick = 0
        self._conv_ids, self._msg_ids, self._msg_at = [], [], 0

    def when(self):
        self.tick += 1
        return self.start + datetime.timedelta(seconds=self.tick * 7)

    def add(self, people: list[int], n: int, *, unread_for: dict | None = None, subject: str = "") -> int:
        """A conversation between ``people`` (user ids) with ``n`` messages; returns its id."""
        conv_id = self._conv_ids.pop()
        ids = self._message_ids(n)
        first = None
        for k, mid in enumerate(ids):
            at = self.when()
            first = first or at
            self.msg.add((mid, conv_id, people[k % len(people)], TEXTS[(mid + k) % len(TEXTS)], at))
        last_at = at
        self.conv.add((conv_id, self.entity_id, subject, people[0], first, ids[-1], last_at, n, len(people)))
        unread_for = unread_for or {}
        for u in people:
            unread = unread_for.get(u, 0)
            read = ids[-1 - unread] if unread < n else 0
            self.part.add((conv_id, u, first, last_at, read, unread, False, ids[-1]))
        self.messages += n
        return conv_id

    def prepare_ids(self, conversations: int, messages: int) -> None:
        from compagnon.messaging.models import Conversation, Message

        self._conv_ids = self.w.reserve_ids(Conversation, conversations)[::-1]
        self._msg_ids = self.w.reserve_ids(Message, messages)
        self._msg_at = 0

    def _message_ids(self, n):
        out = self._msg_ids[self._msg_at:self._msg_at + n]
        self._msg_at += n
        return out

    def flush(self) -> None:
        for table in (self.conv, self.part, self.msg):
            table.flush(self.w)


def write(members: int, messages: int):
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from compagnon.accounts.models import Role, RoleAssignment, User
    from compagnon.core.bulk import Table, Writer
    from compagnon.members.models import Member, MemberStatus
    from compagnon.notifications.models import Notification
    from compagnon.organisation.models import Entity, Office

    w = Writer()
    now = timezone.now()
    with transaction.atomic():
        entity = Entity.objects.create(
            name="Bench Messages", legal_name="Bench Messages SCOP", jurisdiction="FR", company_number="732829320",
            city="Nantes", postcode="44000", country="FR", street="1 rue de la Paix",
        )
        office = Office.objects.create(entity=entity, name="Nantes", city="Nantes")
        password = make_password(None)
        user_ids = w.reserve_ids(User, members)
        users = Table(User, ["id", "email", "password", "first_name", "last_name", "language"])
        for i, uid in enumerate(user_ids):
            users.add((uid, f"m{i}@messages.bench.example", password, f"Prénom{i % 997}", f"Nom{i:06d}", "fr"))
        users.flush(w)
        people = Table(Member, ["user", "entity", "office", "number", "status", "skills", "languages"])
        for i, uid in enumerate(user_ids):
            people.add((uid, entity.pk, office.pk, f"B{i:06d}", MemberStatus.CONTRACT, "[]", "[]"))
        people.flush(w)
        advisor = User.objects.create(email="advisor@messages.bench.example", password=password, first_name="Ada",
                                      last_name="Visor", language="fr")
        RoleAssignment.objects.create(user=advisor, role=Role.ADVISOR, entity=entity, office=office)

        me = user_ids[0]
        short = min(SHORT_CONVERSATIONS, members - 2)
        own = LONG + short * SHORT
        rest = max(0, messages - own)
        others = rest // OTHERS
        plan = Plan(w, entity.pk, user_ids, now - datetime.timedelta(days=365))
        plan.prepare_ids(1 + short + others, own + others * OTHERS)
        started = time.perf_counter()
        # everybody else first (older), the measured member's conversations spread over the year
        mine_every = max(1, others // (short + 1))
        made_mine = 0
        long_id = None
        for k in range(others):
            a = user_ids[1 + (k * 7919) % (members - 1)]
            b = user_ids[1 + (k * 104729 + 13) % (members - 1)]
            if a == b:
                b = user_ids[1 + ((k * 104729 + 14) % (members - 1))]
            plan.add([a, b], OTHERS, unread_for={b: k % 3})
            if k % mine_every == 0 and made_mine <= short:
                if made_mine == 0:
                    long_id = plan.add([me, user_ids[1]], LONG, unread_for={me: 2}, subject="Le long chantier")
                else:
                    partner = user_ids[1 + made_mine]
                    group = [me, partner] + ([advisor.pk] if made_mine % 10 == 0 else [])
                    plan.add(group, SHORT, unread_for={me: 1 if made_mine % 6 == 0 else 0})
                made_mine += 1
            if len(plan.msg.rows) >= 100_000:
                plan.flush()
        while made_mine <= short:  # a small run: the rest of the measured member's conversations
            if made_mine == 0:
                long_id = plan.add([me, user_ids[1]], LONG, unread_for={me: 2}, subject="Le long chantier")
            else:
                plan.add([me, user_ids[1 + made_mine]], SHORT, unread_for={me: 1 if made_mine % 6 == 0 else 0})
            made_mine += 1
        plan.flush()
        notes = Table(Notification, ["user", "title", "url", "key", "created_at"])
        for k in range(2_000):
            notes.add((me, f"Nouveau message de Nom{k:06d}", "/messages/", f"bench:{k}", now - datetime.timedelta(
                minutes=k)))
        for k, uid in enumerate(user_ids[1:]):
            for j in range(2):
                notes.add((uid, "Nouveau message", "/messages/", f"bench:{j}", now - datetime.timedelta(minutes=k + j)))
            if len(notes.rows) >= 100_000:
                notes.flush(w)
        notes.flush(w)
        w.wait()
    w.analyze([User, Member, Notification, *plan.models, plan.part.model])
    total = plan.messages
    print(f"bench.messaging: {total:,} messages written in {time.perf_counter() - started:.1f} s", flush=True)
    return User.objects.get(pk=me), long_id, total


def measure(client, pages, n, warmup) -> dict:
    """{label: (p50, p95, queries)} of each page, the pages taken in turn (one request each, round
    after round) so that a machine getting busier slows them all alike and the ratios hold."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.home import percentile

    for label, url in pages:
        for _ in range(warmup):
            r = client.get(url)
            if r.status_code != 200:
                raise SystemExit(f"bench.messaging: GET {url} ({label}) answered {r.status_code}")
    samples = {label: [] for label, _url in pages}
    queries = dict.fromkeys(samples, 0)
    for _ in range(n):
        for label, url in pages:
            with CaptureQueriesContext(connection) as ctx:
                t = time.perf_counter()
                client.get(url)
                samples[label].append((time.perf_counter() - t) * 1000)
            queries[label] = max(queries[label], len(ctx.captured_queries))
    out = {}
    for label, values in samples.items():
        values.sort()
        out[label] = (percentile(values, 0.5), percentile(values, 0.95), queries[label])
    return out


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    setup(args.database_url, args.reuse)
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from compagnon.accounts.models import User
    from compagnon.messaging.models import Message, Participant

    started = time.perf_counter()
    me = User.objects.filter(email="m0@messages.bench.example").first() if args.reuse else None
    if me is None:
        me, long_id, total = write(args.members, args.messages)
    else:
        long_id = Participant.objects.filter(user=me, conversation__message_count=LONG).values_list(
            "conversation_id", flat=True).first()
        total = Message.objects.count()
    mine = Message.objects.filter(conversation__participants__user=me).count()
    conversations = Participant.objects.filter(user=me).count()
    from compagnon.members.models import Member

    print(f"bench.messaging: {connection.vendor}, {Member.objects.count():,} members, {total:,} messages; the measured member "
          f"takes part in {conversations:,} conversations holding {mine:,} messages "
          f"(set up in {time.perf_counter() - started:.0f} s)", flush=True)
    http = Client()
    http.force_login(me)
    middle = Message.objects.filter(conversation_id=long_id).order_by("id").values_list("id", flat=True)[LONG // 2]
    pages = [
        ("inbox", reverse("messaging-inbox")),
        ("inbox, page 5", reverse("messaging-inbox") + "?page=5"),
        ("API conversations", "/api/v1/messages/conversations/"),
        ("long conversation, latest", reverse("messaging-conversation", args=[long_id])),
        ("long conversation, middle", reverse("messaging-conversation", args=[long_id]) + f"?before={middle}"),
        ("baseline: notifications", reverse("notification-list")),
    ]
    results = measure(http, pages, args.requests, args.warmup)
    b50, b95, _bq = results["baseline: notifications"]
    for label, (p50, p95, q) in results.items():
        ratio = "" if label.startswith("baseline") else f"  ratio to baseline p50 {p50 / b50:.2f}x, p95 {p95 / b95:.2f}x"
        print(f"{label:28} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  {q:2d} queries{ratio}")
    p95 = results["inbox"][1]
    ok = p95 < BUDGET_MS
    print(f"budget inbox p95 < {BUDGET_MS:.0f} ms: {'met' if ok else 'MISSED'} ({p95:.1f} ms)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
